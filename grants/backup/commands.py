"""``grants backup`` and ``grants restore``. Operator-facing console output, in English like the
rest of the CLI."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from grants.backup.archive import verify_backup
from grants.backup.dump import create_backup
from grants.backup.errors import BackupError
from grants.backup.manifest import Manifest
from grants.backup.restore import restore_backup


def _contents(manifest: Manifest) -> str:
    file_bytes = sum(entry.bytes for entry in manifest.files)
    table_bytes = sum(entry.bytes for entry in manifest.tables)
    return (
        f"{len(manifest.tables)} tables, {manifest.row_count:,} rows ({table_bytes:,} bytes), "
        f"{len(manifest.files)} files ({file_bytes:,} bytes)"
    )


@click.command("backup")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="A folder (default: backups/ in the instance folder) or a file name ending in .zip.",
)
@click.option(
    "--verify",
    "verify_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Check an existing backup's hashes and row counts instead of taking one.",
)
@with_appcontext
def backup_command(output: Path | None, verify_path: Path | None) -> None:
    """Back up the database and uploaded files into one zip, or verify one."""
    try:
        if verify_path is not None:
            manifest = verify_backup(verify_path)
            click.echo(f"{verify_path} is intact: {_contents(manifest)}, revision {manifest.revision}.")
            return
        result = create_backup(output or Path(current_app.instance_path) / "backups")
    except BackupError as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"Backed up {_contents(result.manifest)} to {result.path} "
        f"({result.size:,} bytes) in {result.seconds:.1f} s."
    )
    if result.manifest.missing_files:
        click.echo(
            f"Warning: {len(result.manifest.missing_files)} files named in the database were missing "
            "from the upload folder: " + ", ".join(result.manifest.missing_files[:5]),
            err=True,
        )


@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(backup_file: Path) -> None:
    """Restore a backup into an empty database (verifying it first)."""
    try:
        result = restore_backup(backup_file)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Restored {_contents(result.manifest)} from {backup_file} in {result.seconds:.1f} s.")
    if result.upgraded_to:
        click.echo(f"Upgraded the schema from revision {result.manifest.revision} to {result.upgraded_to}.")
