from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import Engine, EngineConfig
from engine.persistence.models import AuditEvent

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def eventually(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Wait for background work (the scheduler's threads) to reach a state; never used to let
    engine time pass, which tests move on the engine clock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def fired_count(engine: Engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(func.count()).where(AuditEvent.action == "timer_fired"))


@pytest.fixture
def timer_engine(database_url, moving_clock):
    """An engine tuned for quick scheduler tests: fast polls, short back-off, three attempts."""
    built = Engine(
        EngineConfig(
            database_url=database_url,
            service_modules=["tasks"],
            scheduler_poll_seconds=0.05,
            scheduler_workers=2,
            timer_backoff_seconds=60.0,
            timer_max_attempts=3,
        )
    )
    built.migrate()
    built.deploy(FIXTURES / "quick_timer")
    yield built
    built.db.dispose()


@pytest.fixture
def scheduler(timer_engine):
    """Start schedulers on the test engine; all are stopped at the end."""
    started = []

    def start():
        running = timer_engine.scheduler()
        running.start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop(wait=True)
