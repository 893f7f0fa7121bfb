"""Settings: production refuses to start without a private secret and its services."""

import pytest

from config import load_config
from config.default import PUBLISHED_DEV_SECRET
from config.production import ProductionConfig, database_url

COMPLETE = {
    "SECRET_KEY": "k" * 48,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/grants",
    "REDIS_URL": "redis://cache:6379/0",
    "SMTP_URL": "smtp://mail:25",
}


def test_complete_production_settings_pass():
    ProductionConfig.validate(COMPLETE)


@pytest.mark.parametrize("secret", ["", "short", PUBLISHED_DEV_SECRET])
def test_production_refuses_a_missing_short_or_published_secret(secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.validate({**COMPLETE, "SECRET_KEY": secret})


@pytest.mark.parametrize("missing", ["SQLALCHEMY_DATABASE_URI", "REDIS_URL", "SMTP_URL"])
def test_production_names_the_missing_service(missing):
    with pytest.raises(RuntimeError, match="Missing production settings"):
        ProductionConfig.validate({**COMPLETE, missing: None})


def test_production_reads_the_environment_when_the_app_is_built(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/grants")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    settings = ProductionConfig.from_environment()
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/grants"
    assert settings["CELERY_BROKER_URL"] == "redis://cache:6379/0"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


def test_database_url_keeps_other_schemes():
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert database_url(None) is None


def test_unknown_config_name_is_explained():
    with pytest.raises(RuntimeError, match="choose one of"):
        load_config("staging")


def test_embedded_default_keeps_everything_under_the_instance_folder(app):
    assert app.config["MAIL_DIR"].endswith("mail")
    assert app.config["CELERY_BROKER_URL"].startswith("sqla+sqlite:///")
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
