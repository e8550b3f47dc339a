"""Issue 18 item 8: a person who goes missing (the case is suspended, its clocks stopped) or leaves
the UK (the case is withdrawn and ends). The outcomes are kept in the case's `outcome`, where the
statistics count them."""

from __future__ import annotations

from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.persistence.models import AuditEvent, Case, Timer, TimerState
from engine.runtime.step import Step

MISSING = "Suspended (the person is missing)"
WITHDRAWN = "Withdrawn (left the UK)"


def suspended_since(session: Session, case: Case) -> datetime | None:
    """When the case was last suspended (its latest `case_suspended` audit row)."""
    return session.scalar(
        select(AuditEvent.at)
        .where(AuditEvent.case_id == case.id, AuditEvent.action == "case_suspended")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )


def stop_clocks_while_missing(step: Step, session: Session, case: Case, since: datetime) -> timedelta:
    """Move every waiting timer of the case later by the time the person was missing, in the
    workflow (the moment SpiffWorkflow compares with the clock) and in the timers table (the moment
    the scheduler fires it): the clocks stood still while the case was suspended. Returns the time."""
    workflow = step.load_workflow()
    paused = step.now - since
    if paused <= timedelta(0):
        return timedelta(0)
    for task in workflow.event_manager.tasks.values():
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition) or not task.has_state(TaskState.WAITING):
            continue
        due = task._get_internal_data("event_value")
        if isinstance(due, str):  # a date or a duration's end; a cycle's value is left alone
            task._set_internal_data(event_value=(TimerEventDefinition.get_datetime(due) + paused).isoformat())
    rows = session.execute(
        select(Timer.id, Timer.due_at).where(Timer.case_id == case.id, Timer.state == TimerState.WAITING)
    ).all()
    for timer_id, due_at in rows:
        session.execute(update(Timer).where(Timer.id == timer_id).values(due_at=due_at + paused))
    return paused
