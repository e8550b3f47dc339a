"""`nrm serve`: the production set-up on one machine: gunicorn's web workers and timer schedulers,
all on one PostgreSQL database (docs/deployment.md). It starts them, restarts a scheduler that
dies (gunicorn restarts its own workers), and stops them all on Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time

import click

from web.cli.child_process import wrapped
from web.cli.support import _engine, _initialise

SCHEDULER = "from web.cli import main; main()"  # `nrm scheduler`, by this same Python
RESTART_PAUSE = 5.0  # seconds between restarts of a scheduler that keeps dying


def usable_cores() -> int:
    """The cores this process may run on, not every core of the host."""
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    return len(usable)


def default_workers() -> int:
    """cores + 1: a completion is mostly Python, and the database and the schedulers share the
    machine; on 2 cores 3 workers served more completions with a shorter tail than 5 (2 × cores
    + 1), and each worker's kept workflows are hit more often (docs/deployment.md)."""
    return usable_cores() + 1


def _gunicorn(workers: int, threads: int, host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--threads",  # more than 1: gthread workers, which keep a client's connection open
        str(threads),
        "--bind",
        f"{host}:{port}",
        "--graceful-timeout",
        "10",
        "--timeout",
        "120",
        "web.wsgi:app",
    ]


def _scheduler(number: int) -> list[str]:
    node = f"{socket.gethostname()}-s{number}-{secrets.token_hex(2)}"  # a new name for each start
    return [sys.executable, "-c", SCHEDULER, "scheduler", "--node", node]


@click.command()
@click.option(
    "--workers", default=default_workers, show_default="cores + 1", type=int, help="gunicorn web workers."
)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    help="Threads per worker; above 1 a worker keeps each client's connection open between requests.",
)
@click.option(
    "--schedulers",
    default=usable_cores,
    show_default="one per core",
    type=int,
    help="Timer scheduler processes (each fires with one thread: one per core drains a burst fastest).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(workers: int, threads: int, schedulers: int, host: str, port: int) -> None:
    """Run web workers and schedulers until stopped; the database is migrated and models deployed first."""
    engine = _engine(require_schema=False)
    if engine.uses_sqlite and workers > 1:
        click.secho(
            "Warning: SQLite lets one process write at a time; for several workers set NRM_DATABASE_URL "
            "to PostgreSQL (docs/deployment.md).",
            fg="yellow",
            err=True,
        )
    _initialise(engine)
    engine.close_connections()  # the children open their own connections
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    # Each child stops if this process dies, even by SIGKILL (web/cli/child_process.py).
    web = subprocess.Popen(wrapped(_gunicorn(workers, threads, host, port)))  # noqa: S603 - our own commands
    timers = {n: subprocess.Popen(wrapped(_scheduler(n))) for n in range(1, schedulers + 1)}  # noqa: S603
    click.echo(f"NRM is serving on http://{host}:{port}/ with {workers} workers and {schedulers} schedulers.")
    failed = False
    restarts = dict.fromkeys(timers, 0.0)  # when each scheduler was last started again
    try:
        while not stopping.wait(1):
            if web.poll() is not None:
                click.secho(f"gunicorn stopped (exit {web.returncode}); stopping.", fg="red", err=True)
                failed = True
                break
            for number, process in timers.items():
                if process.poll() is not None and time.monotonic() - restarts[number] > RESTART_PAUSE:
                    click.echo(f"Scheduler {number} stopped (exit {process.returncode}); starting it again.")
                    timers[number] = subprocess.Popen(wrapped(_scheduler(number)))  # noqa: S603
                    restarts[number] = time.monotonic()
    finally:
        for process in [web, *timers.values()]:
            if process.poll() is None:
                process.terminate()
        for process in [web, *timers.values()]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    click.echo("Stopped.")
    if failed:
        raise SystemExit(1)  # so a supervisor (systemd) starts the set-up again
