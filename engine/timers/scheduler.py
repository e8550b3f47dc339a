"""The timer scheduler: APScheduler as an in-process alarm clock over the timers table.

Each scheduler process polls the table every few seconds for timers due within the horizon and
holds one in-memory APScheduler job per distinct due time; when a job runs, one worker thread
claims the due timers in batches and fires them (engine/timers/timer_firing.py and
engine/timers/timer_batch.py), so
any number of schedulers fire each timer once, and a burst due together costs one job.
A daily job (when given: the retention run, engine/runtime/erasure.py) runs at a set hour.
Job stores are in memory and never shared between processes (APScheduler's docs forbid sharing
one), and late jobs always run: APScheduler's default misfire grace of one second would drop a
job whose process was busy or asleep, and overdue timers must fire when a scheduler starts.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler

from engine import clock
from engine.timers.timer_firing import TimerFiring

log = logging.getLogger(__name__)
POLL_JOB = "nrm-timer-poll"
DRAIN_JOB = "nrm-timer-drain"
WAKE_JOB = "nrm-timer-wake"
DAILY_JOB = "nrm-daily"


class TimerScheduler:
    """Fires due timers in the background until stopped."""

    def __init__(
        self,
        firing: TimerFiring,
        *,
        poll_seconds: float,
        horizon_seconds: float,
        workers: int,
        max_jobs: int = 50_000,  # held timers
        daily: Callable[[], object] | None = None,
        daily_hour: int = 2,
    ):
        self.firing = firing
        self.poll_seconds = poll_seconds
        self.horizon = timedelta(seconds=horizon_seconds)
        self.max_jobs = max_jobs
        self.daily, self.daily_hour = daily, daily_hour
        self._draining = False  # the drain job is running (a running date job leaves the store)
        self._scheduled: set[str] = set()  # held timers
        self._wake_ups: dict[datetime, list[str]] = {}  # due time (engine clock) -> held timers; one job each
        self._drain_again = False  # timers fell due while the drainer was busy
        self._lock = threading.Lock()
        self.outcomes: dict[str, int] = {"fired": 0, "skipped": 0, "retry": 0, "failed": 0, "wake_ups": 0}
        self._apscheduler = BackgroundScheduler(
            # The poll has a thread of its own, so draining a burst never keeps it waiting.
            executors={
                "default": ThreadPoolExecutor(max_workers=workers),
                "poll": ThreadPoolExecutor(max_workers=1),
            },
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            timezone=UTC,
        )

    @property
    def node(self) -> str:
        return self.firing.node

    def start(self) -> None:
        """Start polling at once (so overdue timers fire now) and every `poll_seconds` after."""
        self._apscheduler.add_job(
            self.poll,
            "interval",
            seconds=self.poll_seconds,
            id=POLL_JOB,
            executor="poll",
            next_run_time=datetime.now(UTC),
            max_instances=1,
        )
        if self.daily is not None:
            self._apscheduler.add_job(self.run_daily, "cron", hour=self.daily_hour, minute=0, id=DAILY_JOB)
        self._apscheduler.start()
        log.info("scheduler %s started", self.node)

    def stop(self, wait: bool = True) -> None:
        """Stop polling and firing: no new timer is started, the one under way finishes (when
        `wait`), and the claims on timers not fired are given back. Stopping twice is fine."""
        if not self._apscheduler.running:
            return
        self.firing.stopping.set()
        self._apscheduler.shutdown(wait=wait)
        if wait:
            self.firing.release()
        log.info("scheduler %s stopped", self.node)

    def poll(self) -> int:
        """Hold every timer due within the horizon (one wake-up job per distinct due time, so a
        burst of timers due together costs one job); returns how many timers were newly held."""
        engine_now = clock.now()
        self._hurry_wake_ups(engine_now)
        if self.firing.due_before(engine_now, limit=1):
            self._start_draining()
        with self._lock:
            room = self.max_jobs - len(self._scheduled)
        if room <= 0:
            return 0
        upcoming = self.firing.due_before(
            engine_now + self.horizon, limit=room + len(self._scheduled), after=engine_now
        )  # timers due now are the drain jobs' work
        added, new_wake_ups = 0, set()
        with self._lock:
            for due in upcoming:
                if due.run_at <= engine_now or due.id in self._scheduled:
                    continue
                self._scheduled.add(due.id)
                added += 1
                if due.run_at not in self._wake_ups:
                    new_wake_ups.add(due.run_at)
                self._wake_ups.setdefault(due.run_at, []).append(due.id)
        for run_at in new_wake_ups:
            # The engine clock may be moved (tests, demos): wait as long as it says, in real time.
            wait = max((run_at - engine_now).total_seconds(), 0.0)
            self._apscheduler.add_job(
                self._wake,
                "date",
                args=[run_at],
                id=f"{WAKE_JOB}-{run_at.isoformat()}",
                replace_existing=True,
                run_date=datetime.now(UTC) + timedelta(seconds=wait),
            )
        return added

    def run_daily(self) -> None:
        """The daily job (the retention run); a failure is logged, and it runs again tomorrow."""
        if self.daily is None:
            return
        try:
            self.daily()
        except Exception:  # a database outage: tomorrow's run does it
            log.exception("the daily job failed")

    def _wake(self, run_at: datetime) -> None:
        """Timers held for `run_at` are due: drain everything due now."""
        with self._lock:
            self._scheduled.difference_update(self._wake_ups.pop(run_at, []))
            self.outcomes["wake_ups"] += 1
        self._start_draining()

    def _start_draining(self) -> None:
        """Timers are due now (a burst, or overdue at start-up): one worker drains them in batches.

        One, not every idle worker: the work is Python, so a second drainer in the same process
        only takes turns with the first on the GIL (more drainers drained a burst more slowly,
        docs/performance.md). More cores: more
        scheduler processes. A call while the drainer is busy makes it look again when done."""
        with self._lock:
            if self._draining:
                self._drain_again = True
                return
            self._draining = True
        self._apscheduler.add_job(
            self._drain, "date", id=DRAIN_JOB, run_date=datetime.now(UTC), replace_existing=True
        )

    def _drain(self) -> None:
        while True:
            outcomes: Mapping[str, int]
            try:
                outcomes = self.firing.drain()
            except Exception:  # a database outage: the next poll tries again
                log.exception("draining due timers failed")
                outcomes = {}
            with self._lock:
                for outcome, count in outcomes.items():
                    self.outcomes[outcome] += count
                if not self._drain_again:
                    self._draining = False
                    return
                self._drain_again = False

    def _hurry_wake_ups(self, engine_now: datetime) -> None:
        """Wake at once for held timers due by the engine clock (it was moved forward)."""
        with self._lock:
            due_now = [run_at for run_at in self._wake_ups if run_at <= engine_now]
        for run_at in due_now:
            with contextlib.suppress(JobLookupError):
                self._apscheduler.remove_job(f"{WAKE_JOB}-{run_at.isoformat()}")
            self._wake(run_at)
