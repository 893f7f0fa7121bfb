"""The ``grants`` console command: Flask's CLI (run, db, shell) plus Grants' own commands."""

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from grants import create_app
from grants.backup.commands import backup_command, restore_command
from grants.demo.calls import seed_demo_calls
from grants.demo.demo_code import demo_code_command
from grants.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_demo
from grants.extensions import db
from grants.timeutil import utcnow


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even if the database already has accounts.")
@with_appcontext
def seed_demo_command(force: bool) -> None:
    """Fill an empty database with the China-UK demo: people, a programme, calls and a draft."""
    created = seed_demo(force=force)
    if created is None:
        click.echo("Demo accounts already present; none added (use --force to add anyway).")
    else:
        click.echo(f"Seeded {created} demo accounts into {current_app.config['SQLALCHEMY_DATABASE_URI']}.")
    calls = seed_demo_calls(utcnow())
    if calls is not None:
        click.echo(f"Seeded the demo programme with {calls} calls and a joint draft application.")
    db.session.commit()
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for role, email in DEMO_LOGINS:
        click.echo(f"  {role:<18} {email}")
    click.echo(f"The admin and officer use two-factor: add the key {DEMO_TOTP_SECRET} to an authenticator")
    click.echo("app, or run `grants demo-code EMAIL` for the current code.")


def main() -> None:
    cli = FlaskGroup(create_app=lambda: create_app(), help="Grants: grant programme management.")
    cli.add_command(seed_demo_command)
    cli.add_command(demo_code_command)
    cli.add_command(backup_command)
    cli.add_command(restore_command)
    cli()
