"""`make bench`: run the benchmarks in one process, print a table, write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import casework, http_api, inbox, pathway, task_page, timer_burst
from bench.databases import postgres_database, sqlite_database
from bench.report import write_report
from engine.config import PROJECT_ROOT
from engine.crypto.master_key import new_master_key_text


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


BENCHMARKS = ("pathway", "http", "inbox", "task-page", "timers")
STEADY_TIMERS, STEADY_SECONDS = 3000, 15.0  # timers due evenly over this long: 200 a second
DEFAULT_OUTPUT = PROJECT_ROOT / "docs" / "benchmarks.md"


def _on_seeded(name: str, chosen: set[str]):
    """Benchmarks 3b (with the inbox) and 3c (the task page), run on the database 3a seeded."""

    def run(engine, sample_key):
        worked = casework.casework(engine, sample_key, print, name) if "inbox" in chosen else None
        page = task_page.task_page(engine, print, name) if "task-page" in chosen else None
        return worked, page

    return run


def main() -> None:
    # the benchmark's databases are made and thrown away here: a master key of their own, given to
    # every engine and served process they start (unless the caller set one)
    if not (os.environ.get("NRM_MASTER_KEY") or os.environ.get("NRM_MASTER_KEY_FILE")):
        os.environ["NRM_MASTER_KEY"] = new_master_key_text()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20, help="pathways per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (the median is reported)")
    parser.add_argument(
        "--http-cases", type=int, default=400, help="cases worked through the API in each of its 3 rounds"
    )
    parser.add_argument("--timers", type=int, default=10_000, help="timers in the burst")
    parser.add_argument(
        "--inbox-cases", type=int, default=200_000, help="cases behind the inbox (a quarter on its group)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=BENCHMARKS,
        help="run only this benchmark (repeatable); the report is printed, and written only with --output",
    )
    parser.add_argument("--output", type=Path, help=f"default: {DEFAULT_OUTPUT.relative_to(PROJECT_ROOT)}")
    args = parser.parse_args()
    chosen = set(args.only or BENCHMARKS)
    output = args.output or (None if args.only else DEFAULT_OUTPUT)
    progress = print
    progress(f"Machine: {machine()}")
    results = []
    if "pathway" in chosen:
        results.append(pathway.in_memory(args.runs * 5, args.rounds, progress))
        with tempfile.TemporaryDirectory() as folder, sqlite_database(Path(folder)) as url:
            results.append(pathway.through_engine("Engine on SQLite", url, args.runs, args.rounds, progress))
        with tempfile.TemporaryDirectory() as folder, sqlite_database(Path(folder)) as url:
            results.append(
                pathway.through_engine(
                    "Engine on SQLite, nothing encrypted", url, args.runs, args.rounds, progress, sealed=False
                )
            )
        with postgres_database() as url:
            if url is None:
                progress("PostgreSQL is not reachable: its figure is left out")
            else:
                results.append(
                    pathway.through_engine("Engine on PostgreSQL", url, args.runs, args.rounds, progress)
                )
    served = None
    if "http" in chosen:
        with postgres_database() as url:
            if url is None:
                progress("PostgreSQL is not reachable: the HTTP figure is left out")
            else:
                served = http_api.http_completions(url, args.http_cases, progress)
    inboxes = []
    if chosen & {"inbox", "task-page"}:  # the task page alone still needs the seeded database
        with tempfile.TemporaryDirectory() as folder, sqlite_database(Path(folder)) as url:
            inboxes.append(
                inbox.inbox("SQLite", url, args.inbox_cases, progress, _on_seeded("SQLite", chosen))
            )
        with postgres_database() as url:
            if url is not None:
                inboxes.append(
                    inbox.inbox(
                        "PostgreSQL", url, args.inbox_cases, progress, _on_seeded("PostgreSQL", chosen)
                    )
                )
    bursts = []
    if "timers" in chosen:
        bursts = _timer_runs(args.timers, progress)
    report = write_report(output, machine(), datetime.now(UTC), results, bursts, inboxes, served)
    print(report)
    if output is None:
        print(f"(--only: {DEFAULT_OUTPUT.relative_to(PROJECT_ROOT)} left as it was; --output writes a file)")


def _timer_runs(timers: int, progress) -> list:
    """The burst with one and with two schedulers, then steady running, on each database."""
    runs = [
        {"schedulers": 1},
        {"schedulers": 2},
        {"schedulers": 1, "spread_seconds": STEADY_SECONDS, "count": STEADY_TIMERS},
    ]
    results = []
    for run in runs:
        count = run.pop("count", timers)
        with tempfile.TemporaryDirectory() as folder, sqlite_database(Path(folder)) as url:
            results.append(timer_burst.burst("SQLite", url, count, progress, **run))
        with postgres_database() as url:
            if url is not None:
                results.append(timer_burst.burst("PostgreSQL", url, count, progress, **run))
    return results


if __name__ == "__main__":
    main()
