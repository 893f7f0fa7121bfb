"""The short reasons people give for declining, taking a reviewer off, unlocking or conflicts."""

from flask_babel import gettext as _

from grants.errors import ValidationError

MAX_REASON_LENGTH = 2000


def clean_reason(text: str | None, missing: str, field: str = "reason") -> str:
    """``text`` with its spacing tidied; refused when empty (with ``missing``) or too long."""
    reason = " ".join((text or "").split())
    if not reason:
        raise ValidationError(missing, field=field)
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            _("Keep the reason under %(limit)s characters.", limit=f"{MAX_REASON_LENGTH:,}"), field=field
        )
    return reason
