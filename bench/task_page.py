"""Benchmark 3c: the decision task page with its case file, among 200,000 cases.

Runs on the database the inbox benchmark seeded. The bulk-written cases hold no workflow, so
real ones are made through the engine, as the tests do: police referrals taken through their
first responder tasks (referral form chosen, consent, adult referral form) to the UKBA
reasonable grounds decision, so the case file has real answers. Each gets letters (written as
the engine writes a letter: a document row and its audit row), and one in ten is suspended and
resumed once, and a few suspended, so the page reads their history too. A UKBA caseworker signs
in and `GET /tasks/<id>` is timed through Flask's test client: server time per request.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, text

from bench.inbox import percentile
from engine import Actor, Engine
from engine.clock import now
from engine.persistence.models import AuditEvent, Case, CaseDocumentRow
from web import create_app
from web.cli.demo_data import form_payload

CASES = 200  # real cases at the decision, each page timed in turn
ROUNDS = 3  # requests per case
WARM_UP = 5
CASEWORKER = "bench-ca-ukba"
PASSWORD = "bench-password-2026"  # noqa: S105 - a throw-away database
GROUP = "competent-authority-ukba"
POLICE = Actor("bench-police", frozenset({"first-responder"}), agency="police")
MANAGER = Actor("bench-manager-3c", frozenset({"manager"}))
LETTERS = ("Referral received", "Consent recorded")
SUSPENDED_EVERY = 20  # one case in 20 is left suspended: its page reads the history for the banner
RESUMED_EVERY = 10  # one in 10 was suspended and resumed: two more history rows


@dataclass
class TaskPageResult:
    name: str
    cases: int  # all cases on the database
    worked: int  # real cases at the decision
    ms: list[float] = field(default_factory=list)
    engine_ms: list[float] = field(default_factory=list)  # the engine calls the page makes, alone

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        return percentile(self.ms, 95)


def _after_bulk_ids(engine: Engine) -> None:
    """The bulk seed wrote case ids itself: PostgreSQL's sequence must move past them."""
    if not engine.db.is_sqlite:
        with engine.db.engine.begin() as connection:
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))")
            )


def make_cases(engine: Engine, count: int, progress: Callable[[str], None], name: str) -> list[str]:
    """`count` real cases waiting at the reasonable grounds decision; returns the decision task ids."""
    _after_bulk_ids(engine)
    tasks = []
    for number in range(1, count + 1):
        case = engine.start_case("nrm_pathway", actor=POLICE)
        for answers in ({"age_group": "adult"}, {}, {}):
            task = engine.case(case.key).open_tasks[0]
            engine.complete_task(task.id, form_payload(task.form, **answers), POLICE)
        decision = engine.case(case.key).open_tasks[0]
        if decision.element_id != "decide_reasonable_grounds":
            raise RuntimeError(f"{name}: case {case.key} waits at {decision.element_id}")
        _letters(engine, case.key)
        if number % RESUMED_EVERY == 0:
            engine.suspend_case(case.key, "The person is in hospital", MANAGER)
            engine.resume_case(case.key, "Out of hospital", MANAGER)
        if number % SUSPENDED_EVERY == 0:
            engine.suspend_case(case.key, "The person is in hospital", MANAGER)
        tasks.append(decision.id)
        if number % 50 == 0:
            progress(f"{name}: {number}/{count} cases at the reasonable grounds decision")
    return tasks


def _letters(engine: Engine, key: str) -> None:
    """Letters as the engine writes them: a document row and its `document_created` audit row."""
    at = now()
    with engine.db.reading() as session:
        case_id = session.scalar(select(Case.id).where(Case.business_key == key))
    documents = [
        {
            "id": str(uuid.uuid4()),
            "case_id": case_id,
            "kind": title.lower().replace(" ", "_"),
            "title": title,
            "recipient": "first responder",
            "body": f"{title}.",
            "element_id": None,
            "created_at": at,
        }
        for title in LETTERS
    ]
    events = [
        {
            "case_id": case_id,
            "at": at,
            "actor": "system",
            "action": "document_created",
            "detail": {"document_id": d["id"], "kind": d["kind"], "recipient": d["recipient"]},
        }
        for d in documents
    ]
    with engine.db.engine.begin() as connection:
        connection.execute(insert(CaseDocumentRow.__table__), documents)
        connection.execute(insert(AuditEvent.__table__), events)


def task_page(
    engine: Engine, progress: Callable[[str], None], name: str, count: int = CASES
) -> TaskPageResult:
    """Make the cases, then time their task pages for a UKBA caseworker."""
    began = time.perf_counter()
    task_ids = make_cases(engine, count, progress, name)
    progress(f"{name}: {count} cases through the engine in {time.perf_counter() - began:.1f} s")
    with engine.db.reading() as session:
        cases = session.scalar(select(func.count()).select_from(Case))
    user = engine.users.add(CASEWORKER, PASSWORD, [GROUP], display_name="Bench caseworker (task page)")
    app = create_app(engine, {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    https = {"base_url": "https://localhost"}
    if (
        client.post("/sign-in", data={"username": CASEWORKER, "password": PASSWORD}, **https).status_code
        != 302
    ):
        raise RuntimeError(f"{name}: the bench caseworker could not sign in")
    for task_id in task_ids[:WARM_UP]:
        page = client.get(f"/tasks/{task_id}", **https)
        if page.status_code != 200 or b"Adult referral form" not in page.data:
            raise RuntimeError(f"{name}: /tasks/{task_id} answered {page.status_code} without its case file")
    result = TaskPageResult(name, cases, count)
    for _ in range(ROUNDS):
        for task_id in task_ids:
            began = time.perf_counter()
            client.get(f"/tasks/{task_id}", **https)
            result.ms.append((time.perf_counter() - began) * 1000)
    for task_id in task_ids:
        began = time.perf_counter()
        form = engine.task_form(task_id, user.actor)
        engine.case(form.task.case_key)
        engine.case_file(task_id, user.actor)
        result.engine_ms.append((time.perf_counter() - began) * 1000)
    progress(
        f"{name}: task page median {result.median:.1f} ms, p95 {result.p95:.1f} ms; "
        f"engine calls median {statistics.median(result.engine_ms):.1f} ms"
    )
    return result
