"""One clock for the whole engine, SpiffWorkflow's timer events included.

SpiffWorkflow's timer module calls `datetime.now(timezone.utc)` directly and has no hook for a
clock, so `install()` replaces the module's `datetime` name with a subclass whose `now()` asks
the engine clock. Everything else about `datetime` is unchanged.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer


class Clock:
    """The system clock; tests use `MovableClock`."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock(Clock):
    """A clock that stands still until moved: tests move time instead of sleeping."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("MovableClock needs an aware datetime (UTC)")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def move(self, delta: timedelta) -> datetime:
        """Move forward by `delta`; returns the new time."""
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        with self._lock:
            self._now = self._now + delta
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment


_current: Clock = Clock()


def current() -> Clock:
    """The clock in force."""
    return _current


def now() -> datetime:
    """The engine's time (aware, UTC)."""
    return _current.now()


def use(clock: Clock) -> Clock:
    """Make `clock` the engine clock; returns the previous one."""
    global _current
    previous, _current = _current, clock
    return previous


class _EngineDatetime(datetime):
    """`datetime` whose `now()` is the engine clock (for SpiffWorkflow's timer module)."""

    @classmethod
    def now(cls, tz=None):
        moment = _current.now()
        return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)


def install() -> None:
    """Route SpiffWorkflow's timers through the engine clock (idempotent)."""
    spiff_timer.datetime = _EngineDatetime
