"""``grants demo-code EMAIL``: the current two-factor code of a demo account, so someone trying
``make run`` can sign in as the officer or admin without an authenticator app. Development only:
it refuses under the production config and for any account not using the demo's published key."""

import click
from flask import current_app
from flask.cli import with_appcontext

from grants.accounts.services import two_factor
from grants.accounts.services.common import find_user_by_email
from grants.demo.seed import DEMO_TOTP_SECRET
from grants.security.totp import code_at
from grants.timeutil import utcnow


@click.command("demo-code")
@click.argument("email")
@with_appcontext
def demo_code_command(email: str) -> None:
    """Print the current two-factor code of a demo account (development only)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo-code is for development; it does not run in production.")
    user = find_user_by_email(email)
    if user is None or not two_factor.is_enabled(user) or two_factor.secret_of(user) != DEMO_TOTP_SECRET:
        raise click.ClickException(f"{email} is not a demo account with two-factor on.")
    click.echo(code_at(DEMO_TOTP_SECRET, utcnow()))
