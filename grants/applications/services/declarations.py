"""The declarations a proposal makes: the programme's IP terms, ethics and data-protection consent."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grants.accounts.models import User
from grants.applications.models import Application, Declaration, DeclarationKind
from grants.applications.services.common import require_editable, require_lead
from grants.audit.services import record

DECLARATION_TITLES = {
    DeclarationKind.INTELLECTUAL_PROPERTY: _l("Intellectual-property provisions accepted"),
    DeclarationKind.ETHICS: _l("Ethics declaration made"),
    DeclarationKind.DATA_PROTECTION: _l("Data-protection consent given"),
}
DECLARATION_TEXTS = {
    DeclarationKind.INTELLECTUAL_PROPERTY: _l(
        "We accept the programme's intellectual-property provisions, and will agree the management "
        "and sharing of any intellectual property between the partner institutions before the project starts."
    ),
    DeclarationKind.ETHICS: _l(
        "The project will obtain any ethical approvals it needs before the work they cover begins, "
        "and will follow the research-ethics rules of both countries."
    ),
    DeclarationKind.DATA_PROTECTION: _l(
        "Every team member consents to the funders holding and sharing the personal data in this "
        "application with each other and with reviewers, to assess it and to manage any award."
    ),
}


def set_declarations(actor: User, application: Application, accepted: set[str], now: datetime) -> None:
    """Make the declarations match ``accepted``: ticked ones recorded with who and when, unticked removed."""
    require_editable(actor, application, now)
    require_lead(actor, application, _("Only the lead applicant can make the declarations."))
    wanted = {DeclarationKind(kind) for kind in accepted if kind in DeclarationKind.__members__.values()}
    current = {DeclarationKind(item.kind): item for item in application.declarations}
    for kind in wanted - current.keys():
        application.declarations.append(
            Declaration(kind=kind.value, accepted_by_id=actor.id, accepted_at=now)
        )
    for kind in current.keys() - wanted:
        application.declarations.remove(current[kind])
    if wanted != set(current):
        record(
            actor,
            "application.declarations_set",
            application,
            {"declarations": [sorted(current), sorted(kind.value for kind in wanted)]},
        )
