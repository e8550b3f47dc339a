"""`make bench`: run the benchmarks in one process, print a table, write docs/benchmarks.md."""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import pathway, timer_burst
from bench.databases import postgres_database, sqlite_database
from bench.report import write_report
from engine.config import PROJECT_ROOT


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20, help="pathways per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (the median is reported)")
    parser.add_argument("--timers", type=int, default=10_000, help="timers in the burst")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    progress = print
    progress(f"Machine: {machine()}")
    results = [pathway.in_memory(args.runs * 5, args.rounds, progress)]
    with tempfile.TemporaryDirectory() as folder, sqlite_database(Path(folder)) as url:
        results.append(pathway.through_engine("Engine on SQLite", url, args.runs, args.rounds, progress))
    with postgres_database() as url:
        if url is None:
            progress("PostgreSQL is not reachable: its figure is left out")
        else:
            results.append(
                pathway.through_engine("Engine on PostgreSQL", url, args.runs, args.rounds, progress)
            )
    bursts = []
    with tempfile.TemporaryDirectory() as folder, sqlite_database(Path(folder)) as url:
        bursts.append(timer_burst.burst("SQLite", url, args.timers, progress))
    with postgres_database() as url:
        if url is not None:
            bursts.append(timer_burst.burst("PostgreSQL", url, args.timers, progress))
    report = write_report(args.output, machine(), datetime.now(UTC), results, bursts)
    print(report)


if __name__ == "__main__":
    main()
