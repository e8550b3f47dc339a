"""Every page with a table is readable on a 320 px screen: rows stack as labelled cards
(web/static/app.css, `nrm-stack`) and the page never scrolls sideways."""

from __future__ import annotations

from contextlib import suppress

import pytest
from playwright.sync_api import TimeoutError

from engine import Actor
from tests.browser.conftest import sign_in
from web.cli.demo_data import form_payload

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
WIDTH = 320


@pytest.fixture
def some_cases(nrm):
    """Cases at a few stages: tasks in the inbox, rows in the case list and the statistics."""
    keys = []
    for age_group in ("adult", "child", "adult"):
        key = nrm.start_case("nrm_pathway", actor=POLICE).key
        task = nrm.case(key).open_tasks[0]
        nrm.complete_task(task.id, form_payload(task.form, age_group=age_group))
        keys.append(key)
    return keys


@pytest.mark.parametrize(
    ("username", "path", "cell"),
    [
        ("fr-police", "/tasks", "Assigned to"),
        ("manager", "/cases", "Referred"),
        ("manager", "/processes", "Active cases waiting"),
        ("manager", "/statistics", None),
        ("owner", "/models", "Deployed"),
    ],
)
def test_a_table_page_fits_a_320_px_screen(live_app, page, some_cases, username, path, cell):
    page.set_viewport_size({"width": WIDTH, "height": 700})
    sign_in(page, live_app, username)
    page.goto(f"{live_app}{path}")
    page.wait_for_load_state("networkidle")
    assert page.locator("table.nrm-stack").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    if cell:  # each cell says which column it is in, as the hidden header row no longer shows it
        label = page.locator(f"td[data-label='{cell}']").first
        before = label.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert cell in before


def test_the_statistics_fit_a_phone_turned_from_a_wide_screen(live_app, page, some_cases):
    """Opened wide, then narrowed (a window resized, a tablet turned): the hidden header rows of
    the statistics tables once stayed laid out as table rows and widened the page to 1,235 px."""
    page.set_viewport_size({"width": 1280, "height": 700})
    sign_in(page, live_app, "manager")
    page.goto(f"{live_app}/statistics")
    page.wait_for_load_state("networkidle")
    page.set_viewport_size({"width": WIDTH, "height": 700})
    with suppress(TimeoutError):  # the page lays itself out again after the resize: give it time
        page.wait_for_function(f"document.documentElement.scrollWidth <= {WIDTH}", timeout=5_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
