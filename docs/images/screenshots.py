"""Retake the README's casework screenshots from a running demo (`make run`).

    .venv/bin/python docs/images/screenshots.py [http://localhost:5000]

Signs in as the UKBA caseworker, opens the first reasonable grounds decision, uploads a short
witness statement to it if it has no evidence yet (so the demo case gains one file), and saves
docs/images/decision.png; then as the police first responder opens the first referral with a
decision and a letter and saves docs/images/referral.png. Chromium from /usr/bin/chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
PASSWORD = "nrm-demo-2013"
STATEMENT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def _sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")


def decision(page, base: str) -> None:
    _sign_in(page, base, "ca-ukba")
    page.goto(f"{base}/tasks?task=decide_reasonable_grounds")
    page.locator("a:has-text('Make the reasonable grounds decision')").first.click()
    if page.locator("a[href*='/evidence/']").count() == 0:
        print("uploading a witness statement to the decision's case")
        page.set_input_files(
            "#file", files=[{"name": "statement.pdf", "mimeType": "application/pdf", "buffer": STATEMENT}]
        )
        page.fill("#description", "Signed witness statement taken by the officer")
        page.click("button:has-text('Upload file')")
    page.screenshot(path=str(HERE / "decision.png"), full_page=True)
    print("wrote decision.png")


def referral(page, base: str) -> None:
    _sign_in(page, base, "fr-police")
    for number in range(1, 6):
        page.goto(f"{base}/referrals/?page={number}")
        links = [a.get_attribute("href") for a in page.locator("table a").all()]
        for href in links:
            page.goto(f"{base}{href}")
            if "No decision has been made yet" not in page.content() and page.locator("a[download]").count():
                page.screenshot(path=str(HERE / "referral.png"), full_page=True)
                print(f"wrote referral.png from {href}")
                return
    sys.exit("no referral of the police with a decision and a letter: is the demo loaded?")


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:5000"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        decision(page, base)
        referral(page, base)
        browser.close()


if __name__ == "__main__":
    main()
