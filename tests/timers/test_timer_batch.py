"""Timers fired in batches (engine/timers/timer_batch.py): what cannot be fired together is handled one by
one, and a failing step is recorded once, never run twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.persistence.models import AuditEvent, Timer, TimerState
from engine.timers.timer_batch import BatchOutcome, _advance, _write, fire_batch
from tests.timers.conftest import FIXTURES, fired_count
from tests.timers.test_scheduler import FLAKY_FAILURES


def _start(engine, process: str, due) -> str:
    return engine.start_case(process, {"due": due.isoformat()}).key


def _timer_state(engine, key: str) -> str:
    return [t.state for t in engine.case(key).timers][0]


def test_a_drain_fires_good_cases_together_records_a_failure_once_and_leaves_a_suspended_case(
    timer_engine, moving_clock
):
    timer_engine.deploy(FIXTURES / "flaky_timer")
    due = moving_clock.now() + timedelta(minutes=5)
    good = [_start(timer_engine, "quick_timer", due) for _ in range(5)]
    flaky = _start(timer_engine, "flaky_timer", due)
    suspended = _start(timer_engine, "quick_timer", due)
    timer_engine.suspend_case(suspended, "the person is in hospital")
    FLAKY_FAILURES["left"] = 2
    moving_clock.move(timedelta(minutes=6))

    outcomes = timer_engine.timer_firing.drain(batch=100)

    assert outcomes == {"fired": 5, "retry": 1}
    assert FLAKY_FAILURES["left"] == 1  # the failing service was called once, not again alone
    assert all([t.element_id for t in timer_engine.case(k).open_tasks] == ["after_timer"] for k in good)
    assert _timer_state(timer_engine, flaky) == "waiting"
    assert "timer_failed" in [h.action for h in timer_engine.history(flaky)]
    assert _timer_state(timer_engine, suspended) == "waiting"
    assert fired_count(timer_engine) == 5


def test_a_case_changed_between_reading_and_writing_is_fired_alone_once(timer_engine, moving_clock):
    key = _start(timer_engine, "quick_timer", moving_clock.now() + timedelta(minutes=5))
    moving_clock.move(timedelta(minutes=6))
    firing = timer_engine.timer_firing
    ids = firing.claim_batch(10)
    assert len(ids) == 1
    outcome = BatchOutcome()
    steps, released = _advance(firing, ids, outcome)
    timer_engine.suspend_case(key, "checking a detail")  # the case moves on meanwhile …
    timer_engine.resume_case(key, "detail checked")
    _write(firing, steps, released, outcome)

    assert outcome.fired == [] and outcome.alone == ids  # … so the batch does not overwrite it
    assert firing.fire(ids[0]) == "fired"
    assert fired_count(timer_engine) == 1
    history = [h.action for h in timer_engine.history(key)]
    assert history.count("timer_fired") == 1 and "case_resumed" in history


def test_a_timer_whose_lease_passed_to_another_node_is_not_fired_by_the_batch(timer_engine, moving_clock):
    _start(timer_engine, "quick_timer", moving_clock.now() + timedelta(minutes=5))
    moving_clock.move(timedelta(minutes=6))
    firing = timer_engine.timer_firing
    ids = firing.claim_batch(10)
    with timer_engine.db.writing() as session:  # the lease ran out and another scheduler took it
        session.get(Timer, ids[0]).claimed_by = "another-node"

    outcome = fire_batch(firing, ids)

    assert outcome.fired == [] and outcome.skipped == ids
    with timer_engine.db.reading() as session:
        timer = session.get(Timer, ids[0])
        assert timer.state is TimerState.WAITING and timer.claimed_by == "another-node"
        assert (
            session.scalars(select(AuditEvent.action).where(AuditEvent.action == "timer_fired")).all() == []
        )
