"""The inbox query against a plain-Python reading of its rules, on a small table with every edge:
tasks without a due date (last), equal due dates (oldest first, then case, then element), tasks
assigned to someone outside their group (not shown to them), first responders' agencies (and
cases without one), every filter, and pages cut at every offset."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from engine import Actor, TaskFilter
from engine.persistence.models import Case, CaseStatus, DefinitionVersion, OpenTask
from engine.runtime.inbox import task_page
from engine.spec.serialization import EMPTY_STATE

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
UKBA, UKHTC, FR = "competent-authority-ukba", "competent-authority-ukhtc", "first-responder"
ACTORS = [
    None,
    Actor("admin", frozenset({"admin"}), is_superuser=True),
    Actor("ana", frozenset({UKBA})),
    Actor("mo", frozenset({"manager", UKBA, UKHTC})),
    Actor("pc", frozenset({FR}), agency="police"),
    Actor("nobody-agency", frozenset({FR})),
    Actor("sa", frozenset({FR, "support-provider"}), agency="salvation_army"),
    Actor("new", frozenset()),
]
FILTERS = [
    TaskFilter(),
    TaskFilter(due="overdue"),
    TaskFilter(due="soon"),
    TaskFilter(assigned="me"),
    TaskFilter(assigned="nobody"),
    TaskFilter(element_id="b_decide"),
    TaskFilter(element_id="b_decide", due="overdue", assigned="nobody"),
    TaskFilter(case_key="nrm-2026-000003 "),
    TaskFilter(case_key="NRM-2026-000004", assigned="me"),
]


@pytest.fixture
def tasks(mini):
    """About 60 open tasks on 20 cases; returns {task id: (task row, case key, case agency)}."""
    with mini.db.writing() as session:
        definition = session.scalar(select(func.max(DefinitionVersion.id)))
        agencies = ["police", "salvation_army", None]
        cases = [
            {
                "id": number,
                "business_key": f"NRM-2026-{number:06d}",
                "definition_id": definition,
                "status": CaseStatus.ACTIVE,
                "state": EMPTY_STATE,
                "serializer_version": "1.5",
                "version": 1,
                "created_by": "test",
                "agency": agencies[number % 3],
                "created_at": NOW - timedelta(days=30),
                "updated_at": NOW,
            }
            for number in range(1, 21)
        ]
        session.execute(insert(Case), cases)
        rows = []
        groups = [UKBA, UKHTC, FR, "support-provider"]
        dues = [None, NOW - timedelta(days=3), NOW + timedelta(days=1), NOW + timedelta(days=9)]
        assignees = [None, None, "ana", "mo", "pc", "sa", None]
        elements = ["a_review", "b_decide", "c_plan"]
        for n, (case, element) in enumerate(itertools.product(range(1, 21), elements)):
            if n % 7 == 6:
                continue
            rows.append(
                {
                    "id": str(uuid.UUID(int=n * 7919 % 1000)),
                    "case_id": case,
                    "element_id": element,
                    "name": element,
                    "process_id": "mini",
                    "candidate_group": groups[(case + n) % 4],
                    "assignee": assignees[n % 7],
                    "created_at": NOW - timedelta(days=case % 4),  # equal created_at on many cases
                    "due_at": dues[n % 4],  # equal due dates on many tasks, a quarter without one
                }
            )
        # and tasks assigned to people inside their own groups (they must show once, not twice)
        own = [(1, UKBA, "ana"), (2, UKHTC, "mo"), (3, FR, "pc"), (5, FR, "nobody-agency")]
        for case, group, assignee in own:
            rows.append(
                dict(rows[0], id=str(uuid.uuid4()), case_id=case, element_id="d_own", assignee=assignee)
            )
            rows[-1]["candidate_group"] = group
        session.execute(insert(OpenTask), rows)
    agency = {c["id"]: c["agency"] for c in cases}
    return {r["id"]: (r, f"NRM-2026-{r['case_id']:06d}", agency[r["case_id"]]) for r in rows}


def expected(tasks, actor: Actor | None, wanted: TaskFilter) -> list[tuple[str, str]]:
    """The rules, in Python: what `actor` may see, the filters, soonest due first and undated last."""

    def visible(row, agency) -> bool:  # being the assignee shows nothing more (engine/access/task_access.py)
        if actor is None or actor.is_superuser:
            return True
        if row["candidate_group"] == FR:
            return FR in actor.groups and agency == actor.agency
        return row["candidate_group"] in actor.groups

    def wanted_row(row, key) -> bool:
        due = row["due_at"]
        return (
            (not wanted.case_key or key == wanted.case_key.strip().upper())
            and (not wanted.element_id or row["element_id"] == wanted.element_id)
            and (wanted.due != "overdue" or (due is not None and due < NOW))
            and (wanted.due != "soon" or (due is not None and NOW <= due <= NOW + timedelta(days=2)))
            and (wanted.assigned != "me" or actor is None or row["assignee"] == actor.username)
            and (wanted.assigned != "nobody" or row["assignee"] is None)
        )

    chosen = [(r, key) for r, key, agency in tasks.values() if visible(r, agency) and wanted_row(r, key)]
    chosen.sort(
        key=lambda rk: (
            rk[0]["due_at"] is None,
            rk[0]["due_at"] or NOW,
            rk[0]["created_at"],
            rk[0]["case_id"],
            rk[0]["element_id"],
        )
    )
    return [(row["id"], key) for row, key in chosen]


def test_every_page_matches_the_rules(mini, tasks):
    checked = 0
    with mini.db.reading() as session:
        for actor, wanted in itertools.product(ACTORS, FILTERS):
            want = expected(tasks, actor, wanted)
            got, total = [], None
            for offset in range(0, max(len(want), 1) + 4, 4):
                page, total = task_page(session, actor, wanted, NOW, offset, 4)
                got += [(row.id, key) for row, key in page]
            assert total == len(want), (actor, wanted)
            assert got == want, (actor, wanted)
            checked += bool(want)
    assert checked > 40  # most combinations match some tasks


def test_a_deep_page_past_the_end_is_empty(mini, tasks):
    with mini.db.reading() as session:
        page, total = task_page(session, ACTORS[2], TaskFilter(), NOW, 1000, 25)
    assert page == [] and total == len(expected(tasks, ACTORS[2], TaskFilter()))
