"""The process owner's editor in the browser: bpmn-js, its properties panel and dmn-js from the
npm bundle, under the strict CSP; saving unchanged is a no-op deploy; a timer changed in the
panel deploys as a new version used by new cases only; a case is moved; axe finds nothing serious."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import Actor
from engine.spec.bundle import read_bundle
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.conftest import BUNDLE
from tests.scenarios.driver import CaseDriver, person
from web.cli.demo import POLICY_EXAMPLE

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
OWNER = Actor("owner", frozenset({"process-owner"}))
OUTCOMES = {
    "save": ["saved", "error"],
    "validate": ["valid", "invalid", "error"],
    "deploy": ["deployed", "deploy-unchanged", "invalid", "error"],
}
DMN_VIEWS = ".dmn-decision-table-container, .dmn-drd-container"
REVIEW_AT = "2026-03-20T09:00:00+00:00"
DIRTY = "() => document.getElementById('model-editor').dataset.dirty.includes('reflection_recovery')"


def _csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _open_draft(page, live_app) -> None:
    """Models → Edit a copy of version 1 → the editor, with its first diagram shown."""
    page.goto(f"{live_app}/models")
    page.locator("tr[data-version-id] button:has-text('Edit a copy')").first.click()
    page.wait_for_selector("#model-editor[data-ready=true]")


def _open(page, path: str) -> None:
    page.click(f"button.nrm-editor__file[data-path='{path}']")
    page.wait_for_selector(f"#model-editor[data-open='{path}']")


def _status(page, action: str, expected: str) -> None:
    page.evaluate("() => { document.getElementById('model-editor').dataset.status = ''; }")
    page.click(f"#model-editor-{action}")
    page.wait_for_function(
        "done => done.includes(document.getElementById('model-editor').dataset.status)",
        arg=OUTCOMES[action],
        timeout=30_000,
    )
    status = page.get_attribute("#model-editor", "data-status")
    assert status == expected, f"{action}: {status}: {page.inner_text('#model-editor-message')}"


def test_each_diagram_opens_and_saves_unchanged_so_deploy_is_a_no_op(live_app, page, nrm):
    errors = _csp_errors(page)
    sign_in(page, live_app, "owner")
    _open_draft(page, live_app)
    for path in sorted(read_bundle(BUNDLE).files):
        if path.endswith((".bpmn", ".dmn")):
            _open(page, path)
            selector = (
                ".djs-container"
                if path.endswith(".bpmn")
                else ".dmn-decision-table-container, .dmn-drd-container"
            )
            assert page.locator(f"#model-editor {selector}").count() >= 1, path
    assert page.get_attribute("#model-editor", "data-dirty") == ""
    _status(page, "save", "saved")
    _status(page, "deploy", "deploy-unchanged")
    assert [d.version for d in nrm.deployments()] == [1]
    assert errors == []  # nothing refused by the CSP, no script errors


def test_a_timer_changed_in_the_panel_is_validated_deployed_and_used_by_new_cases_only(
    live_app, page, nrm, database_url, moving_clock
):
    old = CaseDriver(database_url, moving_clock, person("NG"))
    old.refer("adult")
    old.complete("decide_reasonable_grounds", rg_decision="positive")
    old_review = old.waiting_timers()["progress_review_due"]
    sign_in(page, live_app, "owner")
    _open_draft(page, live_app)
    _open(page, "reflection_recovery.bpmn")
    page.click("[data-element-id='progress_review_due']")
    timer = page.locator("#bio-properties-panel-nrm-timer")
    if not timer.is_visible():
        page.click(".bio-properties-panel-group-header:has-text('NRM engine')")
    timer.fill("P7D")  # the classic slip: a duration, unquoted, where a date is due
    page.wait_for_function(DIRTY)
    _status(page, "validate", "invalid")
    report = page.inner_text("#model-editor-report")
    assert "progress_review_due" in report and "write it in quotes" in report
    assert page.locator("[data-element-id='progress_review_due'].nrm-finding--error").count() == 1
    timer.fill(f"'{REVIEW_AT}'")
    _status(page, "validate", "valid")
    _status(page, "deploy", "deployed")
    assert [d.version for d in nrm.deployments()] == [1, 2]
    new = CaseDriver(database_url, moving_clock, person("NG"))
    new.refer("adult")
    new.complete("decide_reasonable_grounds", rg_decision="positive")
    assert new.waiting_timers()["progress_review_due"] == datetime.fromisoformat(REVIEW_AT)
    assert old.waiting_timers()["progress_review_due"] == old_review  # the old case keeps its timer
    assert new.case().definition_version == 2 and old.case().definition_version == 1


def test_a_case_is_moved_to_version_two_in_the_browser(live_app, page, nrm, database_url, moving_clock):
    case = CaseDriver(database_url, moving_clock, person("NG"))
    case.refer("adult")
    nrm.deploy(read_bundle(BUNDLE, BUNDLE / POLICY_EXAMPLE), OWNER)
    second = max(nrm.deployments(), key=lambda d: d.version)
    sign_in(page, live_app, "owner")
    page.goto(f"{live_app}/models/versions/{second.id}/migrate")
    page.check(f"#case-{case.key}")
    page.click("button:has-text('Move the chosen cases')")
    assert "moved to version 2" in page.inner_text("#migration-results")
    assert case.case().definition_version == 2
    assert_accessible(page, "the migration results")


def test_models_and_editor_pages_have_no_serious_accessibility_problems(live_app, page, nrm):
    nrm.deploy(read_bundle(BUNDLE, BUNDLE / POLICY_EXAMPLE), OWNER)
    sign_in(page, live_app, "owner")
    page.goto(f"{live_app}/models")
    assert_accessible(page, "the models page")
    page.locator("tr[data-version-id] a:has-text('Changes from the version before')").first.click()
    assert_accessible(page, "the changes between versions")
    _open_draft(page, live_app)
    assert_accessible(page, "the model editor")
    _open(page, "competent_authority.dmn")
    assert_accessible(page, "the decision table editor")
    _open(page, "forms/recovery-review.json")
    page.wait_for_selector("#model-editor-preview .govuk-form-group")
    assert_accessible(page, "the form editor with its preview")
