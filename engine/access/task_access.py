"""Who may do what with one user task: one rule for the inbox, the API and the CLI.

A task belongs to its candidate group (its lane) on a case referred by an agency. Viewing its
form, claiming and completing it need `rules.may_work_on(actor, group, agency)`: the group and, for first
responders, the referring agency. Managers (who see every case) may also view any task, assign it
to someone who may work on it, and release it. Being the assignee grants nothing: someone moved
out of the group or agency cannot work on the task any more.

The rule is checked before anything else is said about a task, so that "not found", "completed by"
or "claimed by" tells nothing about a case the actor may not see.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.rules import is_manager, may_work_on
from engine.access.users import person_name
from engine.errors import EngineError, Forbidden, TaskAlreadyCompleted, TaskNotFound
from engine.persistence.models import AuditEvent, Case
from engine.views import Actor

VIEW, CLAIM, RELEASE, ASSIGN, COMPLETE = (
    "task_viewed",
    "task_claimed",
    "task_released",
    "task_assigned",
    "task_completed",
)
_MANAGERS_MAY = frozenset({VIEW, RELEASE, ASSIGN})
# A refusal says what is wrong; the inbox and the API add what to do next (ask a manager; an admin).
NOT_YOURS = "This task is for another team, or for another agency's referral"
ONLY_MANAGERS_ASSIGN = "Only a manager may assign a task"

Target = tuple[int | None, str | None, str | None]  # case id, task id, element id: what a refusal names


def may(actor: Actor, action: str, group: str | None, case_agency: str | None) -> bool:
    """Whether `actor` may do `action` to a task of `group` on a case referred by `case_agency`
    (`group` None: not known, so only managers may see it)."""
    if is_manager(actor) and action in _MANAGERS_MAY:
        return True
    if action == ASSIGN:
        return False
    return group is not None and may_work_on(actor, group, case_agency)


def require(actor: Actor, action: str, group: str | None, case_agency: str | None, target: Target) -> None:
    """Raise Forbidden (naming what to audit) unless `actor` may do `action` to the task."""
    if not may(actor, action, group, case_agency):
        message = ONLY_MANAGERS_ASSIGN if action == ASSIGN and not is_manager(actor) else NOT_YOURS
        raise Forbidden(message, action=action, target=target)


def closed_task(session: Session, task_id: str, actor: Actor, action: str) -> EngineError:
    """The answer for a task that is not open, from the audit trail: the refusal any task of a case
    the actor may not see gets; else who completed it; else that it is closed or was never there.

    The task's group is in its `task_opened` row (recorded since the first version of the engine);
    if it is missing, only managers are told more than the refusal."""
    said = (AuditEvent.action, AuditEvent.actor, AuditEvent.case_id, AuditEvent.element_id, AuditEvent.detail)
    rows = session.execute(
        select(*said, Case.agency, Case.business_key)
        .join(Case, Case.id == AuditEvent.case_id)
        .where(AuditEvent.task_id == task_id, AuditEvent.action.in_(("task_opened", COMPLETE)))
    ).all()
    if not rows:
        return TaskNotFound("There is no task with this reference. Go back to your tasks and choose one.")
    opened = [row.detail for row in rows if row.action == "task_opened" and row.detail]
    group = opened[0].get("group") if opened else None
    first = rows[0]
    if not may(actor, VIEW, group, first.agency):
        return Forbidden(NOT_YOURS, action=action, target=(first.case_id, task_id, first.element_id))
    completed_by = next((row.actor for row in rows if row.action == COMPLETE), None)
    if completed_by is not None:
        return already_completed(session, completed_by, first.business_key)
    return TaskNotFound("This task is closed: its case moved on without it. Go back to your tasks.")


def already_completed(
    session: Session, completed_by: str, case_key: str | None = None
) -> TaskAlreadyCompleted:
    """Who completed a task, by name, for someone who may see it (and on which case)."""
    name = person_name(session, completed_by)
    return TaskAlreadyCompleted(
        f"This task was completed already by {name}; nothing was changed.", completed_by, name, case_key
    )
