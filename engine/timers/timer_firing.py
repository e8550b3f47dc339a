"""Firing timers exactly once, from any number of scheduler processes on one database.

The timer row is the truth. A scheduler claims a row with one conditional UPDATE (on PostgreSQL
through `FOR UPDATE SKIP LOCKED`, so claimers never wait on each other), then fires it in the
case's own step transaction, which marks the row fired. A claim is a lease: if its process dies,
the row is free again when the lease runs out. A failure is retried with back-off; after the last
attempt the timer is failed and an incident says why, until a manager retries it.
"""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm.exc import StaleDataError

from engine import clock
from engine.config import EngineConfig
from engine.deploy.definitions import DefinitionCache
from engine.errors import CodeBudgetExceeded, EngineError, SandboxViolation, ValueNotStorable
from engine.persistence.db import Database
from engine.persistence.models import AuditEvent, Case, CaseStatus, Incident, Timer, TimerState
from engine.runtime.incident_text import error_kind, seal_error
from engine.runtime.step import Step, bump_version
from engine.runtime.workflow_cache import WorkflowCache
from engine.timers.timer_batch import BatchOutcome, fire_batch
from engine.views import Actor

log = logging.getLogger(__name__)
CONFLICT_RETRIES = 5


def node_name() -> str:
    """A name for this scheduler process, unique across machines and restarts."""
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class DueTimer:
    id: str
    due_at: datetime
    next_attempt_at: datetime | None

    @property
    def run_at(self) -> datetime:
        return max(self.due_at, self.next_attempt_at) if self.next_attempt_at else self.due_at


