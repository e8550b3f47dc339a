"""The whole pathway through the pages: a first responder refers an adult; a UKBA caseworker
claims and decides reasonable grounds; support is arranged; time moves through the 45-day
reflection and recovery period (the engine's clock, timers fired by the engine); the conclusive
grounds decision; the person's plans; the discretionary leave decision; the move-on from support.
A child's referral through children's services to a return home chosen during the period. Each
person signs in and works their task in the browser; axe-core checks each page type on the way."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.browser.form_filler import fill_form
from web.cli.demo import DEMO_USERS
from web.cli.demo_data import form_payload

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _worker(group: str) -> str:
    return next(name for name, _display, groups, _agency in DEMO_USERS if group in groups)


def _work(
    page, base: str, nrm, key: str, element_id: str, claim: bool = False, check: str = "", **answers
) -> None:
    """Whoever's group owns the task signs in, finds it in the inbox and completes its form; with
    `check`, axe-core checks the task page (named `check`) before it is filled in."""
    task = next(t for t in nrm.case(key).open_tasks if t.element_id == element_id)
    page.context.clear_cookies()
    sign_in(page, base, _worker(task.candidate_group))
    page.goto(f"{base}/tasks?case={key}")
    if claim:
        page.get_by_role("button", name=f"Claim {task.name}, {key}").click()
        shown = next(display for name, display, *_ in DEMO_USERS if name == _worker(task.candidate_group))
        expect(page.locator("td", has_text=shown)).to_have_count(1)  # by name; waits for the reload
    page.get_by_role("link", name=task.name).click()
    page.wait_for_url(f"**/tasks/{task.id}")
    assert key in page.content()  # the case summary above the form
    if check:
        assert_accessible(page, check)
    schema = nrm.task_form(task.id).schema
    fill_form(page, schema, form_payload(task.form, **answers))
    checked = schema.get("x-check-answers") is True  # "Continue", then "Check your answers"
    with page.expect_navigation():  # the form's POST and its redirect, or the page with errors
        page.click("button:text-is('Continue')" if checked else "button:has-text('Save and continue')")
    assert "There is a problem" not in page.content(), page.locator(".govuk-error-summary").inner_text()
    if checked:
        expect(page.locator("h1")).to_contain_text("Check your answers")
        with page.expect_navigation():
            page.click("button:has-text('Accept and send')")
    assert all(t.id != task.id for t in nrm.case(key).open_tasks)


def _move_past(nrm, moving_clock, key: str, timer: str) -> None:
    """Move the engine's clock past a waiting timer and let the engine fire what is due."""
    due = next(t.due_at for t in nrm.case(key).timers if t.element_id == timer and t.state == "waiting")
    moving_clock.set(due + timedelta(minutes=1))
    assert nrm.fire_due_timers() >= 1


def test_an_adult_referral_through_every_stage_to_discretionary_leave(live_app, page, nrm, moving_clock):
    sign_in(page, live_app, "fr-police")
    page.click("button:has-text('Start a referral')")
    page.wait_for_url("**/tasks/*")  # the first form of the referral, under a loaded machine too
    key = re.search(r"NRM-\d{4}-\d{6}", page.content()).group(0)
    page.context.clear_cookies()
    _work(
        page, live_app, nrm, key, "choose_referral_form", age_group="adult", first_responder_agency="police"
    )
    _work(page, live_app, nrm, key, "ask_adult_consent")
    _work(page, live_app, nrm, key, "complete_adult_referral")
    assert_accessible(page, "the inbox (after completing, with a banner)")

    _work(
        page,
        live_app,
        nrm,
        key,
        "decide_reasonable_grounds",
        claim=True,
        check="the reasonable grounds decision with the referral in its case file",
        rg_decision="positive",
    )
    _work(page, live_app, nrm, key, "arrange_support")
    started = moving_clock.now()

    _move_past(nrm, moving_clock, key, "progress_review_due")
    _work(page, live_app, nrm, key, "review_recovery_progress", check="the recovery review")
    _move_past(nrm, moving_clock, key, "reflection_period_over")
    assert moving_clock.now() - started >= timedelta(days=44)

    _work(page, live_app, nrm, key, "decide_conclusive_grounds", claim=True, cg_decision="positive")
    assert_accessible(page, "the inbox after the conclusive grounds decision")
    _work(page, live_app, nrm, key, "record_persons_plans")
    _work(page, live_app, nrm, key, "consider_discretionary_leave", dl_decision="granted")
    assert nrm.case(key).status == "active"  # support goes on for the move-on period
    _work(page, live_app, nrm, key, "help_person_move_on", check="helping the person move on from support")

    case = nrm.case(key)
    assert case.status == "completed" and case.outcome == "Discretionary leave decided"
    page.context.clear_cookies()
    sign_in(page, live_app, "fr-police")
    page.goto(f"{live_app}/referrals/")
    assert key in page.content() and "Discretionary leave decided" in page.content()
    assert_accessible(page, "the first responder's referrals")


def test_a_childs_referral_through_childrens_services_and_the_competent_authority(live_app, page, nrm):
    sign_in(page, live_app, "fr-police")
    page.click("button:has-text('Start a referral')")
    page.wait_for_url("**/tasks/*")
    key = re.search(r"NRM-\d{4}-\d{6}", page.content()).group(0)
    page.context.clear_cookies()
    _work(
        page, live_app, nrm, key, "choose_referral_form", age_group="child", first_responder_agency="police"
    )
    concerns = "At risk of going missing from the foster placement tonight."
    _work(
        page,
        live_app,
        nrm,
        key,
        "name_childs_local_authority",
        local_authority_name="Hillingdon",
        immediate_safeguarding_concerns=concerns,
    )
    _work(page, live_app, nrm, key, "complete_child_referral", given_names="Minh", family_name="Tran")
    # the competent authority decides while children's services' safeguarding is still open
    assert {t.element_id for t in nrm.case(key).open_tasks} == {
        "decide_reasonable_grounds",
        "confirm_safeguarding",
    }
    _work(
        page,
        live_app,
        nrm,
        key,
        "decide_reasonable_grounds",
        claim=True,
        check="a child's reasonable grounds decision",
        rg_decision="positive",
    )
    _work(page, live_app, nrm, key, "confirm_safeguarding", check="the local authority's safeguarding task")
    _work(
        page, live_app, nrm, key, "arrange_support", check="the local authority arranging a child's support"
    )
    letter = next(d for d in nrm.documents(key) if d.kind == "rg_positive_letter")
    assert letter.recipient == "local-authority" and "Dear Minh" not in letter.body
    notice = next(d for d in nrm.documents(key) if d.kind == "childrens_services_notification")
    assert concerns in notice.body
    # the child decides to go home during the period: children's services, not AVRIM
    _work(page, live_app, nrm, key, "ask_to_return_home", check="a child's return home during the period")
    assert {t.element_id for t in nrm.case(key).open_tasks} == {"assess_childs_return"}
    _work(page, live_app, nrm, key, "assess_childs_return", check="the local authority assessing a return")
    case = nrm.case(key)
    assert case.status == "completed" and case.outcome == "Child's return assessed by the local authority"
