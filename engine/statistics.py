"""NRM statistics in the manner of the Home Office's: referrals by month, age group,
exploitation type, agency and competent authority; decision outcomes; time to decision; RG
decisions past their target; reflection periods ending soon. All aggregated in SQL over indexed
tables (cases, case_facts, audit_events, case_flags, timers); no workflow is loaded."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import AuditEvent, Case, CaseFact, CaseFlagRow, Timer, TimerState

NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Figure:
    """One figure: a table (first column the category) and how to chart it."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: str = "bar"  # "bar", "stacked" (bars by month, stacked by series) or "none"
    note: str = ""
    links: dict[str, str] = field(default_factory=dict)  # first-column value -> case reference


def _month(session: Session, column):
    if session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def _in_period(since: datetime, until: datetime):
    return (Case.created_at >= since) & (Case.created_at < until)


def _by_month(session: Session, fact: str, since: datetime, until: datetime, title: str, key: str) -> Figure:
    month = _month(session, Case.created_at).label("month")
    value = func.coalesce(CaseFact.value, NOT_RECORDED).label("value")
    query = (
        select(month, value, func.count())
        .select_from(Case)
        .outerjoin(CaseFact, (CaseFact.case_id == Case.id) & (CaseFact.name == fact))
        .where(_in_period(since, until))
        .group_by(month, value)
    )
    table: dict[str, dict[str, int]] = defaultdict(dict)
    series: set[str] = set()
    for month_value, fact_value, count in session.execute(query):
        table[month_value][fact_value] = count
        series.add(fact_value)
    ordered = sorted(series - {NOT_RECORDED}) + ([NOT_RECORDED] if NOT_RECORDED in series else [])
    rows = [[m, *[table[m].get(s, 0) for s in ordered]] for m in sorted(table)]
    return Figure(key, title, ["Month", *ordered], rows, "stacked")


def _count_by(session: Session, column, since: datetime, until: datetime, fact: str | None = None):
    query = select(column, func.count()).select_from(Case).where(_in_period(since, until))
    if fact is not None:
        query = query.join(CaseFact, (CaseFact.case_id == Case.id) & (CaseFact.name == fact))
    return sorted(session.execute(query.group_by(column)).all(), key=lambda r: (-r[1], str(r[0])))


def _days_to(session: Session, element_id: str, since: datetime, until: datetime) -> list[float]:
    first = (
        select(AuditEvent.case_id, func.min(AuditEvent.at).label("decided"))
        .where(AuditEvent.action == "task_completed", AuditEvent.element_id == element_id)
        .group_by(AuditEvent.case_id)
        .subquery()
    )
    days = _days_between(session, Case.created_at, first.c.decided)
    query = select(days).join(first, first.c.case_id == Case.id).where(_in_period(since, until))
    return sorted(float(d) for d in session.scalars(query))  # computed in SQL: no datetime per row here


def _days_between(session: Session, start, end):
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return func.extract("epoch", end - start) / 86400


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def figures(session: Session, since: datetime, until: datetime, now: datetime) -> list[Figure]:
    """Every figure for referrals made in [since, until)."""
    result = [
        _by_month(session, "age_group", since, until, "Referrals by month: adults and children", "by-age"),
        _by_month(
            session,
            "exploitation_types",
            since,
            until,
            "Referrals by month and exploitation type",
            "by-exploitation",
        ),
    ]
    result[-1] = Figure(
        **{**result[-1].__dict__, "note": "A referral with several exploitation types counts under each."}
    )
    agencies = _count_by(session, Case.agency, since, until)
    result.append(
        Figure(
            "by-agency",
            "Referrals by first responder agency",
            ["Agency", "Referrals"],
            [[(a or NOT_RECORDED).replace("_", " "), n] for a, n in agencies],
        )
    )
    authorities = _count_by(session, CaseFact.value, since, until, "competent_authority")
    result.append(
        Figure(
            "by-authority",
            "Referrals by competent authority",
            ["Competent authority", "Referrals"],
            [list(r) for r in authorities],
        )
    )
    outcomes = []
    for fact, label in (("rg_decision", "Reasonable grounds"), ("cg_decision", "Conclusive grounds")):
        counts = dict(_count_by(session, CaseFact.value, since, until, fact))
        outcomes.append([label, counts.get("positive", 0), counts.get("negative", 0)])
    result.append(
        Figure(
            "outcomes",
            "Decisions: positive and negative",
            ["Decision", "Positive", "Negative"],
            outcomes,
            note="The latest decision of each case (after any reconsideration).",
        )
    )
    timing = []
    for element_id, label in (
        ("decide_reasonable_grounds", "Referral to reasonable grounds decision"),
        ("decide_conclusive_grounds", "Referral to conclusive grounds decision"),
    ):
        days = _days_to(session, element_id, since, until)
        median, p90 = _percentile(days, 0.5), _percentile(days, 0.9)
        timing.append([label, len(days), _round(median), _round(p90)])
    result.append(
        Figure(
            "time-to-decision",
            "Time to decision (days)",
            ["Stage", "Decisions", "Median days", "90th percentile days"],
            timing,
            "none",
        )
    )
    result.append(_past_target(session, since, until))
    result.append(_ending_soon(session, now))
    return result


def _round(value: float | None) -> float | str:
    return "–" if value is None else round(value, 1)


def _past_target(session: Session, since: datetime, until: datetime) -> Figure:
    month = _month(session, Case.created_at).label("month")
    decided = (
        select(AuditEvent.case_id)
        .where(AuditEvent.action == "task_completed", AuditEvent.element_id == "decide_reasonable_grounds")
        .distinct()
        .subquery()
    )
    late = (
        select(CaseFlagRow.case_id)
        .where(CaseFlagRow.kind == "overdue_reasonable_grounds")
        .distinct()
        .subquery()
    )
    query = (
        select(month, func.count(decided.c.case_id), func.count(late.c.case_id))
        .select_from(Case)
        .outerjoin(decided, decided.c.case_id == Case.id)
        .outerjoin(late, late.c.case_id == Case.id)
        .where(_in_period(since, until))
        .group_by(month)
        .order_by(month)
    )
    rows = [[m, made, flagged] for m, made, flagged in session.execute(query) if made or flagged]
    return Figure(
        "rg-past-target",
        "Reasonable grounds decisions past the 5-working-day target",
        ["Month referred", "RG decisions made", "Past the target"],
        rows,
        note="Past the target: the decision was still open at the end of the 5th working day.",
    )


def _ending_soon(session: Session, now: datetime) -> Figure:
    query = (
        select(Case.business_key, Timer.due_at)
        .join(Case, Case.id == Timer.case_id)
        .where(
            Timer.element_id == "reflection_period_over",
            Timer.state == TimerState.WAITING,
            Timer.due_at >= now,
            Timer.due_at < now + timedelta(days=7),
        )
        .order_by(Timer.due_at)
    )
    rows = [[key, due.date().isoformat()] for key, due in session.execute(query)]
    return Figure(
        "reflection-ending",
        "Reflection and recovery periods ending in the next 7 days",
        ["Case", "Period ends"],
        rows,
        "none",
        links={key: key for key, _ in rows},
    )
