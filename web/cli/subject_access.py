"""`nrm export-person`: a subject access request answered from the command line."""

from __future__ import annotations

import os
from pathlib import Path

import click

from engine import SYSTEM, EngineError
from web.cli.support import _engine, _fail


@click.command("export-person")
@click.argument("reference")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="Where to write the archive: a file, or a folder to put it in (default: this folder).",
)
def export_person(reference: str, output: Path | None) -> None:
    """Answer a subject access request: write everything held about the person on case REFERENCE
    to one zip archive (readable page, JSON, letters, evidence, notes). Audited as the system."""
    try:
        name, archive = _engine().export_person(reference, SYSTEM)
    except EngineError as error:
        _fail(error)
    path = output or Path(name)
    if path.is_dir():
        path = path / name
    try:  # personal data: readable by this user only, and never over another file
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            file.write(archive)
    except FileExistsError:
        _fail(FileExistsError(f"{path} exists already: move it or choose another --output"))
    except OSError as error:
        _fail(OSError(f"cannot write {path}: {error.strerror}; choose another --output"))
    click.echo(f"The person's data on case {reference} is in {path.resolve()}")
    click.echo("It holds special category personal data: send it securely and delete your copy after.")
