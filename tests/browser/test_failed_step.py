"""A caseworker whose answers make the process model's code go over its budget: the page keeps
the answers, says the case could not move on and that a manager has been told, in plain words
(no code, no element ids), and is accessible at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.sandbox.runner import CodeBudget, use_budget
from tests.browser.axe import assert_accessible
from tests.browser.conftest import sign_in
from tests.sandbox.corpus import RUNTIME_SCRIPT
from tests.sandbox.places import bundle

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def small_budget():
    previous = use_budget(CodeBudget(cpu_seconds=0.1, memory_mb=64))
    yield
    use_budget(previous)


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_page_keeps_the_answers_and_says_the_case_could_not_move_on(
    nrm, live_app, page, small_budget, width, tmp_path
):
    nrm.deploy(bundle("script", [RUNTIME_SCRIPT.format(fine="1")]))
    case = nrm.start_case("hostile", {})
    task = nrm.tasks(case_key=case.key)[0]
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_app, "ca-ukba")
    page.goto(f"{live_app}/tasks/{task.id}")
    page.fill("#kind", "power")
    page.fill("#n", str(9**9))
    page.click("button:has-text('Save and continue')")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The case could not move on")
    expect(summary).to_contain_text("A manager has been told")
    assert page.input_value("#kind") == "power" and page.input_value("#n") == str(9**9)
    text = page.locator("main").inner_text()
    assert "code_0" not in text and "pow(" not in text and "Traceback" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, "a task page whose step failed")
    page.screenshot(path=str(tmp_path / f"failed-step-{width}.png"), full_page=True)
    assert [i.element_id for i in nrm.case(case.key).incidents] == ["code_0"]
