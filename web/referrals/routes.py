"""A first responder starts a referral and sees their agency's referrals, and nothing else."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from engine import SandboxViolation, ScriptError
from web.engine_access import actor, engine

referrals = Blueprint("referrals", __name__, url_prefix="/referrals")


@referrals.get("/")
@login_required
def index():
    cases = engine().referrals(actor())
    return render_template("referrals/index.html", cases=cases, agency=current_user.view.agency)


@referrals.post("/start")
@login_required
def start():
    try:
        case = engine().start_case("nrm_pathway", actor=actor())
    except (ScriptError, SandboxViolation):  # the model failed before its first question: its own page
        return render_template(
            "errors/error.html",
            title="The referral could not be started",
            text="Something went wrong in the referral process before its first question, so nothing was "
            "saved. Try again later; if it keeps happening, contact the NRM team.",
        ), 422
    return redirect(url_for("inbox.task", task_id=case.open_tasks[0].id)), 303
