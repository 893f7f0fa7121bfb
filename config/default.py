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

    # Argon2id parameters: OWASP's floor is 19 MiB memory, 2 passes, 1 lane.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST_KIB = 19 * 1024
    ARGON2_PARALLELISM = 1

    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Each PDF attachment; the request limit above leaves room for the form around it.
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    UPLOAD_DIR: str | None = None
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
        return {"INSTANCE_PATH": os.environ.get("GRANTS_INSTANCE_PATH"), **optional, **delivery_tuning()}

    @staticmethod
    def validate(settings: dict) -> None:
        """Raise if the settings cannot run; the embedded default always can."""
