"""Several scheduler processes on one PostgreSQL database: every timer fires exactly once, even when
one process is killed with SIGKILL in the middle of a burst."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import Clock, Engine, EngineConfig, MovableClock, clock
from engine.persistence.models import AuditEvent, Timer, TimerState
from tests.conftest import DATABASES, ROOT
from tests.timers.conftest import FIXTURES, eventually, fired_count

TIMERS = 1000
pytestmark = pytest.mark.parametrize("database_url", [DATABASES[1]], indirect=True)


@pytest.fixture
def burst(database_url):
    """1,000 cases whose timers all fall due at the same moment, before the schedulers start.

    The cases are started on an engine clock an hour behind real time, so that none of their
    timers is past due while the others are still being created; the schedulers use real time."""
    real_now = Clock().now()
    previous = clock.use(MovableClock(real_now - timedelta(hours=1)))
    engine = Engine(EngineConfig(database_url=database_url, service_modules=["tasks"]))
    engine.migrate()
    engine.deploy(FIXTURES / "quick_timer")
    due = (real_now + timedelta(seconds=1)).isoformat()
    for _ in range(TIMERS):
        engine.start_case("quick_timer", {"due": due})
    clock.use(Clock())
    yield engine
    engine.db.dispose()
    clock.use(previous)


def _scheduler_process(database_url: str, node: str, log: Path) -> subprocess.Popen:
    env = dict(
        os.environ,
        NRM_DATABASE_URL=database_url,
        NRM_SCHEDULER_POLL_SECONDS="0.5",
        NRM_TIMER_LEASE_SECONDS="5",
        NRM_SCHEDULER_WORKERS="4",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "web.cli", "scheduler", "--node", node],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _fired_per_timer(engine: Engine) -> dict[int, int]:
    """How many timers were fired once, twice, …, per the audit trail."""
    with engine.db.reading() as session:
        per_timer = (
            select(func.count().label("n"))
            .where(AuditEvent.action == "timer_fired")
            .group_by(AuditEvent.task_id)
            .subquery()
        )
        rows = session.execute(select(per_timer.c.n, func.count()).group_by(per_timer.c.n))
        return dict(rows.all())


def _waiting(engine: Engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(func.count()).where(Timer.state == TimerState.WAITING))


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.postgres
def test_two_schedulers_fire_1000_timers_exactly_once(burst, database_url, tmp_path):
    processes = [_scheduler_process(database_url, f"node-{n}", tmp_path / f"node-{n}.log") for n in "ab"]
    try:
        assert eventually(lambda: fired_count(burst) == TIMERS, timeout=180), fired_count(burst)
    finally:
        _stop(processes)
    assert _fired_per_timer(burst) == {1: TIMERS}
    assert _waiting(burst) == 0
    with burst.db.reading() as session:
        nodes = set(session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "timer_fired")))
    assert nodes == {"scheduler@node-a", "scheduler@node-b"}  # both shared the burst


@pytest.mark.postgres
def test_a_scheduler_killed_mid_burst_loses_no_timer(burst, database_url, tmp_path):
    victim = _scheduler_process(database_url, "victim", tmp_path / "victim.log")
    survivor = _scheduler_process(database_url, "survivor", tmp_path / "survivor.log")
    try:
        assert eventually(lambda: fired_count(burst) >= 100, timeout=120)
        victim.send_signal(signal.SIGKILL)  # kill -9: no clean-up, claims left behind
        victim.wait(timeout=10)
        killed_at = fired_count(burst)
        assert eventually(lambda: fired_count(burst) == TIMERS, timeout=180), fired_count(burst)
    finally:
        _stop([victim, survivor])
    assert killed_at < TIMERS, "the burst drained before the kill; the test proved nothing"
    assert _fired_per_timer(burst) == {1: TIMERS}
    assert _waiting(burst) == 0
