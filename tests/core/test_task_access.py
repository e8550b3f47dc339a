"""One rule for every task operation, through the engine (engine/access/task_access.py): group, agency and
case visibility come first, being the assignee is no bypass, and every refusal is Forbidden with an
audit row and no state change. The web and API layers are in tests/web/test_task_access.py."""

from __future__ import annotations

from uuid import uuid4

import pytest
from sqlalchemy import insert, select

from engine import Actor, Forbidden, TaskAlreadyCompleted, TaskNotFound, TaskView, may_work_on
from engine.persistence.models import AuditEvent, Case
from web.cli.demo_data import form_payload

FR = "first-responder"
POLICE = Actor("fr-police", frozenset({FR}), agency="police")
SALVATION = Actor("fr-salvation", frozenset({FR}), agency="salvation_army")
MANAGER = Actor("manager", frozenset({"manager", "competent-authority-ukba", "competent-authority-ukhtc"}))
# each operation and the action its refusal is audited as
OPERATIONS = {
    "view": "task_viewed",
    "claim": "task_claimed",
    "release": "task_released",
    "assign": "task_assigned",
    "complete": "task_completed",
}


def _do(nrm, operation: str, task: TaskView, actor: Actor, assignee: str = "fr-police"):
    """One task operation, as the inbox and the API call it."""
    if operation == "view":
        return nrm.task_form(task.id, actor)
    if operation == "claim":
        return nrm.claims.claim(task.id, actor)
    if operation == "release":
        return nrm.claims.release(task.id, actor)
    if operation == "assign":
        return nrm.claims.assign(task.id, assignee, actor)
    return nrm.complete_task(task.id, form_payload(task.form, age_group="adult"), actor)


def _state(nrm, key: str) -> tuple:
    """What a refused operation must leave as it was: the open tasks and their assignees, the case's
    version and where it waits."""
    case = nrm.case(key)
    return [(t.id, t.assignee) for t in case.open_tasks], case.version, case.current_step


def _refusals(nrm, key: str, actor: str) -> list[str]:
    return [e.detail["attempted"] for e in nrm.history(key) if e.action == "refused" and e.actor == actor]


def _add_user(nrm, username: str, groups: list[str], agency: str | None = None) -> None:
    nrm.users.add(username, "a long enough password", groups, display_name=username, agency=agency)


@pytest.fixture
def salvation_task(nrm):
    """A Salvation Army referral waiting at its first form, claimed by fr-salvation (so that there
    is something to release)."""
    task = nrm.start_case("nrm_pathway", actor=SALVATION).open_tasks[0]
    nrm.claims.claim(task.id, SALVATION)
    return task


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_first_responder_cannot_work_another_agencys_task(nrm, salvation_task, operation):
    before = _state(nrm, salvation_task.case_key)
    with pytest.raises(Forbidden) as refused:
        _do(nrm, operation, salvation_task, POLICE)
    assert _state(nrm, salvation_task.case_key) == before
    assert _refusals(nrm, salvation_task.case_key, "fr-police") == [OPERATIONS[operation]]
    assert salvation_task.id not in str(refused.value) and "salvation" not in str(refused.value)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_being_the_assignee_is_no_bypass(nrm, salvation_task, operation):
    """fr-salvation claimed the task, then moved to the police: the claim grants nothing."""
    moved = Actor("fr-salvation", frozenset({FR}), agency="police")
    before = _state(nrm, salvation_task.case_key)
    with pytest.raises(Forbidden):
        _do(nrm, operation, salvation_task, moved, assignee="fr-salvation")
    assert _state(nrm, salvation_task.case_key) == before
    assert _refusals(nrm, salvation_task.case_key, "fr-salvation") == [OPERATIONS[operation]]


def test_someone_moved_out_of_the_group_loses_the_task_they_claimed(nrm, salvation_task):
    left = Actor("fr-salvation", frozenset({"support-provider"}), agency="salvation_army")
    with pytest.raises(Forbidden):
        nrm.task_form(salvation_task.id, left)
    with pytest.raises(Forbidden):
        nrm.claims.release(salvation_task.id, left)
    assert _state(nrm, salvation_task.case_key)[0] == [(salvation_task.id, "fr-salvation")]


def test_a_first_responder_without_an_agency_works_on_no_agencys_referral(nrm, salvation_task):
    nobody = Actor("fr-nobody", frozenset({FR}))
    with pytest.raises(Forbidden):
        nrm.task_form(salvation_task.id, nobody)
    assert not may_work_on(nobody, FR, "salvation_army") and may_work_on(nobody, FR, None)


