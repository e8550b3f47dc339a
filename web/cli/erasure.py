"""`nrm erase` and `nrm retention run`: erase a closed case's personal data by destroying its key,
by hand or once past its process's retention (docs/data-protection.md)."""

from __future__ import annotations

import click

from engine import SYSTEM, EngineError, RetentionDue
from web.cli.support import _engine, _fail
from web.templating import london


@click.command()
@click.argument("reference")
@click.option("--reason", required=True, help="Why the person's data is erased (kept in the case's history).")
def erase(reference: str, reason: str) -> None:
    """Erase the personal data of closed case REFERENCE for good, by destroying its key. The case's
    reference, dates, stages and reported facts stay, so statistics do not change."""
    try:
        case = _engine().erase_personal_data(reference, reason, SYSTEM)
    except (EngineError, ValueError) as error:
        _fail(error)
    click.echo(f"The personal data of case {case.key} is erased: no key opens it any more.")


@click.group()
def retention() -> None:
    """Erase the closed cases past their process's retention."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Only list the cases that would be erased.")
def retention_run(dry_run: bool) -> None:
    """Erase the personal data of every closed case past its process's retention (years after it
    closed, the diagram's `retention`), except cases on legal hold."""
    engine = _engine()
    try:
        if dry_run:
            due = engine.run_retention(dry_run=True)
            for item in due:
                click.echo(_line(item))
            click.echo(f"{_cases(len(due))} past their retention would be erased (dry run: nothing changed).")
            return
        erased = engine.run_retention(progress=lambda item: click.echo(f"Erased: {_line(item)}"))
    except EngineError as error:
        _fail(error)
    click.echo(f"{_cases(len(erased))} past their retention erased.")


def _line(item: RetentionDue) -> str:
    return f"{item.key}, closed on {london(item.ended_at)} (retention {item.years} years)"


def _cases(count: int) -> str:
    return "1 case" if count == 1 else f"{count} cases"
