"""Casework end to end in the browser, each party seeing the case it acts on: the police refer an
adult (check your answers, the confirmation with the reference), find the referral in their list
and open it; the UKBA caseworker decides reasonable grounds with the referral and an uploaded
statement on the same page; the support provider's task names the person, their language and
needs, and not their account; a child's case is there for the local authority. axe-core checks
each page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.browser.form_filler import answer_adult_referral, fill_form
from tests.web.evidence_files import PDF
from web.cli.demo_data import form_payload

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

ACCOUNT = "Recruited in Lagos for hotel work; made to work on a farm in Kent for no pay."


def _refer_an_adult(page, base: str) -> str:
    """The police officer's referral, through the pages; the reference the confirmation gives."""
    sign_in(page, base, "fr-police")
    page.click("button:has-text('Start a referral')")
    expect(page.locator("main")).to_contain_text("Your first responder agency: Police")
    page.check("input[name=age_group][value=adult]")
    page.click("button:has-text('Save and continue')")
    page.check("#consent_given")
    page.fill("#consent_signed_date-day", "2")  # the engine's clock: 2 March 2026
    page.fill("#consent_signed_date-month", "3")
    page.fill("#consent_signed_date-year", "2026")
    page.click("button:has-text('Save and continue')")
    answer_adult_referral(page, ACCOUNT)
    page.click("button:text-is('Continue')")
    expect(page.locator("h1")).to_contain_text("Check your answers")
    summary = page.locator(".govuk-summary-list").first
    expect(summary).to_contain_text("Nigeria")  # the choice's label, not its code
    expect(summary).to_contain_text(ACCOUNT)
    page.click("button:has-text('Accept and send')")
    panel = page.locator(".govuk-panel")
    expect(panel).to_contain_text("Referral sent")
    key = re.search(r"NRM-\d{4}-\d{6}", panel.inner_text())
    assert key, panel.inner_text()
    assert_accessible(page, "the confirmation")
    return key.group(0)


def test_a_referral_is_decided_with_its_evidence_and_supported_on_need_to_know(live_app, page, nrm):
    key = _refer_an_adult(page, live_app)

    page.click("text=Go to your referrals")  # the list, then the referral's own page
    page.get_by_role("link", name=key).click()
    expect(page.locator("h1")).to_contain_text(key)
    expect(page.locator("main")).to_contain_text("Make the reasonable grounds decision")  # where it is
    assert_accessible(page, "the referral's page")

    page.context.clear_cookies()
    sign_in(page, live_app, "ca-ukba")
    page.click("text=Make the reasonable grounds decision")
    case_file = page.locator("main")
    for seen in ("Adaeze", "Okafor", "Nigeria", "Igbo", ACCOUNT):  # the referral beside the form
        expect(case_file).to_contain_text(seen)
    page.set_input_files(
        "#file", files=[{"name": "statement.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.fill("#description", "Signed witness statement")
    page.click("button:has-text('Upload file')")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.get_by_role("link", name="Signed witness statement")).to_be_visible()  # same page
    expect(page.locator("main")).to_contain_text(ACCOUNT)  # still beside the decision form
    assert_accessible(page, "the decision with its referral and evidence")
    decision = next(t for t in nrm.case(key).open_tasks if t.element_id == "decide_reasonable_grounds")
    fill_form(page, nrm.task_form(decision.id).schema, form_payload(decision.form, rg_decision="positive"))
    page.click("button:has-text('Save and continue')")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("done")
    assert [e for e in nrm.history(key) if e.action == "evidence_added"]  # audited

    page.context.clear_cookies()
    sign_in(page, live_app, "support")
    page.click("text=Arrange support and safe accommodation")
    main = page.locator("main")
    for seen in ("Adaeze", "Okafor", "Igbo", "Is an interpreter needed?", "Is safe accommodation needed?"):
        expect(main).to_contain_text(seen)
    expect(main).not_to_contain_text(ACCOUNT)  # not the account of exploitation
    expect(main).not_to_contain_text("Signed witness statement")  # nor the evidence
    assert_accessible(page, "the support provider's task")


def test_a_childs_case_is_there_for_the_local_authority(live_app, page, nrm):
    from engine import Actor

    police = Actor("fr-police", frozenset({"first-responder"}), agency="police")
    case = nrm.start_case("nrm_pathway", actor=police)
    names = {"given_names": "Minh", "family_name": "Tran"}
    while (task := nrm.case(case.key).open_tasks[0]).candidate_group == "first-responder":
        answers = {"choose-referral-form.json": {"age_group": "child"}, "child-referral-form.json": names}
        answers = answers.get(task.form or "", {})
        nrm.complete_task(task.id, form_payload(task.form, **answers), police)
    waiting = next(t for t in nrm.case(case.key).open_tasks if t.element_id == "confirm_safeguarding")

    sign_in(page, live_app, "children")
    page.click(f"text={waiting.name}")
    main = page.locator("main")
    expect(main).to_contain_text(case.key)
    expect(main).to_contain_text("Minh")
    expect(main).to_contain_text("Tran")
    assert_accessible(page, "the local authority's task with the child's case")
