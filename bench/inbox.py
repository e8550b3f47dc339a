"""Benchmark 3a: the inbox page for a group with 50,000 open tasks among 200,000 cases.

Running 200,000 cases through the engine would take hours, and the inbox never loads a workflow:
it reads only the case and open-task tables. So the real bundle is deployed (the cases need a
definition) and the rows are written directly, in bulk, shaped like the demo's: cases referred
over twelve months; a quarter of them waiting on the UKBA competent authority (reasonable and
conclusive grounds decisions, recovery reviews), due dates from a month overdue to 45 days
ahead, one in five claimed by one of 100 caseworkers (the bench user is one of them); the rest
waiting on other groups (UKHTC, support providers, immigration, returns, local authorities, first
responders of six agencies) or closed.

Then a UKBA caseworker signs in through the Flask test client and the page is timed (server
time: `client.get` in the same process, no network) for a mix of views; `engine.task_page`
alone is timed too, to show the split between SQL and the rest (sign-in check, template).
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from sqlalchemy import func, insert, select, text

from engine import Engine, EngineConfig, TaskFilter
from engine.config import PROJECT_ROOT
from engine.persistence.models import Case, CaseStatus, DefinitionVersion, OpenTask
from engine.spec.serialization import EMPTY_STATE
from web import create_app
from web.cli.demo import DEMO_AGENCIES
from web.inbox.routes import PAGE_SIZE

GROUP = "competent-authority-ukba"
BENCH_USER = "bench-ukba"
PASSWORD = "bench-password-2026"  # noqa: S105 - a throw-away database
CASEWORKERS = 100  # per group; the bench user is one of the UKBA ones
ASSIGNED_SHARE = 0.2
UNDATED_SHARE = 0.04  # tasks without a due date (they sort last)
CHUNK = 5_000
PROGRESS_EVERY = 20_000
WARM_UP = 3
TIMED = 30  # requests per view

# element id -> (name, process id, lane, form)
TASKS = {
    "decide_reasonable_grounds": (
        "Make the reasonable grounds decision",
        "nrm_reasonable_grounds",
        "Competent authority",
        "reasonable-grounds-decision.json",
    ),
    "decide_conclusive_grounds": (
        "Make the conclusive grounds decision",
        "nrm_conclusive_grounds",
        "Competent authority",
        "conclusive-grounds-decision.json",
    ),
    "review_recovery_progress": (
        "Review recovery progress",
        "nrm_reflection_recovery",
        "Competent authority",
        "recovery-review.json",
    ),
    "arrange_support": (
        "Arrange support and safe accommodation",
        "nrm_reflection_recovery",
        "Support provider",
        "support-and-accommodation.json",
    ),
    "record_persons_plans": (
        "Record the person's plans",
        "nrm_pathway",
        "Support provider",
        "persons-plans.json",
    ),
    "contact_embassy": (
        "Put the person in touch with their embassy",
        "nrm_pathway",
        "Support provider",
        "embassy-contact.json",
    ),
    "consider_discretionary_leave": (
        "Consider discretionary leave",
        "nrm_discretionary_leave",
        "Immigration",
        "discretionary-leave.json",
    ),
    "arrange_voluntary_return": (
        "Arrange assisted voluntary return (AVRIM)",
        "nrm_assisted_voluntary_return",
        "Returns",
        "assisted-voluntary-return.json",
    ),
    "confirm_departure": (
        "Confirm departure",
        "nrm_assisted_voluntary_return",
        "Returns",
        "departure-confirmation.json",
    ),
    "confirm_safeguarding": (
        "Confirm safeguarding arrangements",
        "nrm_child_referral",
        "Local authority",
        "safeguarding-arrangements.json",
    ),
    "ask_adult_consent": (
        "Ask for the adult's consent",
        "nrm_adult_referral",
        "First responder",
        "adult-consent.json",
    ),
    "complete_adult_referral": (
        "Complete the adult referral form",
        "nrm_adult_referral",
        "First responder",
        "adult-referral-form.json",
    ),
    "decide_on_reconsideration": (
        "Decide whether to ask for reconsideration",
        "nrm_negative_decision",
        "First responder",
        "reconsideration-request.json",
    ),
}
DECISIONS = [
    ("decide_reasonable_grounds", 45),
    ("decide_conclusive_grounds", 45),
    ("review_recovery_progress", 10),
]
# Cases not waiting on UKBA: (share, group, [(element id, weight)]); group None: closed, no open task.
OTHERS = [
    (0.20, "competent-authority-ukhtc", DECISIONS),
    (
        0.10,
        "support-provider",
        [("arrange_support", 50), ("record_persons_plans", 35), ("contact_embassy", 15)],
    ),
    (0.05, "immigration", [("consider_discretionary_leave", 1)]),
    (
        0.08,
        "first-responder",
        [("ask_adult_consent", 20), ("complete_adult_referral", 50), ("decide_on_reconsideration", 30)],
    ),
    (0.02, "returns", [("arrange_voluntary_return", 60), ("confirm_departure", 40)]),
    (0.01, "local-authority", [("confirm_safeguarding", 1)]),
    (0.54, None, []),
]
OUTCOMES = [
    "Discretionary leave decided",
    "Negative reasonable grounds decision",
    "Negative conclusive grounds decision",
    "Assisted voluntary return closed",
    "Put in touch with embassy (EEA national)",
    "Support continues (UK national)",
    "Not referred: no consent",
]


@dataclass
class ViewTiming:
    name: str
    path: str
    matching: int = 0
    page_ms: list[float] = field(default_factory=list)
    query_ms: list[float] = field(default_factory=list)


@dataclass
class InboxResult:
    name: str
    cases: int
    group_tasks: int
    open_tasks: int
    seed_seconds: float
    views: list[ViewTiming]
    casework: Any = None  # benchmark 3b's result, measured on the same database
    task_page: Any = None  # benchmark 3c's result, measured on the same database

    @property
    def page_ms(self) -> list[float]:
        return [ms for view in self.views for ms in view.page_ms]

    @property
    def median(self) -> float:
        return statistics.median(self.page_ms)

    @property
    def p95(self) -> float:
        return percentile(self.page_ms, 95)


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


@dataclass
class _Plan:
    """One case before it is written: when it was referred and what it waits for."""

    created_at: datetime
    group: str | None
    element_id: str | None = None
    task_created_at: datetime | None = None
    due_at: datetime | None = None
    assignee: str | None = None
    also_support: bool = False  # a recovery review waits alongside the support provider's task


def _pick(rng: Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _plans(cases: int, group_tasks: int, now: datetime, rng: Random) -> list[_Plan]:
    year_ago = now - timedelta(days=365)
    others = cases - group_tasks
    groups = [GROUP] * group_tasks
    for share, group, _ in OTHERS[:-1]:
        groups += [group] * round(others * share)
    groups += [None] * (cases - len(groups))
    elements = {GROUP: DECISIONS} | {group: weighted for _, group, weighted in OTHERS}
    plans = []
    for group in groups:
        if group is None:
            plans.append(_Plan(year_ago + timedelta(seconds=rng.uniform(0, 365 * 86400)), None))
            continue
        due = now + timedelta(minutes=rng.randint(-30 * 1440, 45 * 1440))
        opened = min(due - timedelta(minutes=rng.randint(5 * 1440, 45 * 1440)), now - timedelta(minutes=1))
        created = max(opened - timedelta(minutes=rng.randint(0, 150 * 1440)), year_ago)
        element = _pick(rng, elements[group])
        assignee = None
        if rng.random() < ASSIGNED_SHARE:
            assignee = f"{group.split('-')[-1]}-{rng.randint(1, CASEWORKERS):03d}"
            if assignee == "ukba-001":
                assignee = BENCH_USER
        plans.append(
            _Plan(
                created,
                group,
                element,
                opened,
                None if rng.random() < UNDATED_SHARE else due,
                assignee,
                element == "review_recovery_progress" and rng.random() < 0.5,
            )
        )
    plans.sort(key=lambda p: p.created_at)
    return plans


def _task_row(case_id: int, plan: _Plan, element_id: str, group: str, assignee: str | None) -> dict:
    name, process_id, lane, form = TASKS[element_id]
    return {
        "id": str(uuid.uuid4()),
        "case_id": case_id,
        "element_id": element_id,
        "name": name,
        "process_id": process_id,
        "lane": lane,
        "candidate_group": group,
        "form": form,
        "assignee": assignee,
        "created_at": plan.task_created_at,
        "due_at": plan.due_at,
    }


def _rows(plans: list[_Plan], definition_id: int, now: datetime, rng: Random) -> Iterator[tuple[dict, list]]:
    """(case row, its open-task rows) in the order the cases were referred, with yearly keys."""
    numbers: dict[int, int] = {}
    for case_id, plan in enumerate(plans, start=1):
        year = plan.created_at.year
        numbers[year] = numbers.get(year, 0) + 1
        agency = rng.choice(DEMO_AGENCIES)
        tasks = []
        if plan.group is not None:
            tasks.append(_task_row(case_id, plan, plan.element_id, plan.group, plan.assignee))
            if plan.also_support:
                tasks.append(_task_row(case_id, plan, "arrange_support", "support-provider", None))
        ended = None
        if plan.group is None:
            ended = min(plan.created_at + timedelta(days=rng.randint(20, 300)), now)
        cancelled = ended is not None and rng.random() < 0.03
        case = {
            "id": case_id,
            "business_key": f"NRM-{year}-{numbers[year]:06d}",
            "definition_id": definition_id,
            "status": CaseStatus.ACTIVE
            if ended is None
            else CaseStatus.CANCELLED
            if cancelled
            else CaseStatus.COMPLETED,
            "state": EMPTY_STATE,  # the inbox never loads a workflow
            "serializer_version": "1.5",
            "version": 1 + len(tasks),
            "current_step": "; ".join(TASKS[t["element_id"]][0] for t in tasks) or None,
            "outcome": None if ended is None or cancelled else rng.choice(OUTCOMES),
            "created_by": f"fr-{agency}",
            "agency": agency,
            "created_at": plan.created_at,
            "updated_at": plan.task_created_at or ended,
            "ended_at": ended,
        }
        yield case, tasks


def seed(engine: Engine, cases: int, group_tasks: int, progress: Callable[[str], None], name: str) -> str:
    """Write the cases and open tasks; returns the key of a case with a UKBA task (for a filter)."""
    now = datetime.now(UTC)
    rng = Random(2013)
    with engine.db.reading() as session:
        definition_id = session.scalar(
            select(func.max(DefinitionVersion.id)).where(DefinitionVersion.process_id == "nrm_pathway")
        )
    plans = _plans(cases, group_tasks, now, rng)
    case_table, task_table = Case.__table__, OpenTask.__table__
    sample_key = None
    chunk_cases: list[dict] = []
    chunk_tasks: list[dict] = []

    def flush() -> None:
        with engine.db.engine.begin() as connection:
            connection.execute(insert(case_table), chunk_cases)
            if chunk_tasks:
                connection.execute(insert(task_table), chunk_tasks)
        chunk_cases.clear()
        chunk_tasks.clear()

    for number, (case, tasks) in enumerate(_rows(plans, definition_id, now, rng), start=1):
        chunk_cases.append(case)
        chunk_tasks.extend(tasks)
        if sample_key is None and number > cases // 2 and tasks and tasks[0]["candidate_group"] == GROUP:
            sample_key = case["business_key"]
        if len(chunk_cases) >= CHUNK:
            flush()
        if number % PROGRESS_EVERY == 0:
            progress(f"{name}: {number:,}/{cases:,} cases written")
    if chunk_cases:
        flush()
    return sample_key


def analyze(engine: Engine) -> None:
    """Planner statistics, as a maintained database has them (autovacuum on PostgreSQL)."""
    if engine.db.is_sqlite:
        with engine.db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    else:
        with engine.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def _views(sample_key: str) -> list[tuple[ViewTiming, TaskFilter, int]]:
    """The views timed: (timing, the same view as an engine filter, its page)."""
    return [
        (ViewTiming("first page, by due date", "/tasks"), TaskFilter(), 1),
        (ViewTiming("page 50", "/tasks?page=50"), TaskFilter(), 50),
        (ViewTiming("overdue", "/tasks?due=overdue"), TaskFilter(due="overdue"), 1),
        (ViewTiming("assigned to me", "/tasks?assigned=me"), TaskFilter(assigned="me"), 1),
        (
            ViewTiming("reasonable grounds decisions", "/tasks?task=decide_reasonable_grounds"),
            TaskFilter(element_id="decide_reasonable_grounds"),
            1,
        ),
        (ViewTiming("one case", f"/tasks?case={sample_key}"), TaskFilter(case_key=sample_key), 1),
    ]


def measure(engine: Engine, sample_key: str, progress: Callable[[str], None], name: str) -> list[ViewTiming]:
    user = engine.users.add(BENCH_USER, PASSWORD, [GROUP], display_name="Bench caseworker (UKBA)")
    app = create_app(engine, {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    https = {"base_url": "https://localhost"}
    signed_in = client.post("/sign-in", data={"username": BENCH_USER, "password": PASSWORD}, **https)
    if signed_in.status_code != 302:
        raise RuntimeError(f"{name}: the bench user could not sign in ({signed_in.status_code})")
    views = _views(sample_key)
    for view, wanted, page in views:
        for _ in range(WARM_UP):
            response = client.get(view.path, **https)
            if response.status_code != 200 or b"govuk-table" not in response.data:
                raise RuntimeError(f"{name}: {view.path} answered {response.status_code} without a table")
        offset = (page - 1) * PAGE_SIZE
        view.matching = engine.task_page(wanted, user.actor, offset=offset, limit=PAGE_SIZE)[1]
    for _ in range(TIMED):  # round robin, so a slow moment is spread over the views
        for view, _wanted, _page in views:
            began = time.perf_counter()
            client.get(view.path, **https)
            view.page_ms.append((time.perf_counter() - began) * 1000)
    for _ in range(TIMED):
        for view, wanted, page in views:
            began = time.perf_counter()
            engine.task_page(wanted, user.actor, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
            view.query_ms.append((time.perf_counter() - began) * 1000)
    for view, _, _ in views:
        page, query = statistics.median(view.page_ms), statistics.median(view.query_ms)
        progress(
            f"{name}: {view.name} ({view.matching:,} tasks): page median {page:.1f} ms, "
            f"p95 {percentile(view.page_ms, 95):.1f} ms; task_page median {query:.1f} ms"
        )
    return [view for view, _, _ in views]


def inbox(
    name: str,
    database_url: str,
    cases: int,
    progress: Callable[[str], None],
    then: Callable[[Engine, str], tuple[Any, Any]] | None = None,
) -> InboxResult:
    """Seed, measure the inbox, then run `then(engine, sample_key)` on the same database: it returns
    the results of benchmarks 3b and 3c (either may be None)."""
    group_tasks = cases // 4
    engine = Engine(EngineConfig(database_url=database_url, service_modules=["tasks"]))
    try:
        engine.migrate()
        engine.deploy(PROJECT_ROOT / "bpmn")
        began = time.perf_counter()
        sample_key = seed(engine, cases, group_tasks, progress, name)
        analyze(engine)
        seconds = time.perf_counter() - began
        with engine.db.reading() as session:
            open_tasks = session.scalar(select(func.count()).select_from(OpenTask))
        progress(f"{name}: {cases:,} cases and {open_tasks:,} open tasks written in {seconds:.1f} s")
        views = measure(engine, sample_key, progress, name)
        worked, page = then(engine, sample_key) if then else (None, None)
        return InboxResult(name, cases, group_tasks, open_tasks, seconds, views, worked, page)
    finally:
        engine.db.dispose()
