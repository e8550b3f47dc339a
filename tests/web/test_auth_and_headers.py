"""Sign-in, sign-out, security headers, CSRF and the static assets."""

from __future__ import annotations

import pytest

from web.cli.demo import DEMO_PASSWORD


def test_pages_need_sign_in(browser):
    response = browser().get("/tasks")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_sign_in_and_out(browser):
    browser("ca-ukba")
    visitor = browser()
    response = visitor.sign_in("ca-ukba")
    assert response.status_code == 302
    page = visitor.get("/tasks")
    assert page.status_code == 200 and "Declan Murphy" in page.get_data(as_text=True)
    visitor.post("/sign-out")
    assert visitor.get("/tasks").status_code == 302


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("ca-ukba", "wrong password!", "Enter a correct username and password"),
        ("nobody", DEMO_PASSWORD, "Enter a correct username and password"),
        ("", "", "Enter your username"),
    ],
)
def test_a_failed_sign_in_says_what_to_do(browser, username, password, message):
    browser("ca-ukba")
    visitor = browser()
    visitor.get("/sign-in")
    response = visitor.post("/sign-in", {"username": username, "password": password})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text and "There is a problem" in text and 'href="#username"' in text


def test_five_failures_lock_the_account_even_for_the_right_password(browser):
    browser("support")
    visitor = browser()
    visitor.get("/sign-in")
    for _ in range(5):
        visitor.post("/sign-in", {"username": "support", "password": "not the password"})
    response = visitor.post("/sign-in", {"username": "support", "password": DEMO_PASSWORD})
    assert response.status_code == 400 and "Too many failed attempts" in response.get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(browser):
    visitor = browser("ca-ukba")
    response = visitor.post("/sign-out", csrf=False)
    assert response.status_code == 400 and "out of date" in response.get_data(as_text=True)


def test_an_off_site_next_address_is_ignored(browser):
    browser("ca-ukba")
    visitor = browser()
    visitor.get("/sign-in")
    response = visitor.post(
        "/sign-in?next=https://evil.example/", {"username": "ca-ukba", "password": DEMO_PASSWORD}
    )
    assert response.headers["Location"] in ("/", "https://localhost/")


def test_security_headers_and_a_strict_csp_with_a_nonce(browser):
    response = browser().get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    )
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_govuk_frontend_is_served_locally(browser):
    visitor = browser()
    assert visitor.get("/govuk/govuk-frontend.min.css").status_code == 200
    assert visitor.get("/govuk/govuk-frontend.min.js").status_code == 200
    assert visitor.get("/assets/images/favicon.svg").status_code == 200
    assert visitor.get("/govuk/../../../etc/passwd").status_code == 404


def test_failed_sign_ins_from_one_address_are_limited_across_accounts(nrm):
    from tests.web.conftest import Browser
    from web import create_app

    app = create_app(nrm, {"TESTING": True, "SECRET_KEY": "limit-test", "SIGN_IN_LIMIT": "3 per 10 minutes"})
    visitor = Browser(app)
    visitor.get("/sign-in")
    for number in range(3):
        response = visitor.post("/sign-in", {"username": f"guess{number}", "password": "not a password"})
        assert response.status_code == 400
    refused = visitor.post("/sign-in", {"username": "guess9", "password": "not a password"})
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.get_data(as_text=True)
    assert visitor.get("/sign-in").status_code == 200  # the page itself still shows


def test_sign_in_works_with_rate_limiting_switched_off(nrm):
    from tests.web.api_client import demo_user
    from tests.web.conftest import Browser
    from web import create_app

    settings = {"RATELIMIT_ENABLED": False, "SIGN_IN_LIMIT": "1 per 10 minutes"}
    app = create_app(nrm, {"TESTING": True, "SECRET_KEY": "no-limit", **settings})
    demo_user(nrm, "ca-ukba")
    visitor = Browser(app)
    assert visitor.get("/sign-in").status_code == 200
    for _ in range(4):
        failed = visitor.post("/sign-in", {"username": "nobody", "password": "not a password"})
        assert failed.status_code == 400  # never 429: nothing is limited
        assert "Enter a correct username and password" in failed.get_data(as_text=True)
    assert visitor.sign_in("ca-ukba").status_code == 302
    assert visitor.get("/tasks").status_code == 200
