"""Production: every deployment-specific setting comes from the environment."""

import os

from config.default import PUBLISHED_DEV_SECRET, DefaultConfig, delivery_tuning

MIN_SECRET_LENGTH = 32


def database_url(raw: str | None) -> str | None:
    """Accept ``postgres://`` and ``postgresql://`` and use the psycopg 3 driver."""
    if raw is None:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


class ProductionConfig(DefaultConfig):
    ENV_NAME = "production"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_recycle": 1800}
    SESSION_COOKIE_SECURE = True
    HSTS_ENABLED = True
    FORCE_HTTPS = True
    DEV_MAIL_VIEWER = False

    @classmethod
    def from_environment(cls) -> dict:
        env = os.environ
        redis_url = env.get("REDIS_URL")
        return {
            **delivery_tuning(),
            "INSTANCE_PATH": env.get("GRANTS_INSTANCE_PATH"),
            "SECRET_KEY": env.get("SECRET_KEY", ""),
            "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL")),
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "RATELIMIT_STORAGE_URI": redis_url or "memory://",
            "SMTP_URL": env.get("SMTP_URL"),
            "MAIL_DIR": env.get("MAIL_DIR"),
            # Shared by every web server (a mounted volume); defaults to the instance folder.
            "UPLOAD_DIR": env.get("UPLOAD_DIR"),
            "MAIL_FROM": env.get("MAIL_FROM", DefaultConfig.MAIL_FROM),
            "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "https://grants.example.org"),
            "FORCE_HTTPS": env.get("FORCE_HTTPS", "true").lower() != "false",
            # Reverse proxies in front of the app, trusted for X-Forwarded-For: without it every
            # visitor has the proxy's address and the per-address sign-in limit throttles them all.
            "PROXY_COUNT": env.get("PROXY_COUNT"),
        }

    @staticmethod
    def validate(settings: dict) -> None:
        """Refuse to start without a private secret and the services production needs."""
        secret = settings.get("SECRET_KEY") or ""
        if secret == PUBLISHED_DEV_SECRET or len(secret) < MIN_SECRET_LENGTH:
            raise RuntimeError(
                f"SECRET_KEY must be a private random value of {MIN_SECRET_LENGTH}+ characters "
                "in production (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        missing = [
            name
            for name, key in (("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"), ("REDIS_URL", "REDIS_URL"))
            if not settings.get(key)
        ]
        if not (settings.get("SMTP_URL") or settings.get("MAIL_DIR")):
            missing.append("SMTP_URL")
        if missing:
            raise RuntimeError("Missing production settings: " + ", ".join(missing))
