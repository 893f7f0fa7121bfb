"""The development mailbox, for officers, when mail is written to files rather than sent."""

from flask import Blueprint, abort, current_app, render_template

from grants.notifications.mailbox import list_mail, read_mail
from grants.security.policy import STAFF, Loads, declare

bp = Blueprint("mailbox", __name__, url_prefix="/dev/mail")


def _mail_dir() -> str:
    config = current_app.config
    if not config["DEV_MAIL_VIEWER"] or config.get("SMTP_URL"):
        abort(404)
    return config["MAIL_DIR"]


@bp.get("/")
@declare(STAFF)
def index():
    return render_template("notifications/mailbox.html", messages=list_mail(_mail_dir()))


@bp.get("/<name>")
@declare(STAFF, load=Loads("name", lambda name: read_mail(_mail_dir(), name), "message"))
def show(message):
    return render_template("notifications/mail.html", message=message)
