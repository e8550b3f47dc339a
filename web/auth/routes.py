"""Sign-in with a username and password; the engine hashes, checks and locks after 5 failures."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, login_required, login_user, logout_user

from engine import SignInRefused
from web.engine_access import SignedInUser, engine
from web.security import same_site_path

auth = Blueprint("auth", __name__)


def init_login(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.sign_in"
    manager.login_message = "Sign in to continue"
    manager.session_protection = "strong"

    @manager.user_loader
    def _load(username: str) -> SignedInUser | None:
        view = engine().user(username)
        return SignedInUser(view) if view else None


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a caseworker to another site after signing in."""
    if target is not None and same_site_path(target):
        return target
    return url_for("inbox.home")


@auth.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    errors: dict[str, str] = {}
    username = request.form.get("username", "").strip().lower()
    if request.method == "POST":
        password = request.form.get("password", "")
        if not username:
            errors["username"] = "Enter your username"
        if not password:
            errors["password"] = "Enter your password"
        if not errors:
            try:
                view = engine().authenticate(username, password)
            except SignInRefused as refused:
                errors["username"] = str(refused)
            else:
                login_user(SignedInUser(view))
                return redirect(_safe_next(request.args.get("next")))
    status = 400 if errors else 200
    return render_template("auth/sign_in.html", errors=errors, username=username), status


@auth.post("/sign-out")
@login_required
def sign_out():
    logout_user()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))
