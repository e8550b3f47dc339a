"""NRM statistics in the manner of the Home Office's: referrals by month, age group,
exploitation type, agency and competent authority; decision outcomes; time to decision; RG
decisions past their target; reflection periods ending soon. Counted from the case summaries
(one narrow row per case, kept by every step: engine/runtime/case_summary.py) and the timers; no
workflow is loaded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.persistence.models import Case, CaseSummary, FactSet, Timer, TimerState
from engine.reporting.fact_labels import fact_labels
from engine.runtime.case_summary import facts_of_key, referred_month
from engine.runtime.whereabouts import MISSING, WITHDRAWN
from engine.working_days import LONDON

NOT_RECORDED = "not recorded"
Labels = dict[str, dict[str, str]]
BY_MONTH = ("age_group", "exploitation_types")  # charted by month, with "not recorded"
COUNTED = ("competent_authority", "rg_decision", "cg_decision", "outcome_route", "return_home_chosen")


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


def _months(since: datetime, until: datetime) -> tuple[str, str]:
    """[since, until) as referral months; the statistics count whole months."""
    for moment in (since, until):
        if (moment.day, moment.hour, moment.minute, moment.second, moment.microsecond) != (1, 0, 0, 0, 0):
            raise ValueError(f"statistics count whole months: {moment.isoformat()} is not the start of one")
    return referred_month(since), referred_month(until)


@dataclass
class _Counts:
    """Every categorical figure, added up from the period's summary groups."""

    by_month: dict[str, dict[str, dict[str, int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    )  # fact -> month -> value -> referrals
    by_agency: dict[str | None, int] = field(default_factory=lambda: defaultdict(int))
    by_fact: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    rg_made: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # month -> decisions
    rg_late: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    decided: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # days column -> decisions


def _counts(session: Session, months: tuple[str, str]) -> _Counts:
    """One grouped query, read from the month index alone: cases sharing a month, an agency and a
    fact set are one group (far fewer groups than cases: docs/performance.md), added up per
    (month, fact set) first, then spread over each set's facts."""
    month = CaseSummary.referred_month
    query = (
        select(
            month,
            CaseSummary.agency,
            CaseSummary.fact_set_id,
            func.count(),
            func.count(CaseSummary.rg_days),
            func.count(CaseSummary.cg_days),
            func.sum(case((CaseSummary.rg_late, 1), else_=0)),
        )
        .where(month >= months[0], month < months[1])
        .group_by(month, CaseSummary.agency, CaseSummary.fact_set_id)
    )
    counts = _Counts()
    per_set: dict[tuple[str, int], int] = defaultdict(int)
    for referred, agency, set_id, cases, rg_made, cg_made, rg_late in session.execute(query):
        per_set[referred, set_id] += cases
        counts.by_agency[agency] += cases
        counts.rg_made[referred] += rg_made
        counts.rg_late[referred] += rg_late or 0
        counts.decided["rg_days"] += rg_made
        counts.decided["cg_days"] += cg_made
    keys = session.execute(
        select(FactSet.id, FactSet.facts_key).where(FactSet.id.in_({set_id for _, set_id in per_set}))
    ).all()
    facts_of = {set_id: facts_of_key(key) for set_id, key in keys}
    for (referred, set_id), cases in per_set.items():
        facts = facts_of[set_id]
        for name in BY_MONTH:
            for value in facts.get(name) or [NOT_RECORDED]:
                counts.by_month[name][referred][value] += cases
        for name in COUNTED:
            for value in facts.get(name, []):
                counts.by_fact[name][value] += cases
    return counts


def _word(labels: Labels, fact: str, value: str | None) -> str:
    """A value as the forms label it (`labour` -> `Labour exploitation`), else the code in words."""
    if value is None or value == NOT_RECORDED:
        return "Not recorded"
    text = labels.get(fact, {}).get(value) or value.replace("_", " ")
    return text[:1].upper() + text[1:]


def _month_words(month: str) -> str:
    """A referral month (`2026-03`) as people write it: `March 2026`."""
    return f"{datetime.strptime(month, '%Y-%m'):%B %Y}"


def _by_month(table: dict[str, dict[str, int]], title: str, key: str, words) -> Figure:
    series = {value for values in table.values() for value in values}
    ordered = sorted(series - {NOT_RECORDED}) + ([NOT_RECORDED] if NOT_RECORDED in series else [])
    rows = [[_month_words(m), *[table[m].get(s, 0) for s in ordered]] for m in sorted(table)]
    return Figure(key, title, ["Month", *[words(s) for s in ordered]], rows, "stacked")


def _ranked(counts: dict) -> list[tuple]:
    return sorted(counts.items(), key=lambda r: (-r[1], str(r[0])))


def _days_percentiles(
    session: Session, column, months: tuple[str, str], count: int
) -> tuple[float | None, float | None]:
    """The median and 90th percentile of `count` decisions' days, interpolated as
    `statistics.quantiles(method="inclusive")` does: only the two values around each point are
    read, by their position in the days index (not 150,000 values into Python)."""
    month = CaseSummary.referred_month
    unindexed = month + ""  # so the planner walks the days index, not the month index
    decided = (column.is_not(None), unindexed >= months[0], unindexed < months[1])
    if not count:
        return None, None
    points = []
    for share in (50, 90):
        position, fraction = divmod(share * (count - 1), 100)
        pair = session.scalars(
            select(column).where(*decided).order_by(column).offset(position).limit(2)
        ).all()
        upper = pair[1] if len(pair) > 1 else pair[0]
        points.append(pair[0] + (upper - pair[0]) * fraction / 100)
    return points[0], points[1]


def figures(session: Session, since: datetime, until: datetime, now: datetime) -> list[Figure]:
    """Every figure for referrals made in [since, until), whole months."""
    months = _months(since, until)
    counts = _counts(session, months)
    labels = fact_labels(session)
    result = [
        _by_month(
            counts.by_month["age_group"],
            "Referrals by month: adults and children",
            "by-age",
            lambda value: _word(labels, "age_group", value),
        ),
        _by_month(
            counts.by_month["exploitation_types"],
            "Referrals by month and exploitation type",
            "by-exploitation",
            lambda value: _word(labels, "exploitation_types", value),
        ),
    ]
    result[-1] = Figure(
        **{**result[-1].__dict__, "note": "A referral with several exploitation types counts under each."}
    )
    result.append(
        Figure(
            "by-agency",
            "Referrals by first responder agency",
            ["Agency", "Referrals"],
            [[_word(labels, "first_responder_agency", a), n] for a, n in _ranked(counts.by_agency)],
        )
    )
    result.append(
        Figure(
            "by-authority",
            "Referrals by competent authority",
            ["Competent authority", "Referrals"],
            [
                [_word(labels, "competent_authority", a), n]
                for a, n in _ranked(counts.by_fact["competent_authority"])
            ],
        )
    )
    outcomes = []
    for fact, label in (("rg_decision", "Reasonable grounds"), ("cg_decision", "Conclusive grounds")):
        decided = counts.by_fact[fact]
        outcomes.append([label, decided.get("positive", 0), decided.get("negative", 0)])
    result.append(
        Figure(
            "outcomes",
            "Decisions: positive and negative",
            ["Decision", "Positive", "Negative"],
            outcomes,
            note="The latest decision of each case (after any reconsideration).",
        )
    )
    result.append(_routes(counts, labels))
    result.append(_missing_and_withdrawn(session, months))
    timing = []
    for column, label in (
        (CaseSummary.rg_days, "Referral to reasonable grounds decision"),
        (CaseSummary.cg_days, "Referral to conclusive grounds decision"),
    ):
        decisions = counts.decided[column.key]
        median, p90 = _days_percentiles(session, column, months, decisions)
        timing.append([label, decisions, _round(median), _round(p90)])
    result.append(
        Figure(
            "time-to-decision",
            "Time to decision (days)",
            ["Stage", "Decisions", "Median days", "90th percentile days"],
            timing,
            "none",
        )
    )
    result.append(_past_target(counts))
    result.append(_ending_soon(session, now))
    return result


def _routes(counts: _Counts, labels: Labels) -> Figure:
    """What happened next: the outcome routes, and how many were a return home chosen during the
    reflection and recovery period (before any conclusive grounds decision)."""
    during = counts.by_fact["return_home_chosen"].get("true", 0)
    return Figure(
        "outcome-routes",
        "What happened next",
        ["Route", "Cases"],
        [[_word(labels, "outcome_route", r), n] for r, n in _ranked(counts.by_fact["outcome_route"])],
        note=f"After a positive conclusive grounds decision, or a return home chosen during the reflection "
        f"and recovery period: {during:,} {'case' if during == 1 else 'cases'} of these.",
    )


# How the NRM figures of 2012/13 reported cases that ended without a decision, beside the decisions.
NO_DECISION_OUTCOMES = (MISSING, WITHDRAWN)


def _missing_and_withdrawn(session: Session, months: tuple[str, str]) -> Figure:
    """Cases suspended because the person is missing, and cases withdrawn because they left the UK."""
    month = CaseSummary.referred_month
    query = (
        select(Case.outcome, func.count())
        .join(CaseSummary, CaseSummary.case_id == Case.id)
        .where(month >= months[0], month < months[1], Case.outcome.in_(NO_DECISION_OUTCOMES))
        .group_by(Case.outcome)
    )
    counted = {outcome: cases for outcome, cases in session.execute(query)}
    return Figure(
        "suspended-withdrawn",
        "Cases suspended or withdrawn",
        ["Outcome", "Cases"],
        [
            ["Suspended: the person is missing", counted.get(MISSING, 0)],
            ["Withdrawn: the person left the UK", counted.get(WITHDRAWN, 0)],
        ],
        note="Suspended cases resume if the person is found; withdrawn cases have ended.",
    )


def _round(value: float | None) -> float | str:
    return "–" if value is None else round(value, 1)


def _past_target(counts: _Counts) -> Figure:
    months = sorted(set(counts.rg_made) | set(counts.rg_late))
    rows = [
        [_month_words(m), counts.rg_made[m], counts.rg_late[m]]
        for m in months
        if counts.rg_made[m] or counts.rg_late[m]
    ]
    return Figure(
        "rg-past-target",
        "Reasonable grounds decisions past the 5-working-day target",
        ["Month referred", "Reasonable grounds decisions made", "Past the target"],
        rows,
        note="Past the target: the decision was still open at the end of the 5th working day.",
    )


def _day(moment: datetime) -> str:
    """A moment's day in London, GOV.UK style: `19 April 2026`."""
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}"


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
    rows = [[key, _day(due)] for key, due in session.execute(query)]
    return Figure(
        "reflection-ending",
        "Reflection and recovery periods ending in the next 7 days",
        ["Case", "Period ends"],
        rows,
        "none",
        links={key: key for key, _ in rows},
    )
