"""The `nrm` command line: set up the database, deploy, start cases, work tasks, see status."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import click

from engine import (
    GROUPS,
    Actor,
    Engine,
    EngineError,
    JsonRefused,
    TimerScheduler,
    finding_counts,
    read_bundle,
    read_json,
    stop_diagram_code,
)
from web import create_app
from web.cli.demo import (
    DEMO_DAYS,
    DEMO_OWNER,
    DEMO_PASSWORD,
    DEMO_RATE,
    POLICY_EXAMPLE,
    add_demo_users,
    run_demo,
)
from web.cli.erasure import erase, retention
from web.cli.keys import keys
from web.cli.serve import serve
from web.cli.subject_access import export_person
from web.cli.support import _actor, _engine, _fail, _initialise
from web.cli.tokens import tokens

STOP_SECONDS = 8  # SIGTERM or Ctrl-C to exit: at most this, and a second or two to close


@click.group()
def main() -> None:
    """Run the UK National Referral Mechanism as BPMN. Settings: NRM_DATABASE_URL (default SQLite)."""


main.add_command(tokens)
main.add_command(keys)
main.add_command(export_person)
main.add_command(erase)
main.add_command(retention)
main.add_command(serve)


@main.command()
def init() -> None:
    """Create or upgrade the database and deploy the models in bpmn/."""
    _initialise(_engine(require_schema=False))


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--user", help="Who deploys (recorded in the audit trail).")
@click.option(
    "--overlay",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of changed files that replace their namesakes in PATH.",
)
def deploy(path: Path, user: str | None, overlay: Path | None) -> None:
    """Deploy the bundle in PATH (its .bpmn, .dmn and forms/*.json) as a new version."""
    try:
        deployment = _engine().deploy(read_bundle(path, overlay), _actor(user))
    except EngineError as error:
        _fail(error)
    if deployment.created:
        click.echo(
            f"{deployment.process_id} version {deployment.version} deployed ({deployment.content_hash[:12]})"
        )
    else:
        click.echo(f"No change: identical to {deployment.process_id} version {deployment.version}")


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--overlay",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of changed files that replace their namesakes in PATH.",
)
def validate(path: Path, overlay: Path | None) -> None:
    """Check the bundle in PATH as deploy would, and bpmnlint too: every finding with its element."""
    engine = _engine(require_schema=False)  # loads the service tasks the check looks up
    try:
        findings = engine.check(read_bundle(path, overlay))
    except EngineError as error:
        _fail(error)
    for finding in findings:
        colour = "red" if finding.severity == "error" else "yellow"
        click.secho(f"{finding.severity}: {finding}", fg=colour)
    errors, warnings = finding_counts(findings)
    click.echo(f"{errors} errors, {warnings} warnings: " + ("not deployable" if errors else "deployable"))
    if errors:
        raise SystemExit(1)


def _read_data(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        data = read_json(path.read_bytes())
    except JsonRefused as error:
        raise click.BadParameter(f"{path}: {error}") from None
    if not isinstance(data, dict):
        raise click.BadParameter(f"{path}: the form data must be a JSON object")
    return data


@main.command()
@click.option("--process", "process_id", default="nrm_pathway", show_default=True)
@click.option("--key", "business_key", help="Case reference, e.g. NRM-2026-000123 (default: next free).")
@click.option("--data", "data_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user")
def start(process_id: str, business_key: str | None, data_file: Path | None, user: str | None) -> None:
    """Start a case and show its first tasks."""
    try:
        case = _engine().start_case(
            process_id, _read_data(data_file), business_key=business_key, actor=_actor(user)
        )
    except (EngineError, ValueError) as error:
        _fail(error)
    _print_case(case)


@main.command()
@click.option("--case", "case_key")
@click.option("--group", multiple=True, help="Only tasks of these groups.")
def tasks(case_key: str | None, group: tuple[str, ...]) -> None:
    """List open user tasks, the soonest due first."""
    engine = _engine()
    actor = Actor("cli", frozenset(group)) if group else None
    try:
        rows = engine.tasks(case_key=case_key, actor=actor)
    except EngineError as error:
        _fail(error)
    if not rows:
        click.echo("No open tasks.")
    for task in rows:
        due = task.due_at.strftime("%Y-%m-%d %H:%M") if task.due_at else "-"
        click.echo(
            f"{task.id}  {task.case_key}  {task.candidate_group:<28} due {due:<16}  {task.name}"
            f"  [form {task.form}]"
        )


@main.command()
@click.argument("task_id")
@click.option(
    "--data", "data_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--user")
def complete(task_id: str, data_file: Path, user: str | None) -> None:
    """Complete TASK with the form data in a JSON file."""
    try:
        case = _engine().complete_task(task_id, _read_data(data_file), _actor(user))
    except EngineError as error:
        _fail(error)
    _print_case(case)


@main.command()
@click.argument("case_key", required=False)
@click.option("--history", is_flag=True, help="Show the audit trail too.")
def status(case_key: str | None, history: bool) -> None:
    """Show a case (or, without CASE, the newest cases)."""
    engine = _engine()
    try:
        if case_key is None:
            for case in engine.cases(limit=50):
                click.echo(f"{case.key}  {case.status:<10} {case.current_step or case.outcome or ''}")
            return
        _print_case(engine.case(case_key))
        if history:
            click.echo("History:")
            for entry in engine.history(case_key):
                what = (
                    entry.detail.get("name") or entry.detail.get("kind") or entry.detail.get("outcome") or ""
                )
                click.echo(f"  {entry.at:%Y-%m-%d %H:%M}  {entry.actor:<12} {entry.action:<18} {what}")
    except EngineError as error:
        _fail(error)


def _print_case(case) -> None:
    click.echo(f"Case {case.key}: {case.status} ({case.process_id} v{case.definition_version})")
    if case.outcome:
        click.echo(f"  Outcome: {case.outcome}")
    for task in case.open_tasks:
        due = f", due {task.due_at:%Y-%m-%d}" if task.due_at else ""
        click.echo(f"  Task {task.id}: {task.name} [{task.candidate_group}{due}]")
    for timer in case.timers:
        if timer.state == "waiting":
            click.echo(f"  Waiting for {timer.name} at {timer.due_at:%Y-%m-%d %H:%M} UTC")
    for flag in case.flags:
        click.secho(f"  Flag: {flag.message}", fg="yellow")


@main.group()
def users() -> None:
    """People who sign in, and their groups."""


@users.command("add")
@click.argument("username")
@click.option(
    "--group",
    "groups",
    multiple=True,
    required=True,
    help=f"A group (repeat for several): {', '.join(GROUPS)}, or a competent authority's, "
    "competent-authority- and its code in the allocation decision.",
)
@click.option("--agency", help="A first responder's agency, e.g. police or salvation_army.")
@click.option("--name", "display_name", help="The name shown on screen.")
@click.password_option(help="At least 12 characters (asked for when not given).")
def users_add(
    username: str, groups: tuple[str, ...], agency: str | None, display_name: str | None, password: str
) -> None:
    """Add USERNAME with a password and groups."""
    try:
        user = _engine().add_user(username, password, list(groups), display_name=display_name, agency=agency)
    except ValueError as error:
        _fail(error)
    click.echo(f"Added {user.username} ({', '.join(sorted(user.groups))})")


@users.command("list")
def users_list() -> None:
    """Everyone who can sign in."""
    for user in _engine().list_users():
        agency = f" [{user.agency}]" if user.agency else ""
        click.echo(f"{user.username:<20} {', '.join(sorted(user.groups))}{agency}")


@main.command("fire-timers")
def fire_timers() -> None:
    """Fire every timer that is due now (the scheduler does this on its own)."""
    moved = _engine().fire_due_timers()
    click.echo(f"{moved} case(s) moved on.")


def _add_demo_users(engine: Engine) -> None:
    added = add_demo_users(engine)
    if added:
        click.echo(f"Demo users (password {DEMO_PASSWORD}): {', '.join(added)}")


def _add_demo(engine: Engine, days: int, per_day: float) -> None:
    with click.progressbar(length=days, label="Simulating referrals", show_pos=True) as bar:
        result = run_demo(engine, days=days, referrals_per_day=per_day, on_day=lambda _d, _r: bar.update(1))
    statuses = ", ".join(f"{count} {status}" for status, count in sorted(result.by_status.items()))
    click.echo(f"{result.cases} cases referred over {days} days, {result.steps} tasks completed: {statuses}.")
    _deploy_policy_example(engine)


def _deploy_policy_example(engine: Engine) -> None:
    """Version 2 of the pathway beside the first: the demo cases stay on version 1."""
    example = engine.config.bundle_path / POLICY_EXAMPLE
    deployment = engine.deploy(read_bundle(engine.config.bundle_path, example), DEMO_OWNER)
    if deployment.created:
        click.echo(
            f"Example policy change deployed: {deployment.process_id} version {deployment.version} "
            f"({example.relative_to(engine.config.bundle_path.parent)}); "
            "the demo cases stay on their version."
        )


@main.command()
@click.option("--days", default=DEMO_DAYS, show_default=True, help="How many days of referrals to simulate.")
@click.option(
    "--per-day",
    default=DEMO_RATE,
    show_default=True,
    help="Referrals per day on average (2013: 1,746 a year).",
)
@click.option("--more", is_flag=True, help="Add demo cases even if the database has cases already.")
def demo(days: int, per_day: float, more: bool) -> None:
    """Fill the database with realistic (fictional) cases at every stage of the pathway."""
    engine = _engine()
    _add_demo_users(engine)
    if engine.cases(limit=1) and not more:
        click.echo("The database has cases already; not adding demo cases (use --more to add anyway).")
        return
    _add_demo(engine, days, per_day)


def _serve_timers(engine: Engine, node: str | None, banner: str) -> None:
    """Run a timer scheduler (that fires timers only) until SIGINT or SIGTERM, reporting what it fires."""
    timers = engine.scheduler(node, keep_workflows=False)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    timers.start()
    click.echo(banner.format(node=timers.node, url=engine.database_url_for_display()))
    reported = dict(timers.outcomes)
    while not stopping.wait(10):
        if timers.outcomes != reported:
            reported = dict(timers.outcomes)
            click.echo(", ".join(f"{count} {outcome}" for outcome, count in reported.items()))
    _stop_soon(timers)


def _stop_soon(timers: TimerScheduler) -> None:
    """Stop the scheduler: the step under way may finish, for at most STOP_SECONDS (its diagram
    code has a budget, but a step may hold several pieces of it). If it has not finished by
    then, the process leaves at once: its transaction is rolled back by the database, as after a
    crash, and its claim on the timer runs out (docs/operations.md)."""
    stopper = threading.Thread(target=timers.stop, name="nrm-scheduler-stop", daemon=True)
    stopper.start()
    stopper.join(STOP_SECONDS)
    if stopper.is_alive():
        click.echo(f"The timer under way did not finish within {STOP_SECONDS} s; stopping without it.")
        sys.stdout.flush()
        stop_diagram_code()  # its code may be running in a child process of ours
        os._exit(0)  # the scheduler's worker threads would otherwise be waited for at exit
    click.echo(f"Stopped: {timers.outcomes['fired']} timers fired.")


@main.command()
@click.option("--node", help="A name for this scheduler in the audit trail (default: host and a random id).")
def scheduler(node: str | None) -> None:
    """Fire timers as they fall due, until stopped (Ctrl-C or SIGTERM). Run one or several."""
    _serve_timers(_engine(), node, "Scheduler {node} running on {url}; Ctrl-C stops it.")


@main.command()
@click.option(
    "--demo/--no-demo",
    "with_demo",
    default=True,
    show_default=True,
    help="Add demo users and cases when the database has none.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def run(with_demo: bool, host: str, port: int) -> None:
    """The single-machine set-up: database ready, models deployed, demo data, the web app and timers."""
    engine = _engine(require_schema=False)
    _initialise(engine)
    if with_demo:
        _add_demo_users(engine)
        if not engine.cases(limit=1):
            _add_demo(engine, DEMO_DAYS, DEMO_RATE)
    app = create_app(engine)
    timers = engine.scheduler()
    signal.signal(signal.SIGTERM, _interrupt)  # stop as Ctrl-C does: the scheduler stops first
    try:
        timers.start()
        shown_host = "localhost" if host == "127.0.0.1" else host
        click.echo(
            f"NRM is running: open http://{shown_host}:{port}/ (timers fire as they fall due). Ctrl-C stops."
        )
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    except KeyboardInterrupt:  # Ctrl-C (or SIGTERM) is how it stops
        pass
    finally:
        _stop_soon(timers)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@main.command()
@click.option("--all", "show_all", is_flag=True, help="Resolved incidents too.")
def incidents(show_all: bool) -> None:
    """Incidents: timers that failed every retry, with the reason."""
    rows = _engine().incidents(open_only=not show_all)
    if not rows:
        click.echo("No incidents.")
    for incident in rows:
        state = f"resolved {incident.resolved_at:%Y-%m-%d %H:%M}" if incident.resolved_at else "open"
        click.echo(
            f"#{incident.id}  {incident.case_key}  {incident.element_id}  {state}  after "
            f"{incident.attempts} attempts: {incident.message}"
        )


@main.command("retry-incident")
@click.argument("incident_id", type=int)
@click.option("--user")
def retry_incident(incident_id: int, user: str | None) -> None:
    """Put the failed timer of INCIDENT_ID back to waiting; a scheduler fires it again."""
    try:
        case = _engine().retry_incident(incident_id, _actor(user))
    except EngineError as error:
        _fail(error)
    _print_case(case)


if __name__ == "__main__":
    main()
