"""The inbox query: open tasks a person may work on, filtered, sorted by due date, a page at a time.

It reads only the open-task and case tables (indexed), never a workflow.

What a person may see is split into disjoint parts ("arms"): one per group of theirs, and the first
responders' tasks of their agency (a task assigned to them outside those is not theirs to see:
engine/access/task_access.py). Each arm is one
range of the index on (candidate_group, due_at, created_at, case_id, element_id, assignee),
already in page order, so the database reads `offset + limit` entries per arm and merges them
instead of sorting every visible task; and the count is a sum of index-only counts per arm, with
no join to cases unless the arm or a filter needs a case column. Written as one query with
`candidate_group IN (...) OR assignee = ?`, both databases sorted all 50,000 tasks of a group on
every page (docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import add

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from engine.access.rules import FIRST_RESPONDER, is_first_responder, may_work_on, team_groups
from engine.persistence.models import Case, OpenTask
from engine.views import Actor

DUE_SOON = timedelta(days=2)


@dataclass(frozen=True)
class TaskFilter:
    """What the inbox asks for; every field is optional."""

    case_key: str | None = None
    element_id: str | None = None
    due: str | None = None  # "overdue" or "soon" (within two days)
    assigned: str | None = None  # "me" or "nobody"


@dataclass(frozen=True)
class _Arm:
    """Conditions for one disjoint part of the visible tasks; `joins_case` if they name a case column."""

    conditions: tuple
    joins_case: bool = False


def _arms(actor: Actor | None, wanted: TaskFilter) -> list[_Arm]:
    """What `actor` may see, as disjoint arms each readable in page order from one index range: their
    groups' tasks, first responders' of their agency's cases only (engine/access/task_access.py: being a
    task's assignee shows nothing more; "assigned to me" is a filter over these)."""
    if actor is None or actor.is_superuser:
        return [_Arm(())]
    arms = [_Arm((OpenTask.candidate_group == group,)) for group in team_groups(actor)]
    if is_first_responder(actor):
        arms.append(
            _Arm((OpenTask.candidate_group == FIRST_RESPONDER, Case.agency == actor.agency), joins_case=True)
        )
    return arms


def _filters(actor: Actor | None, wanted: TaskFilter, now: datetime) -> list:
    conditions = []
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
    return conditions


def _page_order(columns):
    """Soonest due first, tasks without a due date last, then oldest first; the task id makes it total.
    ASC NULLS LAST is PostgreSQL's index order; SQLite reads its index twice (dated, then undated)."""
    return (
        columns.due_at.asc().nulls_last(),
        columns.created_at,
        columns.case_id,
        columns.element_id,
        columns.id,
    )


def task_page(
    session: Session, actor: Actor | None, wanted: TaskFilter, now: datetime, offset: int, limit: int
) -> tuple[list[tuple[OpenTask, str]], int]:
    """One page of tasks (with their case references) and how many match in all."""
    filters = _filters(actor, wanted, now)
    if wanted.case_key:
        return _one_case(session, actor, wanted.case_key.strip().upper(), filters, offset, limit)
    keys = (OpenTask.id, OpenTask.due_at, OpenTask.created_at, OpenTask.case_id, OpenTask.element_id)
    counts, parts = [], []
    arms = _arms(actor, wanted)
    if not arms:  # in no group: nothing to see
        return [], 0
    for arm in arms:
        count = select(func.count()).select_from(OpenTask)
        part = select(*keys)
        if arm.joins_case:
            count = count.join(Case, Case.id == OpenTask.case_id)
            part = part.join(Case, Case.id == OpenTask.case_id)
        counts.append(count.where(*arm.conditions, *filters).scalar_subquery())
        parts.append(part.where(*arm.conditions, *filters).order_by(*_page_order(OpenTask)))
    total = session.execute(select(reduce(add, counts))).scalar_one()
    if len(parts) == 1:
        page = parts[0].offset(offset).limit(limit).subquery("page")
    else:  # each arm's first offset + limit, merged
        merged = union_all(*(select(*p.limit(offset + limit).subquery().c) for p in parts)).subquery("arms")
        page = select(*merged.c).order_by(*_page_order(merged.c)).offset(offset).limit(limit).subquery("page")
    rows = session.execute(
        select(OpenTask, Case.business_key)
        .join(page, page.c.id == OpenTask.id)
        .join(Case, Case.id == OpenTask.case_id)
        .order_by(*_page_order(OpenTask))
    ).all()
    return [(row, key) for row, key in rows], total


def _one_case(
    session: Session, actor: Actor | None, case_key: str, filters: list, offset: int, limit: int
) -> tuple[list[tuple[OpenTask, str]], int]:
    """A case's open tasks are a handful: read them by its key and keep the visible ones here. (With
    the arms instead, SQLite without ANALYZE statistics read the group's whole index range.)"""
    rows = session.execute(
        select(OpenTask, Case.business_key, Case.agency)
        .join(Case, Case.id == OpenTask.case_id)
        .where(Case.business_key == case_key, *filters)
        .order_by(*_page_order(OpenTask))
    ).all()
    visible = [(row, key) for row, key, agency in rows if _may_see(actor, row, agency)]
    return visible[offset : offset + limit], len(visible)


def _may_see(actor: Actor | None, task: OpenTask, case_agency: str | None) -> bool:
    """`_arms` for one row."""
    return actor is None or may_work_on(actor, task.candidate_group, case_agency)
