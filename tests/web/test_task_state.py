"""A task's state is told only to those who may see it, and never costs anyone their typed answers.

A police referral is taken past its first responder and competent authority tasks; people of
another agency, another authority and another team are refused every operation on those completed
tasks with a 403 and an audit row, and nobody is named to them (problem 1). The pages say when
a case is suspended, and answers sent to a task that became unavailable come back on the page
(problems 2 and 3). Things that succeeded are success banners (problem 4)."""

from __future__ import annotations

import re

import pytest

from engine import Actor
from tests.web.api_client import api_client, demo_user
from web.cli.demo import DEMO_USERS
from web.cli.demo_data import form_payload

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
UKBA = Actor("ca-ukba", frozenset({"competent-authority-ukba"}))
KEPT = "Your answers have been saved as a draft: they will be restored when you open this task again"
NAMES = {name: display for name, display, *_ in DEMO_USERS}
# each operation: its path after /tasks/<id> on the web and in the API
OPERATIONS = {
    "view": ("", ""),
    "complete": ("", "/complete"),
    "claim": ("/claim", "/claim"),
    "release": ("/release", "/release"),
    "assign": ("/assign", "/assign"),
}


def _complete(nrm, task, actor: Actor) -> None:
    overrides = {"age_group": "adult"} if task.form == "choose-referral-form.json" else {}
    nrm.complete_task(task.id, form_payload(task.form, **overrides), actor)


@pytest.fixture
def police_case(nrm):
    """A police referral past its first responder tasks and the UKBA reasonable grounds decision,
    waiting for support: returns the completed first task and the completed decision."""
    for name in ("fr-police", "ca-ukba"):
        demo_user(nrm, name)
    case = nrm.start_case("nrm_pathway", actor=POLICE)
    done = {}
    for actor in (POLICE, POLICE, POLICE, UKBA):
        task = nrm.case(case.key).open_tasks[0]
        _complete(nrm, task, actor)
        done.setdefault(actor.username, task)
    return done["fr-police"], done["ca-ukba"]


def _refusals(nrm, key: str, actor: str) -> list[str]:
    return [e.detail["attempted"] for e in nrm.history(key) if e.action == "refused" and e.actor == actor]


# who is refused which completed task: another agency's first responder, another authority's
# caseworker, a support provider (the next task's team)
OUTSIDERS = [("fr-salvation", 0), ("ca-ukhtc", 1), ("support", 0), ("support", 1)]


def _nobody_named(text: str) -> None:
    for name in ("fr-police", "ca-ukba"):
        assert name not in text and NAMES[name] not in text


@pytest.mark.parametrize(("username", "which"), OUTSIDERS)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_inbox_refuses_a_completed_task_before_saying_anything_about_it(
    browser, nrm, police_case, username, which, operation
):
    task = police_case[which]
    person = browser(username)
    path = f"/tasks/{task.id}{OPERATIONS[operation][0]}"
    if operation == "view":
        response = person.get(path)
    else:
        response = person.post(path, {"username": "fr-police", "age_group": "adult"})
    page = response.get_data(as_text=True)
    assert response.status_code == 403, page
    assert "You cannot do this" in page
    _nobody_named(page)
    assert len(_refusals(nrm, task.case_key, username)) == 1


@pytest.mark.parametrize(("username", "which"), OUTSIDERS)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_api_refuses_a_completed_task_before_saying_anything_about_it(
    app, nrm, police_case, username, which, operation
):
    task = police_case[which]
    client = api_client(app, nrm, username)
    path = f"/tasks/{task.id}{OPERATIONS[operation][1]}"
    if operation == "view":
        response = client.get(path)
    else:
        response = client.post(path, {"username": "fr-police", "data": {"decision": "positive"}})
    assert response.status_code == 403, response.get_json()
    assert "completed_by" not in response.get_json()
    _nobody_named(response.get_data(as_text=True))
    assert len(_refusals(nrm, task.case_key, username)) == 1


