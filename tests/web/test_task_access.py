"""Cross-agency task operations through the web inbox and the JSON API: a police first responder on
a Salvation Army referral's task (open, then completed) is refused every operation with a 403, an
audit row and no state change, and is not told who completed a task. The rule itself is tested
through the engine in tests/core/test_task_access.py."""

from __future__ import annotations

import pytest

from engine import Actor
from tests.web.api_client import api_client, demo_user
from web.cli.demo_data import form_payload

SALVATION = Actor("fr-salvation", frozenset({"first-responder"}), agency="salvation_army")
POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
# each operation: its path after /tasks/<id> on the web and in the API, and the action its refusal
# is audited as (a web completion reads the task's form first, so that is what is refused there)
OPERATIONS = {
    "view": ("", "", "task_viewed", "task_viewed"),
    "claim": ("/claim", "/claim", "task_claimed", "task_claimed"),
    "release": ("/release", "/release", "task_released", "task_released"),
    "assign": ("/assign", "/assign", "task_assigned", "task_assigned"),
    "complete": ("", "/complete", "task_viewed", "task_completed"),
}


def _state(nrm, key: str) -> tuple:
    """The open tasks and their assignees, the case's version and where it waits."""
    case = nrm.case(key)
    return [(t.id, t.assignee) for t in case.open_tasks], case.version, case.current_step


def _refusals(nrm, key: str, actor: str) -> list[str]:
    return [e.detail["attempted"] for e in nrm.history(key) if e.action == "refused" and e.actor == actor]


@pytest.fixture
def salvation_task(nrm):
    """A Salvation Army referral's first form, claimed by fr-salvation (something to release)."""
    demo_user(nrm, "fr-salvation")
    task = nrm.start_case("nrm_pathway", actor=SALVATION).open_tasks[0]
    nrm.claims.claim(task.id, SALVATION)
    return task


@pytest.fixture
def completed_salvation_task(nrm):
    """A Salvation Army referral whose first form fr-salvation has completed."""
    task = nrm.start_case("nrm_pathway", actor=SALVATION).open_tasks[0]
    nrm.complete_task(task.id, form_payload(task.form, age_group="adult"), SALVATION)
    return task


def _web(user, operation: str, task):
    path = f"/tasks/{task.id}{OPERATIONS[operation][0]}"
    if operation == "view":
        return user.get(path)
    if operation == "complete":
        return user.post(path, {"age_group": "adult", "first_responder_agency": "police"})
    return user.post(path, {"username": "fr-police"})


def _api(client, operation: str, task):
    path = f"/tasks/{task.id}{OPERATIONS[operation][1]}"
    if operation == "view":
        return client.get(path)
    if operation == "complete":
        return client.post(path, {"data": form_payload(task.form, age_group="adult")})
    return client.post(path, {"username": "fr-police"})


@pytest.mark.parametrize("task_fixture", ["salvation_task", "completed_salvation_task"])
@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_inbox_refuses_another_agencys_task(browser, nrm, request, task_fixture, operation):
    task = request.getfixturevalue(task_fixture)
    police = browser("fr-police")
    before = _state(nrm, task.case_key)
    response = _web(police, operation, task)
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "You cannot do this" in page and "fr-salvation" not in page
    assert _state(nrm, task.case_key) == before
    assert _refusals(nrm, task.case_key, "fr-police") == [OPERATIONS[operation][2]]


@pytest.mark.parametrize("task_fixture", ["salvation_task", "completed_salvation_task"])
@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_api_refuses_another_agencys_task(app, nrm, request, task_fixture, operation):
    task = request.getfixturevalue(task_fixture)
    police = api_client(app, nrm, "fr-police")
    before = _state(nrm, task.case_key)
    response = _api(police, operation, task)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert "completed_by" not in problem and "fr-salvation" not in problem["detail"]
    assert task.id not in problem["detail"]
    assert _state(nrm, task.case_key) == before
    assert _refusals(nrm, task.case_key, "fr-police") == [OPERATIONS[operation][3]]


def test_the_probe_claim_then_complete_with_a_police_token_is_refused_throughout(app, nrm):
    """The issue's probe, step by step: nothing the police do reaches the Salvation Army's case."""
    task = nrm.start_case("nrm_pathway", actor=SALVATION).open_tasks[0]
    police = api_client(app, nrm, "fr-police")
    before = _state(nrm, task.case_key)
    assert police.get(f"/tasks/{task.id}").status_code == 403
    assert police.post(f"/tasks/{task.id}/claim").status_code == 403
    assert police.get(f"/tasks/{task.id}").status_code == 403
    data = {"data": form_payload(task.form, age_group="adult")}
    assert police.post(f"/tasks/{task.id}/complete", data).status_code == 403
    assert _state(nrm, task.case_key) == before
    assert _refusals(nrm, task.case_key, "fr-police") == [
        "task_viewed",
        "task_claimed",
        "task_viewed",
        "task_completed",
    ]


def test_a_colleague_is_still_told_who_completed_a_task(browser, app, nrm, completed_salvation_task):
    task = completed_salvation_task
    demo_user(nrm, "fr-salvation")
    nrm.users.add("fr-salvation-2", "a long enough password", ["first-responder"], agency="salvation_army")
    colleague = browser()
    colleague.sign_in("fr-salvation-2", "a long enough password")
    response = colleague.get(f"/tasks/{task.id}")
    assert response.status_code == 409 and "Sam Taylor (Salvation Army) completed it" in response.get_data(
        as_text=True
    )
    assert api_client(app, nrm, "fr-salvation").get(f"/tasks/{task.id}").get_json()["completed_by"] == (
        "fr-salvation"
    )


def test_a_manager_sees_another_teams_task_and_may_assign_it_only_within_the_agency(
    browser, nrm, salvation_task
):
    demo_user(nrm, "fr-police")
    manager = browser("manager")
    page = manager.get(f"/tasks/{salvation_task.id}").get_data(as_text=True)
    assert "Save and continue" not in page and "This task is for another team" in page
    assert 'value="fr-salvation"' in page and 'value="fr-police"' not in page  # whom they may assign
    before = _state(nrm, salvation_task.case_key)
    assert manager.post(f"/tasks/{salvation_task.id}/assign", {"username": "fr-police"}).status_code == 403
    assert manager.post(f"/tasks/{salvation_task.id}/claim").status_code == 403
    assert _state(nrm, salvation_task.case_key) == before
    assert _refusals(nrm, salvation_task.case_key, "manager") == ["task_assigned", "task_claimed"]
    assert manager.post(f"/tasks/{salvation_task.id}/release").status_code == 303
    assert nrm.case(salvation_task.case_key).open_tasks[0].assignee is None
