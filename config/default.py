"""The embedded default: everything on this machine, nothing to install.

SQLite under the instance folder, Celery on the kombu SQLAlchemy transport over a SQLite file,
mail written to ``instance/mail/``. Values that depend on the instance folder are left as ``None``
and filled in by ``create_app`` once Flask knows where that folder is.
"""

import os
from datetime import timedelta

PUBLISHED_DEV_SECRET = "grants-development-key-not-secret"  # noqa: S105 (published on purpose)


DELIVERY_TUNING = (
    "OUTBOX_RETRY_BASE_SECONDS",
    "OUTBOX_RETRY_CAP_SECONDS",
    "OUTBOX_MAX_ATTEMPTS",
    "OUTBOX_SWEEP_AFTER_SECONDS",
    "OUTBOX_LEASE_SECONDS",
)


def delivery_tuning() -> dict[str, float]:
    """Delivery timings from the environment, when set (fault tests shorten them)."""
    return {name: float(os.environ[name]) for name in DELIVERY_TUNING if os.environ.get(name)}


SESSION_TUNING = ("AUTH_SESSION_IDLE_TIMEOUT", "AUTH_SESSION_IDLE_TIMEOUT_STAFF", "AUTH_SESSION_WARNING")


def session_tuning() -> dict[str, timedelta]:
    """Session time-outs from the environment, in seconds, when set (an operator's policy; the
    browser tests shorten them)."""
    given = (name for name in SESSION_TUNING if os.environ.get(name))
    return {name: timedelta(seconds=float(os.environ[name])) for name in given}


class DefaultConfig:
    ENV_NAME = "development"
    SECRET_KEY = PUBLISHED_DEV_SECRET
    # Where the SQLite database, broker file and mail live; None means Flask's instance folder.
    INSTANCE_PATH: str | None = None

    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    CELERY_BROKER_URL: str | None = None
    CELERY_ALWAYS_EAGER = False
    # "celery" hands committed outbox rows to the worker; "record" keeps their ids (tests).
    OUTBOX_DISPATCH = "celery"

    # Delivery: retries back off exponentially (with jitter) from the base to the cap; after the
    # last attempt a message is failed and shown to officers. The beat's sweep re-hands rows still
    # pending a minute after they were due, leasing each for a while so the queue is not flooded.
    OUTBOX_RETRY_BASE_SECONDS = 30.0
    OUTBOX_RETRY_CAP_SECONDS = 900.0
    OUTBOX_MAX_ATTEMPTS = 16
    OUTBOX_SWEEP_AFTER_SECONDS = 60
    OUTBOX_LEASE_SECONDS = 300
    # Redis redelivers a task not acknowledged after this long; longer than any countdown above.
    BROKER_VISIBILITY_TIMEOUT = 7200
    # Publishing to a broker that is down must not hold a request up.
    BROKER_CONNECT_TIMEOUT = 0.5

    MAIL_DIR: str | None = None
    SMTP_URL: str | None = None
    MAIL_FROM = "Grants <no-reply@grants.localhost>"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # A signed-in session ends after this long whatever the activity (absolute time-out).
    AUTH_SESSION_LIFETIME = timedelta(days=14)
    # ... or after this long without a request (idle time-out). Two hours lets a researcher read a
    # call or think over a section between saves; officers and admins see every applicant's data
    # and move money, so theirs is 30 minutes (NIST SP 800-63B's AAL2 inactivity limit). A save
    # always counts as activity; a page view counts at most every 5 minutes.
    AUTH_SESSION_IDLE_TIMEOUT = timedelta(hours=2)
    AUTH_SESSION_IDLE_TIMEOUT_STAFF = timedelta(minutes=30)
    # Pages with a draft autosave and offer "Stay signed in" this long before the idle time-out.
    AUTH_SESSION_WARNING = timedelta(minutes=2)
    # How long the confirmation link for a new email address works (once).
    EMAIL_CHANGE_MAX_AGE = timedelta(hours=24)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)

    # CSRF tokens live as long as the session, so a long edit is never lost at submit.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_ENABLED = True

    EMAIL_VERIFICATION_MAX_AGE = timedelta(days=3)
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    ROLE_INVITATION_MAX_AGE = timedelta(days=14)

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    SIGN_IN_LIMIT_PER_ACCOUNT = "5 per minute"
    SIGN_IN_LIMIT_PER_ADDRESS = "20 per minute"
    ACCOUNT_EMAIL_LIMIT_PER_ADDRESS = "10 per hour"
    # Wrong second-factor codes per account, at sign-in and when confirming identity (each limit
    # applies): a minute's cap alone would allow 7,200 guesses a day; these allow 50.
    TWO_FACTOR_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour;50 per day"
    # The owner is emailed (once an hour) when this many wrong codes arrive within the hour.
    TWO_FACTOR_ALERT_AFTER = "10 per hour"

    # People holding any of these roles must use two-factor authentication (everyone may).
    TWO_FACTOR_REQUIRED_ROLES = ("officer", "admin")
    # How long the password step of a two-factor sign-in waits for the code.
    TWO_FACTOR_PENDING_LIFETIME = timedelta(minutes=5)
    # Changing the email, password or two-factor settings asks for the password again after this.
    REAUTHENTICATION_WINDOW = timedelta(minutes=10)

    # Argon2id parameters: OWASP's floor is 19 MiB memory, 2 passes, 1 lane.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST_KIB = 19 * 1024
    ARGON2_PARALLELISM = 1

    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Each PDF attachment; the request limit above leaves room for the form around it.
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    # A request body must keep coming (grants.security.request_body): after the grace period at
    # 8 KB/s on average (a 10 MB file in 21 minutes; a slow mobile link does it in two), and with
    # no pause longer than the idle limit. Slower bodies are stopped with a 408.
    REQUEST_BODY_GRACE_SECONDS = 10.0
    REQUEST_BODY_MIN_BYTES_PER_SECOND = 8 * 1024
    REQUEST_BODY_IDLE_SECONDS = 20.0
    UPLOAD_DIR: str | None = None
    # How long a removed attachment or report file stays in "Recently removed", restorable.
    REMOVED_FILES_KEEP_DAYS = 30
    HSTS_ENABLED = False
    FORCE_HTTPS = False
    DEV_MAIL_VIEWER = True
    USERS_PER_PAGE = 25

    @classmethod
    def from_environment(cls) -> dict:
        """Settings read when the app is created (not at import, so tests can set them). A real
        mail server and the address its links use may be given here too."""
        given = ("SMTP_URL", "PUBLIC_BASE_URL")
        optional = {name: os.environ[name] for name in given if os.environ.get(name)}
        return {
            "INSTANCE_PATH": os.environ.get("GRANTS_INSTANCE_PATH"),
            **optional,
            **delivery_tuning(),
            **session_tuning(),
        }

    @staticmethod
    def validate(settings: dict) -> None:
        """Raise if the settings cannot run; the embedded default always can."""
