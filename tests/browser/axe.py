"""axe-core (from npm: package.json pins it, `npm ci` installs it) run in a Playwright page: the
serious and critical violations of the WCAG 2.0, 2.1 and 2.2 A and AA rules and axe's best
practices, each described by its rule, impact, the elements it found and what the rule asks."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SERIOUS = ("serious", "critical")
_RUN = "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})"


def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE} not found): run `npm ci` (make setup does)", pytrace=False)
    return AXE.read_text()


def serious_accessibility_violations(page) -> list[str]:
    """Run axe-core in the page; the serious and critical violations, described (empty: none)."""
    # Evaluated through the DevTools protocol rather than added as a <script>: the page's
    # Content-Security-Policy (no inline or unlisted scripts) holds while axe looks at it.
    page.evaluate(_axe_source())
    result = page.evaluate(_RUN, TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]} ({v['helpUrl']})"
        for v in result["violations"]
        if v["impact"] in SERIOUS and not _known(v)
    ]


def assert_accessible(page, where: str) -> None:
    """Fail with the serious and critical violations, one a line, if axe finds any on the page."""
    found = serious_accessibility_violations(page)
    assert not found, f"axe-core, {where} ({page.url}):\n" + "\n".join(f"- {line}" for line in found)


def _known(violation: dict) -> bool:
    """GOV.UK Frontend's one documented, deliberate exception: `aria-expanded` on radios and
    checkboxes that reveal a question (alphagov/govuk-frontend#979, kept after user research with
    screen reader users). Only that exact pattern is excused; anything else fails the test."""
    return violation["id"] == "aria-allowed-attr" and all(
        ("govuk-radios__input" in node["html"] or "govuk-checkboxes__input" in node["html"])
        and "aria-expanded" in node["html"]
        for node in violation["nodes"]
    )
