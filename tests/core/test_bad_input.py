"""Bad input gets a clear error that names what is wrong, and changes nothing."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from engine import (
    SYSTEM,
    Actor,
    CaseNotFound,
    Conflict,
    Forbidden,
    FormValidationError,
    TaskAlreadyCompleted,
    TaskNotFound,
)
from engine.persistence.models import AuditEvent, Case, OpenTask


def _counts(engine) -> tuple[int, int, int]:
    with engine.db.reading() as session:
        return (
            session.scalar(select(func.count()).select_from(AuditEvent)),
            session.scalar(select(func.count()).select_from(OpenTask)),
            session.scalar(select(func.max(Case.version))),
        )


def test_unknown_case_is_named(mini):
    with pytest.raises(CaseNotFound, match="NRM-2026-999999"):
        mini.case("NRM-2026-999999")
    with pytest.raises(CaseNotFound):
        mini.history("NRM-2026-999999")
    with pytest.raises(CaseNotFound):
        mini.cancel_case("NRM-2026-999999", "duplicate referral")


def test_an_unknown_task_is_not_found_and_changes_nothing(mini):
    mini.start_case("mini_process")
    before = _counts(mini)
    with pytest.raises(TaskNotFound, match="no task with this reference"):
        mini.complete_task("00000000-0000-0000-0000-000000000000", {"name": "A", "team": "a"})
    assert _counts(mini) == before


def test_completing_a_completed_task_says_who_completed_it(mini):
    case = mini.start_case("mini_process")
    task_id = case.open_tasks[0].id
    mini.complete_task(
        task_id, {"name": "Ann", "team": "a"}, Actor("alice", frozenset({"competent-authority-ukba"}))
    )
    before = _counts(mini)
    with pytest.raises(TaskAlreadyCompleted, match="someone else") as raised:
        mini.complete_task(task_id, {"name": "Bob", "team": "b"})
    assert raised.value.completed_by == "alice"  # the account; people read a name
    assert _counts(mini) == before
    assert mini.case_data(case.key)["name"] == "Ann"


def test_two_completions_racing_exactly_one_wins(mini, database_url):
    case = mini.start_case("mini_process")
    task_id = case.open_tasks[0].id
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def complete(name: str) -> None:
        barrier.wait()
        try:
            mini.complete_task(task_id, {"name": name, "team": "a"}, Actor(name, is_superuser=True))
            outcomes.append(name)
        except (TaskAlreadyCompleted, Conflict) as error:
            outcomes.append(error)

    threads = [threading.Thread(target=complete, args=(n,)) for n in ("ann", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [o for o in outcomes if isinstance(o, str)]
    losers = [o for o in outcomes if not isinstance(o, str)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert mini.case_data(case.key)["name"] == winners[0]
    history = [h for h in mini.history(case.key) if h.action == "task_completed"]
    assert [h.actor for h in history] == winners


def test_form_data_failing_its_schema_names_every_field(mini):
    case = mini.start_case("mini_process")
    task_id = case.open_tasks[0].id
    before = _counts(mini)
    with pytest.raises(FormValidationError) as raised:
        mini.complete_task(task_id, {"team": "c", "born": "31/02/1990"})
    fields = {e.field for e in raised.value.errors}
    assert fields == {"name", "team", "born"}
    assert "name" in str(raised.value) and "team" in str(raised.value)
    assert _counts(mini) == before
    assert mini.case(case.key).open_tasks[0].id == task_id


def test_form_data_with_fields_the_form_does_not_have_is_refused(mini):
    case = mini.start_case("mini_process")
    with pytest.raises(FormValidationError, match="is_superuser|unknown|additional"):
        mini.complete_task(case.open_tasks[0].id, {"name": "A", "team": "a", "is_superuser": True})


def test_form_data_nested_too_deep_is_refused_before_anything_walks_it(mini):
    case = mini.start_case("mini_process")
    before = _counts(mini)
    deep: list = []
    for _ in range(5_000):  # deeper than jsonschema, json_shaped or the serializer could follow
        deep = [deep]
    with pytest.raises(FormValidationError, match="nested too deep: at most 32 levels"):
        mini.complete_task(case.open_tasks[0].id, {"name": deep, "team": "a"})
    assert _counts(mini) == before


def test_a_user_outside_the_tasks_group_is_refused_and_the_refusal_audited(mini):
    case = mini.start_case("mini_process")
    audit, open_tasks, version = _counts(mini)
    eve = Actor("eve", frozenset({"returns"}))
    with pytest.raises(Forbidden, match="another team"):
        mini.complete_task(case.open_tasks[0].id, {"name": "A", "team": "a"}, eve)
    with pytest.raises(Forbidden):
        mini.task_form(case.open_tasks[0].id, eve)
    assert _counts(mini) == (audit + 2, open_tasks, version)
    refusals = [h for h in mini.history(case.key) if h.action == "refused"]
    assert [(h.actor, h.detail["attempted"]) for h in refusals] == [
        ("eve", "task_completed"),
        ("eve", "task_viewed"),
    ]


def test_a_suspended_case_does_not_move_until_resumed(mini):
    case = mini.start_case("mini_process")
    mini.suspend_case(case.key, "awaiting police advice")
    with pytest.raises(Conflict, match="suspended"):
        mini.complete_task(case.open_tasks[0].id, {"name": "A", "team": "a"})
    with pytest.raises(ValueError, match="reason"):
        mini.resume_case(case.key, "  ")
    mini.resume_case(case.key, "advice received")
    assert mini.complete_task(case.open_tasks[0].id, {"name": "A", "team": "a"}, SYSTEM).status == "active"
