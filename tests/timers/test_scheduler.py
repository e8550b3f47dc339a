"""Timers fired by the real APScheduler-based scheduler, on the engine clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import Clock, clock
from engine.persistence.models import Timer
from engine.spec.services import service_task
from tests.timers.conftest import FIXTURES, eventually, fired_count

FLAKY_FAILURES = {"left": 0}


@service_task("test_flaky_service")
def flaky_service(ctx) -> dict:
    """Fails while FLAKY_FAILURES['left'] > 0 (for the incident test)."""
    if FLAKY_FAILURES["left"] > 0:
        FLAKY_FAILURES["left"] -= 1
        raise RuntimeError("the case-management system did not answer")
    return {"ok": True}


def _start(engine, due) -> str:
    return engine.start_case("quick_timer", {"due": due.isoformat()}).key


def _open(engine, key) -> list[str]:
    return [t.element_id for t in engine.case(key).open_tasks]


def test_a_timer_fires_when_the_engine_clock_reaches_it(timer_engine, scheduler, moving_clock):
    key = _start(timer_engine, moving_clock.now() + timedelta(days=45))
    running = scheduler()
    assert eventually(lambda: running.outcomes["skipped"] == 0 and running.poll() == 0)
    assert _open(timer_engine, key) == []
    moving_clock.move(timedelta(days=45, seconds=1))
    assert eventually(lambda: _open(timer_engine, key) == ["after_timer"])
    assert fired_count(timer_engine) == 1


def test_a_timer_a_fraction_of_a_second_away_fires_on_time_by_the_system_clock(timer_engine, scheduler):
    previous = clock.use(Clock())
    try:
        due = clock.now() + timedelta(seconds=0.4)
        key = _start(timer_engine, due)
        scheduler()
        assert eventually(lambda: _open(timer_engine, key) == ["after_timer"], timeout=10)
        with timer_engine.db.reading() as session:
            fired_at = session.scalar(select(Timer.fired_at))
        assert timedelta(0) <= fired_at - due < timedelta(seconds=1)
    finally:
        clock.use(previous)


def test_stopped_scheduler_then_time_passes_then_start_fires_once(timer_engine, scheduler, moving_clock):
    key = _start(timer_engine, moving_clock.now() + timedelta(hours=2))
    first = scheduler()
    assert eventually(lambda: first.poll() == 0)
    first.stop()
    moving_clock.move(timedelta(days=3))  # the scheduler was down while the timer fell due
    second, third = scheduler(), scheduler()  # two nodes come up at once
    assert eventually(lambda: _open(timer_engine, key) == ["after_timer"])
    assert eventually(lambda: second.outcomes["fired"] + third.outcomes["fired"] == 1)
    assert fired_count(timer_engine) == 1


def test_a_cancelled_cases_timer_never_fires(timer_engine, scheduler, moving_clock):
    key = _start(timer_engine, moving_clock.now() + timedelta(minutes=1))
    running = scheduler()
    assert eventually(lambda: running.poll() == 0)  # the wake-up is held in memory
    timer_engine.cancel_case(key, "referral withdrawn by the first responder")
    moving_clock.move(timedelta(minutes=2))
    assert eventually(lambda: running.outcomes["wake_ups"] >= 1)  # it woke, and found nothing to fire
    assert fired_count(timer_engine) == 0
    assert [t.state for t in timer_engine.case(key).timers] == ["cancelled"]


def test_a_failing_firing_retries_with_back_off_then_becomes_an_incident(
    timer_engine, scheduler, moving_clock
):
    timer_engine.deploy(FIXTURES / "flaky_timer")
    FLAKY_FAILURES["left"] = 3
    key = timer_engine.start_case("flaky_timer", {"due": moving_clock.now().isoformat()}).key
    moving_clock.move(timedelta(seconds=1))
    running = scheduler()
    assert eventually(lambda: running.outcomes["retry"] == 1)
    moving_clock.move(timedelta(seconds=61))  # first back-off: 60 s
    assert eventually(lambda: running.outcomes["retry"] == 2)
    moving_clock.move(timedelta(seconds=121))  # then 120 s; the third attempt is the last
    assert eventually(lambda: running.outcomes["failed"] == 1)
    case = timer_engine.case(key)
    assert [t.state for t in case.timers] == ["failed"]
    assert len(case.incidents) == 1 and "did not answer" in case.incidents[0].message
    assert case.incidents[0].attempts == 3
    actions = [h.action for h in timer_engine.history(key)]
    assert actions.count("timer_failed") == 2 and "incident_opened" in actions
    # A manager retries; the service answers this time and the case moves on.
    timer_engine.retry_incident(case.incidents[0].id)
    assert eventually(lambda: _open(timer_engine, key) == ["after_timer"])
    assert timer_engine.case(key).incidents == [] and timer_engine.incidents() == []


def test_retrying_an_unknown_incident_is_refused(timer_engine):
    with pytest.raises(Exception, match="no open incident 99"):
        timer_engine.retry_incident(99)
