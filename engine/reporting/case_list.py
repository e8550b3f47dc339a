"""The managers' case list: filter, search, sort and count cases from indexed tables only (cases,
case_facts, open_tasks, timers); no workflow is loaded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import exists, func, literal, or_, select, union
from sqlalchemy.orm import Session

from engine.persistence.models import (
    Case,
    CaseFact,
    CaseStatus,
    CaseSummary,
    FactSet,
    OpenTask,
    Timer,
    TimerState,
)
from engine.runtime.case_summary import facts_key
from engine.views import CaseRow

SORTS = {
    "newest": (Case.created_at.desc(), Case.id.desc()),
    "oldest": (Case.created_at.asc(), Case.id.asc()),
    "updated": (Case.updated_at.desc(), Case.id.desc()),
    "reference": (Case.business_key.asc(),),
}
SORT_NAMES = tuple(SORTS)  # what a case list may be sorted by, for pages to offer and check


@dataclass(frozen=True)
class CaseFilter:
    """What the case list asks for; every field is optional."""

    status: str | None = None
    step: str | None = None  # element id of an open task or a waiting timer
    facts: tuple[tuple[str, str], ...] = ()  # reported facts, e.g. ("competent_authority", "UKBA")
    agency: str | None = None
    referred_from: date | None = None
    referred_to: date | None = None
    overdue: bool = False
    search: str | None = None  # a case reference, or the start of one
    sort: str = "newest"


def _overdue(now: datetime):
    return exists().where(OpenTask.case_id == Case.id, OpenTask.due_at < now)


def _has_facts(facts: tuple[tuple[str, str], ...], sqlite: bool) -> list:
    """Each (name, value) as it appears in a facts key: `["name","value"]`, exactly (not LIKE,
    which is case-blind on SQLite and would need its wildcards escaped)."""
    position = func.instr if sqlite else func.strpos
    return [position(FactSet.facts_key, facts_key([fact])[1:-1]) > 0 for fact in facts]


def _at_step(case_id, step: str):
    """Waiting at `step`: an open task or a waiting timer there. Two id sets OR-ed (not one
    UNION): PostgreSQL then hashes each set, which is faster there (docs/performance.md)."""
    return or_(
        case_id.in_(select(OpenTask.case_id).where(OpenTask.element_id == step)),
        case_id.in_(select(Timer.case_id).where(Timer.element_id == step, Timer.state == TimerState.WAITING)),
    )


def _fact_sets(facts: tuple[tuple[str, str], ...], sqlite: bool):
    return select(FactSet.id).where(*_has_facts(facts, sqlite))


def _conditions(
    wanted: CaseFilter, now: datetime, with_status: bool = True, paging: bool = False, sqlite: bool = True
) -> list:
    """The filter as SQL conditions. When paging on SQLite, the case id is hidden from the planner
    (`id + 0`) so it walks the sort order's index and stops after one page instead of sorting every
    match (PostgreSQL's planner chooses well without it, and worse with it: measured)."""
    conditions = []
    case_id = Case.id + 0 if paging else Case.id
    if with_status and wanted.status:
        conditions.append(Case.status == CaseStatus(wanted.status))
    if wanted.step:
        conditions.append(_at_step(case_id, wanted.step))
    if len(wanted.facts) > 1:
        # Several facts: the fact sets holding them all (a few thousand rows to search), then their
        # cases from an index, instead of intersecting the facts index's large sets (UKBA, adults).
        sets = _fact_sets(wanted.facts, sqlite)
        conditions.append(case_id.in_(select(CaseSummary.case_id).where(CaseSummary.fact_set_id.in_(sets))))
    elif wanted.facts:
        # One fact: driven by its (name, value) index.
        ((name, value),) = wanted.facts
        conditions.append(
            case_id.in_(select(CaseFact.case_id).where(CaseFact.name == name, CaseFact.value == value))
        )
    if wanted.agency:
        conditions.append(Case.agency == wanted.agency)
    start, end = _referred_between(wanted, now)
    conditions += [Case.created_at >= start] if start else []
    conditions += [Case.created_at < end] if end else []
    if wanted.overdue:  # the soonest due date of each case's open tasks, kept in its summary
        conditions.append(case_id.in_(select(CaseSummary.case_id).where(CaseSummary.next_due_at < now)))
    if wanted.search:
        key = wanted.search.strip().upper()
        conditions.append(Case.business_key == key if len(key) >= 15 else Case.business_key.startswith(key))
    return conditions


LISTED = (
    Case.id,
    Case.business_key,
    Case.status,
    Case.current_step,
    Case.outcome,
    Case.agency,
    Case.created_at,
    Case.updated_at,
)


def _count_query(wanted: CaseFilter, now: datetime, sqlite: bool):
    """Cases matching in each status. Filters on facts or overdue tasks are counted in the case
    summaries, which hold the status, the fact set and the soonest due date: from their indexes,
    instead of looking up each matching case's wide row (slow with many matches, see
    docs/performance.md); a step alone, from the open-task and timer indexes. Anything else counts `cases`
    directly."""
    others = (
        wanted.facts,
        wanted.overdue,
        wanted.search,
        wanted.agency,
        wanted.referred_from,
        wanted.referred_to,
    )
    if wanted.step and not any(others):
        return _count_at_step(wanted.step)
    if wanted.search or not (wanted.facts or wanted.overdue):
        return (
            select(Case.status, func.count())
            .where(*_conditions(wanted, now, False, sqlite=sqlite))
            .group_by(Case.status)
        )
    summary = CaseSummary
    conditions = []
    if wanted.step:
        conditions.append(_at_step(summary.case_id, wanted.step))
    if wanted.facts:
        conditions.append(summary.fact_set_id.in_(_fact_sets(wanted.facts, sqlite)))
    if wanted.agency:
        conditions.append(summary.agency == wanted.agency)
    start, end = _referred_between(wanted, now)
    conditions += [summary.created_at >= start] if start else []
    conditions += [summary.created_at < end] if end else []
    if wanted.overdue:
        conditions.append(summary.next_due_at < now)
    return select(summary.status, func.count()).where(*conditions).group_by(summary.status)


def _count_at_step(step: str):
    """Cases waiting at `step`, per status, without reading the cases: only active and suspended
    cases have open tasks or waiting timers (completing a case leaves none; cancelling closes
    them), so the distinct case ids there are counted from the two indexes, and the few suspended
    ones among them through the status index; the rest are active. Cheaper than a hashed scan
    of every case (docs/performance.md)."""
    waiting = union(
        select(OpenTask.case_id).where(OpenTask.element_id == step),
        select(Timer.case_id).where(Timer.element_id == step, Timer.state == TimerState.WAITING),
    ).subquery()
    suspended = (
        select(func.count())
        .where(Case.status == CaseStatus.SUSPENDED, _at_step(Case.id, step))
        .scalar_subquery()
    )
    total = select(func.count()).select_from(waiting).scalar_subquery()
    return select(literal(CaseStatus.ACTIVE.value), total - suspended).union_all(
        select(literal(CaseStatus.SUSPENDED.value), suspended)
    )


def _referred_between(wanted: CaseFilter, now: datetime) -> tuple[datetime | None, datetime | None]:
    start = end = None
    if wanted.referred_from:
        start = datetime.combine(wanted.referred_from, time(), tzinfo=now.tzinfo)
    if wanted.referred_to:
        end = datetime.combine(wanted.referred_to + timedelta(days=1), time(), tzinfo=now.tzinfo)
    return start, end


def case_page(
    session: Session, wanted: CaseFilter, now: datetime, offset: int, limit: int
) -> tuple[list[CaseRow], int, dict[str, int]]:
    """A page of cases, how many match in all, and how many match in each status."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    counts = dict(session.execute(_count_query(wanted, now, sqlite)).all())
    by_status = {status.value: counts.get(status, 0) for status in CaseStatus}
    total = by_status[wanted.status] if wanted.status else sum(by_status.values())
    query = (
        select(*LISTED, _overdue(now).label("overdue"))  # not the state: large (docs/performance.md)
        .where(*_conditions(wanted, now, paging=sqlite, sqlite=sqlite))
        .order_by(*SORTS.get(wanted.sort, SORTS["newest"]))
        .offset(offset)
        .limit(limit)
    )
    found = session.execute(query).all()
    facts = _facts_of(session, [case.id for case in found])
    rows = [case_row(case, facts.get(case.id, {})) for case in found]
    return rows, total, by_status


def _facts_of(session: Session, case_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    facts: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    if case_ids:
        for case_id, name, value in session.execute(
            select(CaseFact.case_id, CaseFact.name, CaseFact.value)
            .where(CaseFact.case_id.in_(case_ids))
            .order_by(CaseFact.case_id, CaseFact.name, CaseFact.value)
        ):
            facts[case_id][name].append(value)
    return {k: dict(v) for k, v in facts.items()}


def waiting_steps(session: Session) -> list[tuple[str, str, int]]:
    """(element id, name, cases waiting there) for every open task and waiting timer."""
    tasks = session.execute(
        select(OpenTask.element_id, OpenTask.name, func.count(func.distinct(OpenTask.case_id))).group_by(
            OpenTask.element_id, OpenTask.name
        )
    ).all()
    timers = session.execute(
        select(Timer.element_id, Timer.name, func.count(func.distinct(Timer.case_id)))
        .where(Timer.state == TimerState.WAITING)
        .group_by(Timer.element_id, Timer.name)
    ).all()
    merged: dict[str, tuple[str, int]] = {}
    for element_id, name, count in [*tasks, *timers]:
        previous = merged.get(element_id, (name, 0))
        merged[element_id] = (previous[0], previous[1] + count)
    return sorted(((e, n, c) for e, (n, c) in merged.items()), key=lambda row: row[1])


def agencies(session: Session) -> list[str]:
    """The referring agencies cases have (for the agency filter's options)."""
    query = select(Case.agency).where(Case.agency.is_not(None)).distinct().order_by(Case.agency)
    return list(session.scalars(query))


def fact_values(session: Session, name: str) -> list[str]:
    """Every value a reported fact has taken (for a filter's options)."""
    query = select(CaseFact.value).where(CaseFact.name == name).distinct().order_by(CaseFact.value)
    return list(session.scalars(query))


def case_row(case: Any, facts: dict) -> CaseRow:
    """A line of the case list from a row of `LISTED` columns and its `overdue` flag."""
    return CaseRow(
        key=case.business_key,
        status=case.status.value,
        current_step=case.current_step,
        outcome=case.outcome,
        agency=case.agency,
        created_at=case.created_at,
        updated_at=case.updated_at,
        overdue=bool(case.overdue),
        facts=facts,
    )
