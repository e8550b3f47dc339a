"""Every route for every role (and nobody signed in): what each may do, and that each refusal is
a 403 with an audit row. The expected answers come from the rules, not from the app:
first responders work on their own agency's referrals; caseworkers on their group's tasks;
managers also see any task, assign it and release it; admins may do anything."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.persistence.models import AuditEvent
from tests.web.api_client import demo_user
from tests.web.conftest import Browser
from web.cli.demo import DEMO_USERS
from web.cli.demo_data import form_payload

ROLES = [name for name, *_ in DEMO_USERS]
GROUPS = {name: set(groups) for name, _display, groups, _agency in DEMO_USERS}
AGENCY = {name: agency for name, _display, _groups, agency in DEMO_USERS}


def _refusals(nrm) -> int:
    with nrm.db.reading() as session:
        return session.scalar(select(func.count()).where(AuditEvent.action == "refused"))


@pytest.fixture
def world(nrm, app, browser):
    """A police referral waiting at its referral form, and another waiting at the RG decision."""
    from engine import Actor

    police = Actor("fr-police", frozenset({"first-responder"}), agency="police")
    waiting = nrm.start_case("nrm_pathway", actor=police)
    referred = nrm.start_case("nrm_pathway", actor=police)
    for answers in ({"age_group": "adult"}, {}, {}):
        task = nrm.case(referred.key).open_tasks[0]
        nrm.complete_task(task.id, form_payload(task.form, **answers))
    return {
        "fr_task": waiting.open_tasks[0],
        "rg_task": nrm.case(referred.key).open_tasks[0],
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_by_the_rules(role, world, browser, nrm):
    groups, agency = GROUPS[role], AGENCY[role]
    admin = "admin" in groups
    referrer = admin or ("first-responder" in groups and agency is not None)
    fr_task, rg_task = world["fr_task"], world["rg_task"]
    on_fr_task = admin or ("first-responder" in groups and agency == "police")
    on_rg_task = admin or rg_task.candidate_group in groups
    manager = admin or "manager" in groups
    user = browser(role)
    before = _refusals(nrm)
    expected_refusals = 0

    def check(response, allowed_status: int, allowed: bool) -> None:
        nonlocal expected_refusals
        assert response.status_code == (allowed_status if allowed else 403), (role, response.request.path)
        expected_refusals += not allowed

    assert user.get("/").status_code == 302
    assert user.get("/tasks").status_code == 200
    assert user.get("/tasks?due=overdue&assigned=nobody&page=2").status_code == 200
    check(user.get("/referrals/"), 200, referrer)
    check(user.get(f"/tasks/{fr_task.id}"), 200, on_fr_task or manager)
    check(user.get(f"/tasks/{rg_task.id}"), 200, on_rg_task or manager)
    check(user.post(f"/tasks/{rg_task.id}", {"rg_decision": "maybe"}), 400, on_rg_task)
    check(user.post(f"/tasks/{rg_task.id}/claim"), 303, on_rg_task)
    check(user.post(f"/tasks/{rg_task.id}/release"), 303, on_rg_task or manager)
    member = next(name for name in ROLES if rg_task.candidate_group in GROUPS[name])
    demo_user(nrm, member)  # an assignment names someone who may work on the task
    check(user.post(f"/tasks/{rg_task.id}/assign", {"username": member}), 303, manager)
    check(user.post("/referrals/start"), 303, referrer)
    assert _refusals(nrm) - before == expected_refusals  # every 403 left an audit row
    assert nrm.case(rg_task.case_key).open_tasks[0].id == rg_task.id  # no refused call moved the case
    assert user.post("/sign-out").status_code == 302
    assert user.get("/tasks").status_code == 302


def test_nobody_signed_in_is_sent_to_sign_in_from_every_page(app, world):
    visitor = Browser(app)
    task = world["rg_task"].id
    for path in ("/", "/tasks", f"/tasks/{task}", "/referrals/"):
        response = visitor.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path
    for path in (f"/tasks/{task}", f"/tasks/{task}/claim", f"/tasks/{task}/release", "/referrals/start"):
        visitor.get("/sign-in")
        response = visitor.post(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], path
    assert visitor.post("/sign-out").status_code == 302
    assert visitor.get("/sign-in").status_code == 200
    assert visitor.get("/assets/images/favicon.svg").status_code == 200
    assert visitor.get("/static/app.js").status_code == 200


def test_a_manager_assigns_from_the_task_page(browser, world, nrm):
    manager = browser("manager")
    rg_task = world["rg_task"]
    page = manager.get(f"/tasks/{rg_task.id}").get_data(as_text=True)
    assert 'name="username"' in page and "Assign to" in page
    member = next(name for name in ROLES if rg_task.candidate_group in GROUPS[name] and name != "manager")
    worker = browser(member)
    assert manager.post(f"/tasks/{rg_task.id}/assign", {"username": member}).status_code == 303
    assert nrm.case(rg_task.case_key).open_tasks[0].assignee == member
    page = worker.get(f"/tasks/{rg_task.id}").get_data(as_text=True)
    assert "Assign to" not in page and "Release" in page


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_and_home_page_follow_each_role(role, browser):
    groups = GROUPS[role]
    user = browser(role)
    page = user.get("/no-such-page").get_data(as_text=True)  # the 404 page has the navigation too
    assert ('href="/referrals/"' in page) == ("admin" in groups or "first-responder" in groups)
    assert ('href="/tasks"' in page) == bool(groups - {"first-responder"})
    assert ('href="/cases"' in page) == bool(groups & {"admin", "manager", "process-owner"})
    home = user.get("/").headers["Location"]
    assert home.endswith("/referrals/" if groups == {"first-responder"} else "/tasks"), home
