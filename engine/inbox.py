"""The inbox query: open tasks a person may work on, filtered, sorted by due date, a page at a time.

It reads only the open-task and case tables (indexed), never a workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from engine.models import Case, OpenTask
from engine.views import FIRST_RESPONDER, Actor

DUE_SOON = timedelta(days=2)


@dataclass(frozen=True)
class TaskFilter:
    """What the inbox asks for; every field is optional."""

    case_key: str | None = None
    element_id: str | None = None
    due: str | None = None  # "overdue" or "soon" (within two days)
    assigned: str | None = None  # "me" or "nobody"


def visible_to(actor: Actor):
    """The SQL condition for tasks `actor` may see: their groups' (first responders: their agency's
    cases only) and those assigned to them."""
    if actor.is_superuser:
        return True
    groups = set(actor.groups)
    condition = OpenTask.candidate_group.in_(groups - {FIRST_RESPONDER})
    if FIRST_RESPONDER in groups:
        condition = or_(
            condition, and_(OpenTask.candidate_group == FIRST_RESPONDER, Case.agency == actor.agency)
        )
    return or_(condition, OpenTask.assignee == actor.username)


def task_page(
    session: Session, actor: Actor | None, wanted: TaskFilter, now: datetime, offset: int, limit: int
) -> tuple[list[tuple[OpenTask, str]], int]:
    """One page of tasks (with their case references) and how many match in all."""
    conditions = []
    if actor is not None:
        conditions.append(visible_to(actor))
    if wanted.case_key:
        conditions.append(Case.business_key == wanted.case_key.strip().upper())
    if wanted.element_id:
        conditions.append(OpenTask.element_id == wanted.element_id)
    if wanted.due == "overdue":
        conditions.append(OpenTask.due_at < now)
    elif wanted.due == "soon":
        conditions.append(OpenTask.due_at.between(now, now + DUE_SOON))
    if wanted.assigned == "me" and actor is not None:
        conditions.append(OpenTask.assignee == actor.username)
    elif wanted.assigned == "nobody":
        conditions.append(OpenTask.assignee.is_(None))
    base = select(OpenTask, Case.business_key).join(Case, Case.id == OpenTask.case_id).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    rows = session.execute(
        base.order_by(
            OpenTask.due_at.is_(None), OpenTask.due_at, OpenTask.created_at, Case.id, OpenTask.element_id
        )
        .offset(offset)
        .limit(limit)
    ).all()
    return [(row, key) for row, key in rows], total
