"""A first responder refers an adult and a UKBA caseworker opens the reasonable grounds decision,
all through the pages; each page type is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.browser.form_filler import answer_adult_referral

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_sign_in_page_is_accessible_and_runs_govuk_frontend(live_app, page):
    page.goto(f"{live_app}/sign-in")
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")  # JS ran under the CSP
    assert_accessible(page, "the sign-in page")


def test_a_referral_through_the_pages_reaches_the_competent_authority(live_app, page):
    sign_in(page, live_app, "fr-police")
    assert_accessible(page, "referrals page")
    page.click("button:has-text('Start a referral')")
    expect(page.locator("main")).to_contain_text("Your first responder agency: Police")  # not asked
    page.check("input[name=age_group][value=adult]")
    page.click("button:has-text('Save and continue')")
    page.check("#consent_given")  # "Yes" reveals the date
    page.fill("#consent_signed_date-day", "2")  # the engine's clock: 2 March 2026
    page.fill("#consent_signed_date-month", "3")
    page.fill("#consent_signed_date-year", "2026")
    assert_accessible(page, "a task page with a conditional reveal")
    page.click("button:has-text('Save and continue')")
    page.click("button:text-is('Continue')")  # the referral form, empty: errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()  # waits for the page under load
    assert_accessible(page, "a task page with errors")
    answer_adult_referral(page, "Found working for no pay; documents held by the employer.")
    page.click("button:text-is('Continue')")
    expect(page.locator("h1")).to_contain_text("Check your answers")  # waits for the page
    assert_accessible(page, "check your answers")
    page.get_by_role("link", name="Change given names").click()
    assert page.input_value("#given_names") == "Adaeze"  # the answers come back to change
    page.click("button:text-is('Continue')")
    page.click("button:has-text('Accept and send')")
    expect(page.locator(".govuk-panel")).to_contain_text("Referral sent")
    assert_accessible(page, "the confirmation")
    page.click("text=Go to your referrals")
    assert "Make the reasonable grounds decision" in page.content()

    page.context.clear_cookies()
    sign_in(page, live_app, "ca-ukba")
    expect(page.locator("body")).to_contain_text("Make the reasonable grounds decision")
    assert_accessible(page, "the inbox")
    page.click("text=Make the reasonable grounds decision")
    expect(page.locator("body")).to_contain_text("I suspect but cannot prove")
    assert_accessible(page, "the decision task page with its case file")


def test_error_pages_are_accessible(live_app, page):
    sign_in(page, live_app, "ca-ukba")
    page.goto(f"{live_app}/tasks/00000000-0000-0000-0000-000000000000")
    assert "Page not found" in page.content()
    assert_accessible(page, "the page not found")
    page.goto(f"{live_app}/referrals/")  # a caseworker is not a first responder
    assert "You cannot do this" in page.content()
    assert_accessible(page, "the page refusing a caseworker")


def test_a_very_long_answer_never_widens_the_page(live_app, page):
    """A 300-character other name, given twice: the errors name it, and the page stays as wide as
    a phone's screen (long values wrap anywhere: web/static/app.css)."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_app, "fr-police")
    page.click("button:has-text('Start a referral')")
    expect(page.locator("main")).to_contain_text("Your first responder agency: Police")  # not asked
    page.check("input[name=age_group][value=adult]")
    page.click("button:has-text('Save and continue')")
    page.check("#consent_given")
    page.fill("#consent_signed_date-day", "2")
    page.fill("#consent_signed_date-month", "3")
    page.fill("#consent_signed_date-year", "2026")
    page.click("button:has-text('Save and continue')")
    long_name = "Lan" * 100
    page.fill("#aliases", f"{long_name}\n{long_name}")
    page.fill("#given_names", long_name)
    page.click("button:text-is('Continue')")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Other names must not repeat a name: LanLan")
    expect(summary).to_contain_text("Given names must be 200 characters or fewer")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_referrals_pages_fit_a_320_pixel_screen(live_app, page, nrm):
    """The referrals list (its table stacks) and a referral's page are no wider than a small phone."""
    from engine import Actor

    police = Actor("fr-police", frozenset({"first-responder"}), agency="police")
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_app, "fr-police")
    keys = [nrm.start_case("nrm_pathway", actor=police).key for _ in range(3)]
    page.goto(f"{live_app}/referrals/")
    expect(page.locator("table")).to_contain_text(keys[0])
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "the referrals page at 320 px")
    page.click(f"text={keys[0]} >> nth=-1")
    expect(page.locator("h1")).to_contain_text(keys[0])
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "a referral's page at 320 px")
