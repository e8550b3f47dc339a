"""The web app on a real database with the NRM bundle and the demo users (one per role)."""

from __future__ import annotations

import re

import pytest

from web import create_app
from web.cli.demo import DEMO_PASSWORD, DEMO_USERS

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A Flask test client that signs in and sends the CSRF token as a page would."""

    def __init__(self, app):
        self.client = app.test_client()
        self.token = ""

    def get(self, path: str, **kwargs):
        response = self.client.get(path, base_url="https://localhost", **kwargs)
        found = CSRF.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kwargs):
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.token)
        headers = {"Referer": "https://localhost/"}  # browsers send it; Flask-WTF checks it on HTTPS
        return self.client.post(path, data=form, base_url="https://localhost", headers=headers, **kwargs)

    def sign_in(self, username: str, password: str = DEMO_PASSWORD):
        self.get("/sign-in")
        response = self.post("/sign-in", {"username": username, "password": password})
        self.get("/tasks")  # a page with a form: picks up the session's CSRF token
        return response


@pytest.fixture
def app(nrm):
    return create_app(nrm, {"TESTING": True, "SECRET_KEY": "test-secret"})


@pytest.fixture
def browser(app, nrm):
    """Open a browser, signed in as a demo user (added on first use: hashing takes a while)."""

    def make(username: str | None = None) -> Browser:
        if username and nrm.users.get(username) is None:
            for name, display, groups, agency in DEMO_USERS:
                if name == username:
                    nrm.users.add(name, DEMO_PASSWORD, groups, display_name=display, agency=agency)
        opened = Browser(app)
        if username:
            opened.sign_in(username)
        return opened

    return make
