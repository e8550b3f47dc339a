"""Benchmark 3b: the managers' case list and statistics pages at 200,000 cases.

Runs on the database the inbox benchmark seeded (cases and open tasks written in bulk), adding
what these pages read and a real run would have written: each case's reported facts (age group,
agency, competent authority, exploitation types, decisions), the audit rows of its reasonable
and conclusive grounds decisions, flags for decisions past their target, and reflection-period
timers. A manager signs in through the Flask test client; server time per request is measured
for a mix of list filters and for the statistics page.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from random import Random

from sqlalchemy import insert, select

from bench.inbox import analyze
from engine import Engine
from engine.persistence.models import (
    AuditEvent,
    Case,
    CaseFact,
    CaseFlagRow,
    CaseStatus,
    OpenTask,
    Timer,
    TimerState,
)
from web import create_app

MANAGER = "bench-manager"
PASSWORD = "bench-password-2026"  # noqa: S105 - a throw-away database
CHUNK = 10_000
WARM_UP = 2
TIMED_LIST = 20
TIMED_STATISTICS = 10
EXPLOITATION_TYPES = ["labour", "sexual", "criminal", "domestic_servitude"]
EXPLOITATION_WEIGHTS = [40, 30, 20, 10]


@dataclass
class PageTiming:
    name: str
    path: str
    ms: list[float] = field(default_factory=list)


@dataclass
class CaseworkResult:
    name: str
    facts: int
    list_views: list[PageTiming]
    statistics_fresh: PageTiming
    statistics_cached: PageTiming

    @property
    def list_ms(self) -> list[float]:
        return [ms for view in self.list_views for ms in view.ms]


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def seed_extras(engine: Engine, progress: Callable[[str], None], name: str) -> int:
    """Facts, decision audit rows, overdue flags and reflection timers for every seeded case."""
    rng = Random(2024)
    with engine.db.reading() as session:
        cases = session.execute(select(Case.id, Case.created_at, Case.status, Case.agency)).all()
        waiting = dict(session.execute(select(OpenTask.case_id, OpenTask.element_id)).all())
    facts: list[dict] = []
    audit: list[dict] = []
    flags: list[dict] = []
    timers: list[dict] = []
    written = 0

    def flush() -> None:
        nonlocal written
        with engine.db.engine.begin() as connection:
            for table, rows in (
                (CaseFact.__table__, facts),
                (AuditEvent.__table__, audit),
                (CaseFlagRow.__table__, flags),
                (Timer.__table__, timers),
            ):
                if rows:
                    connection.execute(insert(table), rows)
        written += len(facts)
        for rows in (facts, audit, flags, timers):
            rows.clear()

    for number, (case_id, created, status, agency) in enumerate(cases, start=1):
        child = rng.random() < 0.4
        fact = {"age_group": "child" if child else "adult", "first_responder_agency": agency}
        fact["competent_authority"] = "UKHTC" if rng.random() < 0.35 else "UKBA"
        for item in set(rng.choices(EXPLOITATION_TYPES, EXPLOITATION_WEIGHTS, k=rng.choice((1, 1, 2)))):
            facts.append({"case_id": case_id, "name": "exploitation_types", "value": item})
        element = waiting.get(case_id)
        decided_rg = status is not CaseStatus.ACTIVE or element in (
            "decide_conclusive_grounds",
            "review_recovery_progress",
            "arrange_support",
            "record_persons_plans",
            "consider_discretionary_leave",
        )
        if decided_rg:
            fact["rg_decision"] = "positive" if rng.random() < 0.85 else "negative"
            audit.append(
                _decision(case_id, created + timedelta(days=rng.uniform(1, 12)), "decide_reasonable_grounds")
            )
            if rng.random() < 0.2:
                flags.append(_flag(case_id, created + timedelta(days=7)))
        if status is CaseStatus.COMPLETED and fact.get("rg_decision") == "positive":
            fact["cg_decision"] = "positive" if rng.random() < 0.75 else "negative"
            audit.append(
                _decision(
                    case_id, created + timedelta(days=rng.uniform(50, 200)), "decide_conclusive_grounds"
                )
            )
        if element == "review_recovery_progress" or (element == "arrange_support" and rng.random() < 0.5):
            timers.append(_timer(case_id, created + timedelta(days=rng.uniform(45, 60))))
        facts.extend({"case_id": case_id, "name": k, "value": v} for k, v in fact.items() if v)
        if len(facts) >= CHUNK:
            flush()
        if number % 50_000 == 0:
            progress(f"{name}: facts, decisions and timers for {number:,} cases")
    flush()
    engine.backfill_summaries(
        lambda n: progress(f"{name}: statistics summaries for {n:,} cases") if n % 50_000 == 0 else None
    )  # as `nrm init` writes them on an upgraded database: from the facts, decisions and flags above
    return written


def _decision(case_id: int, at, element_id: str) -> dict:
    return {
        "case_id": case_id,
        "at": at,
        "actor": "bench",
        "action": "task_completed",
        "task_id": str(uuid.uuid4()),
        "element_id": element_id,
        "detail": {},
    }


def _flag(case_id: int, at) -> dict:
    return {
        "case_id": case_id,
        "kind": "overdue_reasonable_grounds",
        "message": "Past the target",
        "raised_at": at,
    }


def _timer(case_id: int, due) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "case_id": case_id,
        "element_id": "reflection_period_over",
        "name": "End of reflection and recovery period",
        "due_at": due,
        "state": TimerState.WAITING,
        "created_at": due - timedelta(days=45),
        "attempts": 0,
    }


def _views(sample_key: str) -> list[PageTiming]:
    return [
        PageTiming("all cases, newest first", "/cases"),
        PageTiming("active, page 100", "/cases?status=active&page=100"),
        PageTiming("overdue", "/cases?overdue=yes"),
        PageTiming("UKBA children, labour", "/cases?authority=UKBA&age=child&exploitation=labour"),
        PageTiming("waiting for an RG decision", "/cases?step=decide_reasonable_grounds"),
        PageTiming("one agency, three months", "/cases?agency=police&from=2026-06-01&to=2026-08-31"),
        PageTiming("by reference", f"/cases?q={sample_key}"),
    ]


def casework(engine: Engine, sample_key: str, progress: Callable[[str], None], name: str) -> CaseworkResult:
    """Seed what the case list and statistics read, then time their pages."""
    facts = seed_extras(engine, progress, name)
    analyze(engine)
    views, fresh, cached = measure(engine, sample_key, progress, name)
    return CaseworkResult(name, facts, views, fresh, cached)


def measure(
    engine: Engine, sample_key: str, progress: Callable[[str], None], name: str
) -> tuple[list[PageTiming], PageTiming, PageTiming]:
    engine.users.add(MANAGER, PASSWORD, ["manager"], display_name="Bench manager")
    app = create_app(engine, {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    https = {"base_url": "https://localhost"}
    if client.post("/sign-in", data={"username": MANAGER, "password": PASSWORD}, **https).status_code != 302:
        raise RuntimeError(f"{name}: the bench manager could not sign in")
    views = _views(sample_key)
    stats = PageTiming("statistics, counted afresh", "/statistics?fresh=yes")
    cached = PageTiming("statistics, as counted (up to 5 minutes old)", "/statistics")
    for view in [*views, stats, cached]:
        for _ in range(WARM_UP):
            response = client.get(view.path, **https)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {view.path} answered {response.status_code}")
    for _ in range(TIMED_LIST):
        for view in views:
            began = time.perf_counter()
            client.get(view.path, **https)
            view.ms.append((time.perf_counter() - began) * 1000)
    for _ in range(TIMED_STATISTICS):
        for view in (stats, cached):
            began = time.perf_counter()
            client.get(view.path, **https)
            view.ms.append((time.perf_counter() - began) * 1000)
    for view in [*views, stats, cached]:
        median, p95 = statistics.median(view.ms), percentile(view.ms, 95)
        progress(f"{name}: {view.name}: median {median:.0f} ms, p95 {p95:.0f} ms")
    return views, stats, cached
