"""A first responder starts a referral and sees their agency's referrals, and nothing else."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from engine import Forbidden
from web.engine_access import actor, engine

referrals = Blueprint("referrals", __name__, url_prefix="/referrals")


@referrals.get("/")
@login_required
def index():
    try:
        cases = engine().referrals(actor())
    except Forbidden:
        abort(403)
    return render_template("referrals/index.html", cases=cases, agency=current_user.view.agency)


@referrals.post("/start")
@login_required
def start():
    try:
        case = engine().start_case("nrm_pathway", actor=actor())
    except Forbidden:
        abort(403)
    return redirect(url_for("inbox.task", task_id=case.open_tasks[0].id)), 303
