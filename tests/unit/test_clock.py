"""One clock for the engine, SpiffWorkflow's timer module included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from engine import MovableClock, clock


def test_spiffworkflow_timers_read_the_engine_clock():
    clock.install()
    movable = MovableClock(datetime(2013, 4, 1, 12, 0, tzinfo=UTC))
    previous = clock.use(movable)
    try:
        assert spiff_timer.datetime.now(UTC) == datetime(2013, 4, 1, 12, 0, tzinfo=UTC)
        movable.move(timedelta(days=45))
        assert spiff_timer.datetime.now(UTC) == datetime(2013, 5, 16, 12, 0, tzinfo=UTC)
        assert clock.now() == movable.now()
    finally:
        clock.use(previous)


def test_a_movable_clock_only_moves_forward_and_needs_an_aware_time():
    movable = MovableClock(datetime(2013, 4, 1, tzinfo=UTC))
    with pytest.raises(ValueError):
        movable.move(timedelta(seconds=-1))
    with pytest.raises(ValueError):
        MovableClock(datetime(2013, 4, 1))