def test_a_manager_views_releases_and_assigns_within_the_agency_but_does_not_work_the_task(
    nrm, salvation_task
):
    key = salvation_task.case_key
    _add_user(nrm, "fr-police", [FR], "police")
    _add_user(nrm, "fr-salvation-2", [FR], "salvation_army")
    assert nrm.task_form(salvation_task.id, MANAGER).task.id == salvation_task.id
    for operation in ("claim", "complete"):  # a manager who is not a first responder
        before = _state(nrm, key)
        with pytest.raises(Forbidden):
            _do(nrm, operation, salvation_task, MANAGER)
        assert _state(nrm, key) == before
    before = _state(nrm, key)
    with pytest.raises(Forbidden) as refused:  # the police may not be given a Salvation Army task
        nrm.claims.assign(salvation_task.id, "fr-police", MANAGER)
    assert "may not work on this task" in str(refused.value)
    with pytest.raises(Forbidden):
        nrm.claims.assign(salvation_task.id, "nobody-at-all", MANAGER)
    assert _state(nrm, key) == before
    assert _refusals(nrm, key, "manager") == [
        "task_claimed",
        "task_completed",
        "task_assigned",
        "task_assigned",
    ]
    assert nrm.claims.release(salvation_task.id, MANAGER).assignee is None
    assert nrm.claims.assign(salvation_task.id, "fr-salvation-2", MANAGER).assignee == "fr-salvation-2"


def test_a_first_responder_may_not_release_a_colleagues_claim_but_a_manager_may(nrm, salvation_task):
    colleague = Actor("fr-salvation-2", frozenset({FR}), agency="salvation_army")
    with pytest.raises(Forbidden):
        nrm.claims.release(salvation_task.id, colleague)
    assert _state(nrm, salvation_task.case_key)[0] == [(salvation_task.id, "fr-salvation")]
    assert nrm.claims.release(salvation_task.id, MANAGER).assignee is None


@pytest.fixture
def completed_police_task(nrm):
    """A police referral whose first form fr-police has completed."""
    task = nrm.start_case("nrm_pathway", actor=POLICE).open_tasks[0]
    nrm.complete_task(task.id, form_payload(task.form, age_group="adult"), POLICE)
    return task


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_completed_task_of_another_agency_is_refused_without_saying_who_completed_it(
    nrm, completed_police_task, operation
):
    key = completed_police_task.case_key
    before = _state(nrm, key)
    with pytest.raises(Forbidden) as refused:
        _do(nrm, operation, completed_police_task, SALVATION, assignee="fr-salvation")
    assert not isinstance(refused.value, TaskAlreadyCompleted) and "fr-police" not in str(refused.value)
    assert _state(nrm, key) == before
    assert _refusals(nrm, key, "fr-salvation") == [OPERATIONS[operation]]


def test_who_completed_a_task_is_told_to_those_who_may_see_it(nrm, completed_police_task):
    colleague = Actor("fr-police-2", frozenset({FR}), agency="police")
    for actor in (colleague, MANAGER):
        with pytest.raises(TaskAlreadyCompleted) as done:
            nrm.task_form(completed_police_task.id, actor)
        assert done.value.completed_by == "fr-police"
    with pytest.raises(TaskAlreadyCompleted):
        nrm.claims.claim(completed_police_task.id, colleague)


def test_a_completed_task_whose_group_is_not_recorded_is_told_to_managers_only(nrm, completed_police_task):
    """An audit trail without the task's `task_opened` row (none is missing today): the group is
    unknown, so only a manager, who sees every case, learns who completed it."""
    task_id = str(uuid4())
    with nrm.db.writing() as session:
        case_id = session.scalar(select(Case.id).where(Case.business_key == completed_police_task.case_key))
        session.execute(
            insert(AuditEvent).values(
                case_id=case_id,
                at=nrm.case(completed_police_task.case_key).updated_at,
                actor="fr-police",
                action="task_completed",
                task_id=task_id,
                element_id="choose_referral_form",
                detail={},
            )
        )
    with pytest.raises(Forbidden):
        nrm.task_form(task_id, POLICE)
    with pytest.raises(TaskAlreadyCompleted):
        nrm.task_form(task_id, MANAGER)


def test_an_unknown_task_is_not_found_for_everyone(nrm):
    for actor in (POLICE, MANAGER):
        with pytest.raises(TaskNotFound) as missing:
            nrm.task_form("00000000-0000-0000-0000-000000000000", actor)
        assert "0000" not in str(missing.value)
