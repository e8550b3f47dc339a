"""The accessibility check itself (tests/browser/axe.py) finds and names a serious problem."""

from __future__ import annotations

import pytest

from tests.browser import axe
from tests.browser.axe import assert_accessible


def test_the_accessibility_check_names_what_it_finds(page):
    """The check itself can fail: an image without alternative text (critical) is reported with
    its rule, impact, element and what the rule asks."""
    page.set_content(
        '<html lang="en"><head><title>T</title></head><body><main><img src="a.png"></main></body></html>'
    )
    with pytest.raises(AssertionError) as failed:
        assert_accessible(page, "a page with an unlabelled image")
    assert "image-alt (critical)" in str(failed.value) and "'img'" in str(failed.value)


def test_without_axe_core_the_check_says_to_run_npm_ci(page, monkeypatch, tmp_path):
    monkeypatch.setattr(axe, "AXE", tmp_path / "axe.min.js")
    with pytest.raises(pytest.fail.Exception, match="run `npm ci`"):
        assert_accessible(page, "any page")
