"""Benchmark 4: 10,000 timers due at the same moment, fired by a scheduler.

Setting up 10,000 waiting cases through the API would take minutes, so one case is started
through the engine and copied: every copy gets fresh task ids (its timer is a distinct row) and
the same due time (or due times spread evenly over a few seconds, for lateness in steady running).
Then one or two `nrm scheduler` processes, as deployed, on the real clock, fire them. Lateness is
`fired_at - due_at` per timer; time to drain is from the first due time to the last firing.
"""

from __future__ import annotations

import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, text

from engine import Clock, Engine, EngineConfig, MovableClock, clock
from engine.config import PROJECT_ROOT
from engine.crypto import case_keys
from engine.crypto.sealing import seal, unseal
from engine.persistence.models import Case, Timer, TimerState
from engine.spec.serialization import state_dict
from engine.spec.task_ids import ATTRIBUTE as TASK_IDS

BUNDLE = PROJECT_ROOT / "tests" / "fixtures" / "quick_timer"
PLACEHOLDER_DUE = "2099-01-01T00:00:00+00:00"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class BurstResult:
    name: str
    schedulers: int
    timers: int
    drain_seconds: float
    lateness_median: float
    lateness_p99: float
    fired_per_second: float
    spread_seconds: float = 0.0  # 0: all due at one moment; else due evenly over this long
    requested: int = 0  # timers set up (all must fire)


def _copy_cases(engine: Engine, count: int, due_of: Callable[[int], datetime]) -> None:
    """`count` copies of the one case, the timer of copy n due at `due_of(n)`."""
    with engine.db.writing() as session:
        template = session.scalar(select(Case))
        timer = session.scalar(select(Timer))
        next_id = session.scalar(select(func.max(Case.id))) + 1
        cases, timers = [], []
        # the template's state opened, its task ids in full (each copy gets random ones, and its
        # own data key: engine/crypto)
        opened = state_dict(unseal(template.data_key, template.id, "state", template.state))
        opened.pop(TASK_IDS, None)
        text = json.dumps(opened, separators=(",", ":"))
        for number in range(count):
            ids = {old: str(uuid.uuid4()) for old in set(UUID.findall(text))}
            state = UUID.sub(lambda m, ids=ids: ids[m.group(0)], text)
            case_id = next_id + number
            due = due_of(number)
            data_key, data_key_id = case_keys.new_case_key()
            compressed = zlib.compress(state.replace(PLACEHOLDER_DUE, due.isoformat()).encode(), 1)
            cases.append(
                {
                    "id": case_id,
                    "business_key": f"NRM-2099-{number:06d}",
                    "definition_id": template.definition_id,
                    "status": template.status,
                    "state": seal(data_key, case_id, "state", compressed),
                    "data_key": data_key,
                    "data_key_id": data_key_id,
                    "serializer_version": template.serializer_version,
                    "version": template.version,
                    "current_step": template.current_step,
                    "created_by": "bench",
                    "created_at": template.created_at,
                    "updated_at": template.updated_at,
                }
            )
            timers.append(
                {
                    "id": ids[timer.id],
                    "case_id": case_id,
                    "element_id": timer.element_id,
                    "name": timer.name,
                    "due_at": due,
                    "state": TimerState.WAITING,
                    "created_at": timer.created_at,
                    "attempts": 0,
                }
            )
        session.execute(insert(Case), cases)
        session.execute(insert(Timer), timers)  # the template stays, due in 2099


def burst(
    name: str, database_url: str, timers: int, progress, *, schedulers: int = 1, spread_seconds: float = 0.0
) -> BurstResult:
    """`timers` timers due at one moment (or evenly over `spread_seconds`), fired by `schedulers`
    `nrm scheduler` processes."""
    real = Clock()
    previous = clock.use(MovableClock(real.now() - timedelta(hours=1)))
    engine = Engine(EngineConfig(database_url=database_url, service_modules=["tasks"]))
    processes: list[subprocess.Popen] = []
    label = f"{name}, {schedulers} scheduler{'s' if schedulers > 1 else ''}"
    try:
        engine.migrate()
        engine.deploy(BUNDLE)
        engine.start_case("quick_timer", {"due": PLACEHOLDER_DUE})
        due = real.now() + timedelta(seconds=max(20.0, timers / 500))
        step = timedelta(seconds=spread_seconds / timers)
        began = time.perf_counter()
        _copy_cases(engine, timers, lambda n: due + n * step)
        if not engine.db.is_sqlite:  # statistics as autovacuum keeps them on a live database, not
            # the empty tables' from before the copy (on those PostgreSQL scans where it should look up)
            with engine.db.writing() as session:
                session.execute(text("ANALYZE"))
        progress(
            f"{label}: {timers:,} cases copied in {time.perf_counter() - began:.1f} s; due {due:%H:%M:%S}"
        )
        clock.use(real)
        # `nrm scheduler` processes, as deployed: not in this process, whose polling would take
        # turns with the scheduler on the GIL.
        processes = [_scheduler_process(database_url, f"bench-{n}") for n in range(schedulers)]
        if real.now() >= due:
            raise RuntimeError(
                f"{label}: the schedulers started after the timers fell due; rerun on an idle machine"
            )
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            fired = _fired(engine)
            if fired >= timers:
                break
            time.sleep(0.5)
            if real.now() >= due:
                progress(f"{label}: {fired:,}/{timers:,} fired")
        with engine.db.reading() as session:
            rows = session.execute(
                select(Timer.due_at, Timer.fired_at).where(Timer.state == TimerState.FIRED)
            ).all()
        lateness = sorted((fired_at - due_at).total_seconds() for due_at, fired_at in rows)
        last = max(fired_at for _, fired_at in rows) if rows else due
        drain = (last - due).total_seconds()
        return BurstResult(
            name,
            schedulers,
            len(rows),
            drain,
            statistics.median(lateness),
            lateness[int(len(lateness) * 0.99) - 1],
            len(rows) / drain,
            spread_seconds,
            timers,
        )
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        clock.use(previous)
        engine.db.dispose()


def _scheduler_process(database_url: str, node: str) -> subprocess.Popen:
    """`nrm scheduler`, returned once it says it is running."""
    env = dict(os.environ, NRM_DATABASE_URL=database_url)
    env.setdefault("NRM_SCHEDULER_POLL_SECONDS", "0.5")
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "scheduler", "--node", node],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in process.stdout:
        if "running on" in line:
            threading.Thread(target=process.stdout.read, daemon=True).start()  # keep the pipe drained
            return process
    raise RuntimeError(f"scheduler {node} did not start (exit code {process.wait()})")


def _fired(engine: Engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(func.count()).where(Timer.state == TimerState.FIRED))
