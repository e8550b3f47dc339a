"""`nrm keys`: the master key that wraps every case's data key (docs/data-protection.md)."""

from __future__ import annotations

from pathlib import Path

import click

from engine import EngineError, write_key_file
from web.cli.support import _engine, _fail


@click.group()
def keys() -> None:
    """Make, check and rotate the master key."""


@keys.command("new")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def keys_new(path: Path) -> None:
    """Write a new master key to PATH (a new file, readable by you only)."""
    try:
        key = write_key_file(path)
    except FileExistsError:
        _fail(EngineError(f"{path} exists already: a key file is never overwritten; choose a new name"))
    click.echo(
        f"New master key {key.key_id} written to {path}. Keep a copy somewhere safe, apart from backups."
    )


@keys.command("check")
def keys_check() -> None:
    """Check that the configured master key opens the database's case keys."""
    _engine()  # checks it, or says what is wrong
    click.echo("The configured master key opens every case key.")


@keys.command("rotate")
@click.option(
    "--new-key-file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The new key's file: made now if it does not exist (see `nrm keys new`).",
)
def keys_rotate(new_key_file: Path) -> None:
    """Rewrap every case's data key under a new master key (the data is not re-encrypted)."""
    engine = _engine()
    try:
        if not new_key_file.exists():
            write_key_file(new_key_file)
            click.echo(f"New master key written to {new_key_file}")
        done = engine.rotate_master_key(
            new_key_file, lambda n: click.echo(f"\rRewrapped {n:,} case keys", nl=False)
        )
    except EngineError as error:
        _fail(error)
    click.echo(f"\rRewrapped {done:,} case keys under the new master key.")
    click.echo(
        f"Now set NRM_MASTER_KEY_FILE={new_key_file} for every web worker and scheduler, restart them, "
        "and then destroy the old key."
    )
