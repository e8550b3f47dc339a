"""Benchmark 4: 10,000 timers due at the same moment, fired by a scheduler.

Setting up 10,000 waiting cases through the API would take minutes, so one case is started
through the engine and copied: every copy gets fresh task ids (its timer is a distinct row) and
the same due time. Then a scheduler (in this process, real clock) drains the burst. Lateness is
`fired_at - due_at` per timer; time to drain is from the due time to the last firing.
"""

from __future__ import annotations

import re
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, insert, select

from engine import Clock, Engine, EngineConfig, MovableClock, clock
from engine.config import PROJECT_ROOT
from engine.models import Case, Timer, TimerState

BUNDLE = PROJECT_ROOT / "tests" / "fixtures" / "quick_timer"
PLACEHOLDER_DUE = "2099-01-01T00:00:00+00:00"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class BurstResult:
    name: str
    timers: int
    drain_seconds: float
    lateness_median: float
    lateness_p99: float
    fired_per_second: float


def _copy_cases(engine: Engine, count: int, due_iso: str) -> None:
    with engine.db.writing() as session:
        template = session.scalar(select(Case))
        timer = session.scalar(select(Timer))
        next_id = session.scalar(select(func.max(Case.id))) + 1
        cases, timers = [], []
        for number in range(count):
            ids = {old: str(uuid.uuid4()) for old in set(UUID.findall(template.state_json))}
            state = UUID.sub(lambda m, ids=ids: ids[m.group(0)], template.state_json)
            case_id = next_id + number
            cases.append(
                {
                    "id": case_id,
                    "business_key": f"NRM-2099-{number:06d}",
                    "definition_id": template.definition_id,
                    "status": template.status,
                    "state_json": state.replace(PLACEHOLDER_DUE, due_iso),
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
                    "due_at": None,
                    "state": TimerState.WAITING,
                    "created_at": timer.created_at,
                    "attempts": 0,
                }
            )
        session.execute(insert(Case), cases)
        due = Clock().now().fromisoformat(due_iso)
        for row in timers:
            row["due_at"] = due
        session.execute(insert(Timer), timers)  # the template stays, due in 2099


def burst(name: str, database_url: str, timers: int, progress) -> BurstResult:
    real = Clock()
    previous = clock.use(MovableClock(real.now() - timedelta(hours=1)))
    engine = Engine(
        EngineConfig(
            database_url=database_url,
            service_modules=["tasks"],
            scheduler_workers=4,
            scheduler_poll_seconds=0.5,
        )
    )
    try:
        engine.migrate()
        engine.deploy(BUNDLE)
        engine.start_case("quick_timer", {"due": PLACEHOLDER_DUE})
        due = real.now() + timedelta(seconds=max(10.0, timers / 1000))
        began = time.perf_counter()
        _copy_cases(engine, timers, due.isoformat())
        progress(f"{name}: {timers} cases copied in {time.perf_counter() - began:.1f} s; due {due:%H:%M:%S}")
        clock.use(real)
        scheduler = engine.scheduler("bench")
        time.sleep(max((due - real.now()).total_seconds() - 0.5, 0))
        scheduler.start()
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            fired = _fired(engine)
            if fired >= timers:
                break
            time.sleep(0.5)
            progress(f"{name}: {fired}/{timers} fired")
        scheduler.stop()
        with engine.db.reading() as session:
            rows = session.execute(
                select(Timer.due_at, Timer.fired_at).where(Timer.state == TimerState.FIRED)
            ).all()
        lateness = sorted((fired_at - due_at).total_seconds() for due_at, fired_at in rows)
        drain = max(lateness) if lateness else float("nan")
        return BurstResult(
            name,
            len(rows),
            drain,
            statistics.median(lateness),
            lateness[int(len(lateness) * 0.99) - 1],
            len(rows) / drain,
        )
    finally:
        clock.use(previous)
        engine.db.dispose()


def _fired(engine: Engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(func.count()).where(Timer.state == TimerState.FIRED))
