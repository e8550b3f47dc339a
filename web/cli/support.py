"""What every `nrm` command shares: the engine from NRM_* settings, the acting user, failing clearly."""

from __future__ import annotations

import sys

import click

from engine import SYSTEM, Actor, Engine, EngineConfig, EngineError, FormValidationError


def _engine(require_schema: bool = True) -> Engine:
    try:
        engine = Engine(EngineConfig.from_environment())
        if require_schema:
            engine.require_schema()
            engine.check_master_key()  # a wrong or missing key stops here, before any change
    except EngineError as error:
        _fail(error)
    return engine


def _actor(user: str | None) -> Actor:
    return SYSTEM if user is None else Actor(user, is_superuser=True)


def _fail(error: Exception) -> None:
    click.secho(f"Error: {error}", fg="red", err=True)
    if isinstance(error, FormValidationError):
        for field_error in error.errors:
            click.echo(f"  - {field_error.field}: {field_error.message}", err=True)
    sys.exit(1)


def _initialise(engine: Engine) -> None:
    try:
        if made := engine.ensure_demo_master_key():
            click.echo(f"New master key written to {made}: keep a copy apart from the database's backups")
        engine.migrate()
        engine.check_master_key()
    except EngineError as error:
        _fail(error)
    click.echo(f"Database ready: {engine.database_url_for_display()}")
    sealed = engine.seal_existing(lambda n: click.echo(f"\rPersonal data sealed for {n} cases", nl=False))
    if sealed:
        click.echo(f"\rPersonal data sealed for {sealed} cases stored before encryption")
    try:
        deployment = engine.deploy(engine.config.bundle_path)
    except EngineError as error:
        _fail(error)
    state = "deployed" if deployment.created else "already deployed"
    click.echo(
        f"{deployment.process_id} version {deployment.version} {state} ({deployment.content_hash[:12]})"
    )
    filled = engine.backfill_facts(lambda n: click.echo(f"\rReported facts written for {n} cases", nl=False))
    if filled:
        click.echo(f"\rReported facts written for {filled} cases (for lists and statistics)")
    summed = engine.backfill_summaries(
        lambda n: click.echo(f"\rStatistics summaries written for {n} cases", nl=False)
    )
    if summed:
        click.echo(f"\rStatistics summaries written for {summed} cases")