def test_the_already_completed_page_names_the_person_not_their_username(browser, nrm, police_case):
    first, decision = police_case
    demo_user(nrm, "fr-police")
    nrm.users.add("ca-ukba-2", "a long enough password", ["competent-authority-ukba"], display_name="Kim Lee")
    colleague = browser()
    colleague.sign_in("ca-ukba-2", "a long enough password")
    response = colleague.get(f"/tasks/{decision.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f"{NAMES['ca-ukba']} completed it" in page and "ca-ukba completed" not in page
    manager = browser("manager")
    page = manager.get(f"/tasks/{first.id}").get_data(as_text=True)
    assert f"{NAMES['fr-police']} completed it" in page


@pytest.fixture
def decision(nrm):
    """A police referral waiting for the UKBA reasonable grounds decision: that task."""
    demo_user(nrm, "fr-police")
    case = nrm.start_case("nrm_pathway", actor=POLICE)
    for _ in range(3):
        _complete(nrm, nrm.case(case.key).open_tasks[0], POLICE)
    return nrm.case(case.key).open_tasks[0]


SUCCESS = "govuk-notification-banner--success"


def _banners(page: str) -> list[str]:
    """Each notification banner's class attribute."""
    return re.findall(r'<div class="(govuk-notification-banner(?:\s[^"]*)?)"', page)


def test_what_worked_is_a_success_banner_and_a_refusal_an_important_one(browser, nrm, decision):
    ukba, manager = browser("ca-ukba"), browser("manager")
    back = {"back": f"/tasks/{decision.id}"}
    page = ukba.get(ukba.post(f"/tasks/{decision.id}/claim", back).headers["Location"]).get_data(as_text=True)
    assert _banners(page) == [f"govuk-notification-banner {SUCCESS}"] and "you have claimed it" in page
    manager.get(f"/tasks/{decision.id}")
    page = manager.get(manager.post(f"/tasks/{decision.id}/claim", back).headers["Location"]).get_data(
        as_text=True
    )
    assert _banners(page) == ["govuk-notification-banner"] and "Important" in page
    assert f"already claimed by {NAMES['ca-ukba']}" in page
    page = ukba.get(ukba.post(f"/tasks/{decision.id}/release", back).headers["Location"]).get_data(
        as_text=True
    )
    assert _banners(page) == [f"govuk-notification-banner {SUCCESS}"] and "released" in page
    assigned = manager.post(f"/tasks/{decision.id}/assign", {**back, "username": "ca-ukba"})
    page = manager.get(assigned.headers["Location"]).get_data(as_text=True)
    assert _banners(page) == [f"govuk-notification-banner {SUCCESS}"]
    assert f"assigned to {NAMES['ca-ukba']}" in page
    done = ukba.post(f"/tasks/{decision.id}", form_payload(decision.form))
    assert done.status_code == 303, done.get_data(as_text=True)
    page = ukba.get(done.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert SUCCESS in page and ": done" in page


@pytest.fixture
def suspended(nrm, decision):
    nrm.suspend_case(decision.case_key, "The person is in hospital", Actor("manager", frozenset({"manager"})))
    return decision


def test_a_suspended_cases_task_page_says_so_and_cannot_be_sent(browser, nrm, suspended):
    page = browser("ca-ukba").get(f"/tasks/{suspended.id}").get_data(as_text=True)
    assert "This case is suspended" in page and "The person is in hospital" in page
    assert re.search(r"<button[^>]*disabled[^>]*>\s*Save and continue", page)
    assert page.index("This case is suspended") < page.index("<h1")


def test_answers_sent_to_a_suspended_case_come_back_on_the_page(browser, nrm, decision):
    ukba = browser("ca-ukba")
    ukba.get(f"/tasks/{decision.id}")
    nrm.suspend_case(decision.case_key, "The person is in hospital", Actor("manager", frozenset({"manager"})))
    typed = "Consistent account, typed at length"
    response = ukba.post(f"/tasks/{decision.id}", {"rg_decision": "positive", "rg_reasons": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Your answers were not sent" in page and KEPT in page
    assert typed in page and "This case is suspended" in page
    assert nrm.case(decision.case_key).open_tasks[0].id == decision.id
    nrm.resume_case(decision.case_key, "Out of hospital", Actor("manager", frozenset({"manager"})))
    page = ukba.get(f"/tasks/{decision.id}").get_data(as_text=True)
    assert typed in page and "have been restored" in page  # the draft kept when it was not sent


def test_answers_sent_to_a_task_someone_else_claimed_come_back_on_the_page(browser, nrm, decision):
    ukba = browser("ca-ukba")
    ukba.get(f"/tasks/{decision.id}")
    nrm.claims.claim(decision.id, Actor("manager", frozenset({"manager", "competent-authority-ukba"})))
    demo_user(nrm, "manager")
    typed = "Consistent account, typed at length"
    response = ukba.post(f"/tasks/{decision.id}", {"rg_decision": "positive", "rg_reasons": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and typed in page
    assert f"claimed by {NAMES['manager']}" in page and KEPT in page
    assert nrm.case(decision.case_key).open_tasks[0].id == decision.id
    assert nrm.task_draft_for(decision.id, UKBA).answers["rg_reasons"] == typed


def test_answers_sent_to_a_task_completed_meanwhile_are_shown_to_copy(browser, nrm, decision):
    ukba = browser("ca-ukba")
    ukba.get(f"/tasks/{decision.id}")
    _complete(nrm, decision, UKBA)
    typed = "Consistent account, typed at length"
    response = ukba.post(f"/tasks/{decision.id}", {"rg_decision": "positive", "rg_reasons": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and typed in page
    assert (
        f"{NAMES['ca-ukba']} completed it" in page and "Copy your answers before you leave this page" in page
    )
