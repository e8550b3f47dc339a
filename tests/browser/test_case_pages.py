"""Managers' case list and case page in the browser: the diagram marks the right elements for a
case at each stage (bpmn-js drawing the real diagrams), and axe-core finds nothing serious."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Actor
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from web.cli.demo_data import form_payload

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")


def _advance(nrm, key: str, element_id: str, **answers) -> None:
    task = next(t for t in nrm.case(key).open_tasks if t.element_id == element_id)
    nrm.complete_task(task.id, form_payload(task.form, **answers))


def _marked(page, process: str | None = None) -> dict[str, str]:
    if process:
        page.click(f".nrm-diagram-choice[data-process={process}]")
        page.wait_for_selector(f"#case-diagram[data-shown={process}]")
    else:
        page.wait_for_selector("#case-diagram[data-shown]")
    found = {}
    for state in ("completed", "active", "waiting"):
        for element in page.locator(f"#case-diagram .djs-element.nrm-state--{state}").all():
            found[element.get_attribute("data-element-id")] = state
    return found


def test_the_diagram_marks_where_a_case_is_at_each_stage(live_app, page, nrm, moving_clock):
    key = nrm.start_case("nrm_pathway", actor=POLICE).key
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )
    sign_in(page, live_app, "manager")
    page.goto(f"{live_app}/cases/{key}")
    marked = _marked(page)
    assert refused == []  # bpmn-js runs under the strict CSP
    assert marked["choose_referral_form"] == "active" and marked["concern_identified"] == "completed"
    assert "reasonable_grounds" not in marked

    _advance(nrm, key, "choose_referral_form", age_group="adult")
    _advance(nrm, key, "ask_adult_consent")
    _advance(nrm, key, "complete_adult_referral")
    page.reload()
    marked = _marked(page)
    assert marked["reasonable_grounds"] == "active"
    assert marked["refer_adult"] == "completed" and marked["choose_referral_form"] == "completed"
    assert "refer_child" not in marked
    inside = _marked(page, "nrm_reasonable_grounds")
    assert inside["decide_reasonable_grounds"] == "active"
    assert page.locator(".nrm-timer-due").count() >= 1  # the 5-working-day target, with its date

    _advance(nrm, key, "decide_reasonable_grounds", rg_decision="positive")
    _advance(nrm, key, "arrange_support")
    moving_clock.move(timedelta(days=31))
    nrm.fire_due_timers()
    page.reload()
    marked = _marked(page)
    assert marked["reasonable_grounds"] == "completed" and marked["reflection_and_recovery"] == "active"
    inside = _marked(page, "nrm_reflection_recovery")
    assert inside["review_recovery_progress"] == "active" and inside["progress_review_due"] == "completed"
    assert "reflection_period_over" not in inside

    _advance(nrm, key, "review_recovery_progress")
    page.reload()
    inside = _marked(page, "nrm_reflection_recovery")
    assert inside["reflection_period_over"] == "waiting" and inside["review_recovery_progress"] == "completed"
    assert page.locator(".nrm-timer-due").count() >= 1
    assert_accessible(page, "the case page with its diagram")


def test_the_case_list_and_its_filters_in_the_browser(live_app, page, nrm):
    keys = [nrm.start_case("nrm_pathway", actor=POLICE).key for _ in range(3)]
    _advance(nrm, keys[0], "choose_referral_form", age_group="child")
    sign_in(page, live_app, "manager")
    page.goto(f"{live_app}/cases")
    assert all(key in page.content() for key in keys)
    assert_accessible(page, "the case list")
    page.select_option("#filter-age", "child")
    page.click("button:has-text('Apply filters')")
    page.wait_for_url("**age=child**")
    assert keys[0] in page.content() and keys[1] not in page.content()
    page.click(f"a:has-text('{keys[0]}')")
    page.wait_for_url(f"**/cases/{keys[0]}")
    assert "Personal details are shown to managers only" not in page.content()
    assert_accessible(page, "a case page for a manager")


def test_the_statistics_page_draws_its_charts(live_app, page, nrm):
    for _ in range(2):
        _advance(
            nrm, nrm.start_case("nrm_pathway", actor=POLICE).key, "choose_referral_form", age_group="adult"
        )
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )
    sign_in(page, live_app, "manager")
    page.goto(f"{live_app}/statistics")
    page.wait_for_selector("#chart-by-age[data-drawn=yes]")
    assert page.locator("canvas[data-drawn=yes]").count() >= 3
    assert refused == []
    assert_accessible(page, "the statistics page")


def test_the_process_overview_draws_the_counts_the_database_has(live_app, page, nrm):
    keys = [nrm.start_case("nrm_pathway", actor=POLICE).key for _ in range(3)]
    _advance(nrm, keys[0], "choose_referral_form", age_group="adult")
    sign_in(page, live_app, "manager")
    page.goto(f"{live_app}/processes")
    page.wait_for_selector("#case-diagram[data-shown=nrm_pathway]")
    labels = {
        element.get_attribute("data-container-id"): element.inner_text()
        for element in page.locator(".djs-overlays").all()
        if element.inner_text()
    }
    assert labels.get("choose_referral_form") == "2 cases"
    assert labels.get("refer_adult") == "1 case"  # the adult's consent task waits inside it
    assert_accessible(page, "the process overview")
