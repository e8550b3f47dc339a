"""Browser tests: the real app on a real port, driven by Playwright in Debian's Chromium, with
axe-core (from npm) checking each page for accessibility problems (tests/browser/axe.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from web import create_app
from web.cli.demo import DEMO_PASSWORD, DEMO_USERS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's chromium at /usr/bin/chromium (make setup installs it)",
        allow_module_level=True,
    )


@pytest.fixture
def live_app(nrm):
    """The app served on a free local port, in a thread of this process."""
    for name, display, groups, agency in DEMO_USERS:
        nrm.users.add(name, DEMO_PASSWORD, groups, display_name=display, agency=agency)
    app = create_app(nrm, {"SECRET_KEY": "browser-test"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        opened = browser.new_page()
        opened.set_default_timeout(15_000)
        yield opened
        browser.close()


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
