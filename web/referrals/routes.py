"""A first responder starts a referral and sees their agency's referrals, and nothing else."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from web.engine_access import actor, engine

referrals = Blueprint("referrals", __name__, url_prefix="/referrals")


def _first_responder() -> None:
    if not current_user.has_role("first-responder"):
        abort(403)


@referrals.get("/")
@login_required
def index():
    _first_responder()
    agency = current_user.view.agency
    cases = engine().cases(agency=agency, limit=200) if agency or current_user.has_role("admin") else []
    return render_template("referrals/index.html", cases=cases, agency=agency)


@referrals.post("/start")
@login_required
def start():
    _first_responder()
    if not current_user.view.agency and not current_user.has_role("admin"):
        abort(403)
    case = engine().start_case("nrm_pathway", actor=actor())
    return redirect(url_for("inbox.task", task_id=case.open_tasks[0].id)), 303
