"""Uploading, removing and downloading PDF attachments."""

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.applications.forms import AttachmentForm
from grants.applications.models import AttachmentKind
from grants.applications.services import attachments as attachment_services
from grants.applications.services import restoring
from grants.applications.services.answers import questions_for
from grants.applications.services.removed_files import recently_removed_attachments, restorable_until
from grants.applications.storage import send_stored_pdf
from grants.applications.views.blueprint import LOAD_APPLICATION, LOAD_ATTACHMENT, bp, section_page
from grants.calls.questions import QuestionKind
from grants.choices import options
from grants.errors import DomainError
from grants.numbers import whole_number
from grants.security.policy import SIGNED_IN, declare
from grants.security.predicates import can_download_attachment, can_view_application
from grants.timeutil import utcnow
from grants.web import attach_error, flash_success, perform


def _form(application) -> AttachmentForm:
    form = AttachmentForm()
    form.team_member_id.choices = options(
        [("", _("Not a CV")), *((str(m.id), m.full_name) for m in application.members)]
    )
    file_questions = [q for q in questions_for(application) if q.kind == QuestionKind.FILE]
    form.question_key.choices = options(
        [("", _("Not an answer")), *((q.key, q.label) for q in file_questions)]
    )
    if not file_questions:
        form.kind.choices = [choice for choice in form.kind.choices if choice.value != AttachmentKind.ANSWER]
    return form


def _page(application, form, status=200):
    removed = recently_removed_attachments(application, utcnow())
    return section_page(
        "applications/attachments.html",
        application,
        status,
        form=form,
        max_megabytes=10,
        removed=removed,
        restorable_until=restorable_until,
    )


@bp.get("/applications/<int:application_id>/attachments")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def attachments(application):
    return _page(application, _form(application))


@bp.post("/applications/<int:application_id>/attachments")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def upload(application):
    form = _form(application)
    if not form.validate():
        return _page(application, form, 422)
    upload = form.file.data
    content = upload.read() if upload else b""
    member = form.team_member_id.data
    try:
        attachment_services.upload_attachment(
            current_user,
            application,
            kind=form.kind.data,
            filename=getattr(upload, "filename", None),
            content=content,
            team_member_id=whole_number(member),
            question_key=form.question_key.data or None,
            now=utcnow(),
        )
    except DomainError as error:
        return _page(application, form, attach_error(form, error))
    flash_success(_("%(name)s uploaded.", name=upload.filename))
    return redirect(url_for(".attachments", application_id=application.id), 303)


@bp.post("/applications/<int:application_id>/attachments/<int:attachment_id>/remove")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def remove_attachment(application, attachment_id: int):
    return perform(
        lambda: attachment_services.remove_attachment(current_user, application, attachment_id, utcnow()),
        back=url_for(".attachments", application_id=application.id),
        success=_("File removed. You can restore it from “Recently removed” below."),
    )


@bp.post("/applications/<int:application_id>/attachments/removed/<int:removed_id>/restore")
@declare(SIGNED_IN, load=LOAD_APPLICATION, check=can_view_application)
def restore_attachment(application, removed_id: int):
    return perform(
        lambda: restoring.restore_attachment(current_user, application, removed_id, utcnow()),
        back=url_for(".attachments", application_id=application.id),
        success=_("File restored."),
    )


def download_name(user, attachment) -> str:
    """The applicants' own file name, except for reviewers of a double-blind call: file names
    often carry the authors' names."""
    application = attachment.application
    if application.call.double_blind and not can_view_application(user, application):
        return f"{application.display_reference}-{attachment.kind.replace('_', '-')}.pdf"
    return attachment.original_name


@bp.get("/attachments/<int:attachment_id>")
@declare(SIGNED_IN, load=LOAD_ATTACHMENT, check=can_download_attachment)
def download(attachment):
    return send_stored_pdf(attachment, download_name(current_user, attachment))