class TimerFiring:
    """Claim and fire timers; used by the scheduler and by `Engine.fire_due_timers`."""

    def __init__(
        self,
        db: Database,
        definitions: DefinitionCache,
        config: EngineConfig,
        node: str | None = None,
        workflows: WorkflowCache | None = None,
    ):
        self.db = db
        self.definitions = definitions
        self.workflows = WorkflowCache(0) if workflows is None else workflows
        self.config = config
        self.node = node or node_name()
        self.actor = Actor(f"scheduler@{self.node}", is_superuser=True)
        self.stopping = threading.Event()  # set when the scheduler stops: no new timer is started

    def due_before(
        self, moment: datetime, limit: int = 10_000, after: datetime | None = None
    ) -> list[DueTimer]:
        """Waiting, unclaimed (or lease expired) timers of active cases due before `moment` (and,
        given `after`, due or next attempted after it)."""
        now = clock.now()

        def waiting(*conditions):
            return (
                select(Timer.id, Timer.due_at, Timer.next_attempt_at)
                .join(Case, Case.id == Timer.case_id)
                .where(
                    Timer.state == TimerState.WAITING,
                    Timer.due_at <= moment,
                    Case.status == CaseStatus.ACTIVE,
                    or_(Timer.claimed_until.is_(None), Timer.claimed_until < now),
                    *conditions,
                )
                .order_by(Timer.due_at)
                .limit(limit)
            )

        with self.db.reading() as session:
            if after is None:
                return [DueTimer(*row) for row in session.execute(waiting())]
            # Two index ranges, not one OR: a burst of timers already due must not be read again
            # on every poll (that cost a burst much of its time: docs/performance.md).
            found = {row.id: DueTimer(*row) for row in session.execute(waiting(Timer.due_at > after))}
            for row in session.execute(waiting(Timer.next_attempt_at > after)):
                found.setdefault(row.id, DueTimer(*row))
            return sorted(found.values(), key=lambda due: due.due_at)[:limit]

    def claim_batch(self, limit: int) -> list[str]:
        """Claim up to `limit` due timers at once (a burst, or overdue timers at start-up)."""
        now = clock.now()
        claimable = (
            (Timer.state == TimerState.WAITING)
            & (Timer.due_at <= now)
            & or_(Timer.claimed_until.is_(None), Timer.claimed_until < now)
            & or_(Timer.next_attempt_at.is_(None), Timer.next_attempt_at <= now)
            & Timer.case_id.in_(select(Case.id).where(Case.status == CaseStatus.ACTIVE))
        )
        candidates = select(Timer.id).where(claimable).order_by(Timer.due_at).limit(limit)
        values = {
            "claimed_by": self.node,
            "attempts": Timer.attempts + 1,
            "claimed_until": now + timedelta(seconds=self.config.timer_lease_seconds),
        }
        if self.db.is_sqlite:  # writers are serialized (BEGIN IMMEDIATE): the condition is enough
            statement = update(Timer).where(Timer.id.in_(candidates.scalar_subquery()), claimable)
        else:
            # A CTE is evaluated once: `id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n)` may be
            # re-run for every row by the planner, which stalls a burst of thousands of timers.
            picked = candidates.with_for_update(skip_locked=True).cte("picked")
            statement = update(Timer).where(Timer.id == picked.c.id)
        with self.db.writing() as session:
            claimed = session.scalars(
                statement.values(**values).returning(Timer.id).execution_options(synchronize_session=False)
            )
            return list(claimed)

    def drain(self, batch: int = 100) -> Counter[str]:
        """Claim and fire due timers, a batch at a time, until none is left; returns the outcomes
        ('fired': n, …)."""
        outcomes: Counter[str] = Counter()
        while not self.stopping.is_set() and (ids := self.claim_batch(batch)):
            results = [self.fire(ids[0])] if len(ids) == 1 else self._fire_together(ids)
            outcomes.update(results)
            if all(result == "skipped" for result in results):
                break  # due by the table but not yet by SpiffWorkflow's clock check: the next poll
            if len(ids) < batch and not self.due_before(clock.now(), limit=1):
                break  # all that was due is fired, and nothing fell due since: no empty claim
        return outcomes

    def _fire_together(self, ids: list[str]) -> list[str]:
        try:
            together = fire_batch(self, ids)
        except Exception:  # e.g. the database went away mid-batch: each alone, with retries
            log.exception("a batch of %d timers failed; firing them one by one", len(ids))
            together = BatchOutcome(alone=list(ids))
        results = ["fired"] * len(together.fired) + ["skipped"] * len(together.skipped)
        results += [self._record_failure(timer_id, error) for timer_id, error in together.failed]
        return results + [self.fire(timer_id) for timer_id in together.alone]

    def fire(self, timer_id: str) -> str:
        """Fire a timer this node has claimed: 'fired', 'skipped', 'retry' or 'failed'."""
        if self.stopping.is_set():
            return "skipped"  # its claim is given back when the scheduler stops
        for _ in range(CONFLICT_RETRIES):
            try:
                return self._fire_once(timer_id)
            except StaleDataError:
                continue  # the case moved under us: look again
            except Exception as error:  # any failure of the step: retry later, then an incident
                log.warning("timer %s failed: %s (kept, sealed, on the case)", timer_id, error_kind(error))
                return self._record_failure(timer_id, error)
            except BaseException:  # stopped (Ctrl-C in `nrm fire-timers`): the timer is free again
                self.release([timer_id])
                raise
        return self._record_failure(timer_id, RuntimeError("the case kept changing while the timer fired"))

    def release(self, timer_ids: list[str] | None = None) -> int:
        """Give back this node's claims (on `timer_ids`, or all of them: the scheduler is stopping)
        on timers that have not fired; returns how many."""
        condition = (Timer.claimed_by == self.node) & (Timer.state == TimerState.WAITING)
        if timer_ids is not None:
            condition &= Timer.id.in_(timer_ids)
        with self.db.writing() as session:
            released = cast(  # an UPDATE's result is a CursorResult, which has the row count
                CursorResult[Any],
                session.execute(update(Timer).where(condition).values(claimed_by=None, claimed_until=None)),
            )
            return released.rowcount

    def _fire_once(self, timer_id: str) -> str:
        with self.db.writing() as session:
            timer = session.get(Timer, timer_id)
            if timer is None or timer.state is not TimerState.WAITING or timer.claimed_by != self.node:
                return "skipped"
            case = session.get_one(Case, timer.case_id)  # the timer's case (a foreign key)
            if case.status is not CaseStatus.ACTIVE:
                timer.claimed_by = timer.claimed_until = None
                return "skipped"
            step = Step(
                session,
                self.definitions.get(session, case.definition_id),
                case,
                self.actor,
                self.config.bank_holiday_region,
            )
            step.resume(self.workflows)
            step.finish()  # marks this timer (and any other due one of the case) fired
            if timer_id not in step.fired_timers:  # not due by the engine clock after all
                session.execute(  # give the lease back
                    update(Timer).where(Timer.id == timer_id).values(claimed_by=None, claimed_until=None)
                )
        self.workflows.keep(step.case.id, step.kept())
        return "fired" if timer_id in step.fired_timers else "skipped"

    def _record_failure(self, timer_id: str, error: Exception) -> str:
        """A failed firing: retried with back-off, and an incident after the last attempt, or at
        once when retrying cannot help (the diagram's code went over its budget, stored what a
        case cannot hold, or was refused by the sandbox: it would do the same again)."""
        described = str(error) if isinstance(error, EngineError) else f"{type(error).__name__}: {error}"
        permanent = isinstance(error, SandboxViolation) or (
            isinstance(error, CodeBudgetExceeded | ValueNotStorable) and not error.transient
        )
        now = clock.now()
        with self.db.writing() as session:
            timer = session.get(Timer, timer_id)
            if timer is None or timer.state is not TimerState.WAITING:
                return "skipped"
            timer.claimed_by = timer.claimed_until = None
            data_key = session.scalar(select(Case.data_key).where(Case.id == timer.case_id))
            message = seal_error(data_key, timer.case_id, described)  # it may quote the case's data
            timer.last_error = message
            detail = {"name": timer.name, "attempts": timer.attempts, "error": message}
            if timer.attempts < self.config.timer_max_attempts and not permanent:
                delay = self.config.timer_backoff_seconds * 2 ** (timer.attempts - 1)
                timer.next_attempt_at = now + timedelta(seconds=delay)
                action, outcome = "timer_failed", "retry"
                detail["next_attempt_at"] = timer.next_attempt_at.isoformat()
            else:
                timer.state = TimerState.FAILED
                action, outcome = "incident_opened", "failed"
                bump_version(session, timer.case_id)  # the case's waiting timers changed
                session.add(
                    Incident(
                        case_id=timer.case_id,
                        timer_id=timer.id,
                        element_id=getattr(error, "element_id", None) or timer.element_id,
                        kind="timer",
                        message=message,
                        attempts=timer.attempts,
                        created_at=now,
                    )
                )
            session.add(
                AuditEvent(
                    case_id=timer.case_id,
                    at=now,
                    actor=self.actor.username,
                    action=action,
                    task_id=timer.id,
                    element_id=timer.element_id,
                    detail=detail,
                )
            )
            return outcome
