"""Firing a batch of claimed timers: read together, advanced one by one, written together.

A burst (thousands of timers due at once, or the backlog when a scheduler starts) would cost a
transaction and a dozen statements per timer; here a batch costs a few reads, the SpiffWorkflow
work of each case, and one short write transaction: the cases' version check (rows locked on
PostgreSQL; SQLite's write lock serializes writers anyway), one UPDATE of the cases and one
statement per kind of row. A case that changed since it was read, or whose step fails, leaves the
batch and is fired on its own (`TimerFiring.fire`), where conflicts retry; a step that fails is
recorded as a failed attempt (retried with back-off, then an incident) without being run twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select, update

from engine.persistence.models import Case, CaseStatus, Timer, TimerState
from engine.runtime.incident_text import error_kind
from engine.runtime.step import Step
from engine.runtime.step_writes import CASE_UPDATE, CASES, TIMERS, StepWrites, case_values, known_rows

log = logging.getLogger(__name__)


@dataclass
class BatchOutcome:
    fired: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    alone: list[str] = field(default_factory=list)  # to be fired one by one
    failed: list[tuple[str, Exception]] = field(default_factory=list)  # to be recorded (retry, incident)


def fire_batch(firing, timer_ids: list[str]) -> BatchOutcome:
    """Fire timers claimed by `firing.node`; what could not be fired together is returned in `alone`."""
    outcome = BatchOutcome()
    steps, released = _advance(firing, timer_ids, outcome)
    if steps or released:
        _write(firing, steps, released, outcome)
    return outcome


def _advance(
    firing, timer_ids: list[str], outcome: BatchOutcome
) -> tuple[list[tuple[Step, list[str]]], list[str]]:
    by_case: dict[int, list[str]] = defaultdict(list)
    released: list[str] = []
    with firing.db.reading() as session:
        rows = session.execute(
            select(Timer.id, Timer.case_id).where(
                Timer.id.in_(timer_ids), Timer.state == TimerState.WAITING, Timer.claimed_by == firing.node
            )
        ).all()
        for timer_id, case_id in rows:
            by_case[case_id].append(timer_id)
        outcome.skipped.extend(set(timer_ids) - {row[0] for row in rows})
        cases = session.scalars(select(Case).where(Case.id.in_(by_case))).all()
        known = known_rows(session.connection(), list(by_case))
        definitions = {c.definition_id: firing.definitions.get(session, c.definition_id) for c in cases}
        session.expunge_all()  # the cases change below; nothing of that may reach this session
    steps = []
    for case in cases:
        ids = by_case[case.id]
        if case.status is not CaseStatus.ACTIVE or firing.stopping.is_set():  # stopping: not started
            released.extend(ids)
            outcome.skipped.extend(ids)
            continue
        step = Step(
            None,  # type: ignore[arg-type]  # advance() reads nothing: `known` holds the case's rows
            definitions[case.definition_id],
            case,
            firing.actor,
            firing.config.bank_holiday_region,
            known=known[case.id],
        )
        try:
            step.resume(firing.workflows)
            step.advance()
        except Exception as error:  # not run again here (a service may have been called): recorded
            log.warning("timers %s of case %s failed: %s", ids, case.business_key, error_kind(error))
            outcome.failed.extend((timer_id, error) for timer_id in ids)
            continue
        steps.append((step, ids))
    return steps, released


def _write(firing, steps: list[tuple[Step, list[str]]], released: list[str], outcome: BatchOutcome) -> None:
    with firing.db.writing() as session:
        connection = session.connection()
        locked = select(CASES.c.id, CASES.c.version).where(CASES.c.id.in_([s.case.id for s, _ in steps]))
        if not firing.db.is_sqlite:
            locked = locked.order_by(CASES.c.id).with_for_update()
        versions = dict(connection.execute(locked).all())
        claimed = set(
            connection.execute(
                select(TIMERS.c.id).where(
                    TIMERS.c.id.in_([i for _, ids in steps for i in ids]),
                    TIMERS.c.state == TimerState.WAITING,
                    TIMERS.c.claimed_by == firing.node,
                )
            ).scalars()
        )
        writes, cases, written = StepWrites(), [], []
        for step, ids in steps:
            if versions.get(step.case.id) != step.case.version or not claimed.issuperset(ids):
                outcome.alone.extend(ids)  # changed meanwhile: fired alone, it looks again
                continue
            writes.merge(step.writes)
            cases.append(case_values(step.case))
            written.append(step)
            for timer_id in ids:
                if timer_id in step.fired_timers:
                    outcome.fired.append(timer_id)
                else:  # not due by SpiffWorkflow's clock check after all
                    released.append(timer_id)
                    outcome.skipped.append(timer_id)
        if cases:
            connection.execute(CASE_UPDATE, cases)
            writes.execute(connection)
        if released:  # give the lease back
            connection.execute(
                update(TIMERS).where(TIMERS.c.id.in_(released)).values(claimed_by=None, claimed_until=None)
            )
    for step in written:  # committed: keep their workflows for the cases' next steps
        step.case.version += 1  # as CASE_UPDATE set it
        firing.workflows.keep(step.case.id, step.kept())
