"""Officers' page of emails that could not be delivered, with their errors and a retry."""

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from grants.extensions import db
from grants.notifications.catalogue import EMAILS
from grants.notifications.delivery import outbox_counts
from grants.notifications.failures import failed_messages, retry_all_failed, retry_message
from grants.notifications.models import OutboxMessage
from grants.security.policy import OFFICER, Loads, declare
from grants.web import flash_success, page_number

bp = Blueprint("outbox", __name__, url_prefix="/manage/emails")
LOAD_MESSAGE = Loads("message_id", lambda message_id: db.session.get(OutboxMessage, message_id), "message")


@bp.get("/failed")
@declare(OFFICER)
def failed():
    page = failed_messages(page_number())
    if not page.items and page.total:
        return redirect(url_for(".failed", page=page.pages))
    return render_template(
        "notifications/failed.html",
        page=page,
        counts=outbox_counts(),
        subjects={name: str(kind.subject) for name, kind in EMAILS.items()},
    )


@bp.post("/<int:message_id>/retry")
@declare(OFFICER, load=LOAD_MESSAGE)
def retry(message):
    retry_message(current_user._get_current_object(), message)
    flash_success(_("The email to %(email)s is queued again.", email=message.recipient_email))
    return redirect(url_for(".failed"))


@bp.post("/failed/retry")
@declare(OFFICER)
def retry_all():
    count = retry_all_failed(current_user._get_current_object())
    flash_success(
        ngettext("%(num)d failed email queued again.", "%(num)d failed emails queued again.", count)
        if count
        else _("Nothing to retry.")
    )
    return redirect(url_for(".failed"))
