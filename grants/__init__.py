"""Grants: grant programme management. ``create_app`` builds the Flask application."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import load_config


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app from a settings object (``GRANTS_CONFIG``) plus optional overrides."""
    config_class = load_config(config_name)
    settings = {**config_class.from_environment(), **(overrides or {})}
    instance_path = settings.get("INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=False,
    )
    app.config.from_object(config_class)
    app.config.update({key: value for key, value in settings.items() if value is not None})
    _fill_instance_defaults(app)
    config_class.validate(app.config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    _init_extensions(app)
    _register_blueprints(app)
    _install_wsgi_guards(app)
    if app.config.get("PROXY_COUNT"):
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


def _fill_instance_defaults(app: Flask) -> None:
    """Point the embedded database, broker, beat file and mailbox into the instance folder."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    defaults = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'grants.sqlite'}",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{instance / 'celery-broker.sqlite'}",
        "MAIL_DIR": str(instance / "mail"),
        "UPLOAD_DIR": str(instance / "uploads"),
        "CELERY_BEAT_FILE": str(instance / "celerybeat-schedule"),
    }
    for key, value in defaults.items():
        if not app.config.get(key):
            app.config[key] = value


def _install_wsgi_guards(app: Flask) -> None:
    from grants.security.wsgi_guards import install_wsgi_guards

    install_wsgi_guards(app)


def _init_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from grants import models  # noqa: F401  (registers every model with the metadata)
    from grants.accounts.views.sessions import answer_signed_out, load_signed_in_user
    from grants.celery_setup import celery_init_app
    from grants.database import init_database
    from grants.error_pages import init_error_pages
    from grants.extensions import csrf, db, limiter, login_manager, migrate
    from grants.i18n import init_i18n
    from grants.notifications.dispatch import init_dispatch
    from grants.security.headers import init_security_headers
    from grants.security.text_input import init_text_input
    from grants.templating import init_templating

    init_database(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Sign in to see that page.")
    login_manager.localize_callback = str  # translated when flashed, in the reader's language
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_signed_in_user)
    login_manager.unauthorized_handler(answer_signed_out)
    init_security_headers(app)
    init_error_pages(app)
    init_text_input(app)
    init_templating(app)
    init_i18n(app)
    init_dispatch(app)
    celery_init_app(app)


def _register_blueprints(app: Flask) -> None:
    from grants.accounts.admin_views import bp as admin_bp
    from grants.accounts.views import bp as accounts_bp
    from grants.applications.views import bp as applications_bp
    from grants.audit.views import bp as audit_bp
    from grants.awards.views import bp as awards_bp
    from grants.calls.views import bp as calls_bp
    from grants.core.language import bp as language_bp
    from grants.core.views import bp as core_bp
    from grants.insights.views import bp as insights_bp
    from grants.notifications.outbox_views import bp as outbox_bp
    from grants.notifications.views import bp as mailbox_bp
    from grants.privacy.views import bp as privacy_bp
    from grants.reviews.views import bp as reviews_bp
    from grants.security.policy import init_policy

    for blueprint in (
        core_bp,
        language_bp,
        accounts_bp,
        admin_bp,
        mailbox_bp,
        outbox_bp,
        calls_bp,
        applications_bp,
        reviews_bp,
        awards_bp,
        insights_bp,
        audit_bp,
        privacy_bp,
    ):
        app.register_blueprint(blueprint)
    init_policy(app)
