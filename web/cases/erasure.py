"""/cases/<key>/erase and /cases/<key>/legal-hold: a manager erases a closed case's personal data
(a confirmation page with the reason first) and puts a case on legal hold or lifts it. The engine
refuses (and audits) everyone else, whatever the reference."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine import is_manager
from web.cases.routes import render_case_page
from web.engine_access import actor, engine

erasure = Blueprint("erasure", __name__)
NO_REASON = "Enter why the person's data is being erased: it is kept in the case's history"
HOLD_WORDS = {
    "set": ("putting the case on legal hold", "is on legal hold"),
    "lift": ("lifting the legal hold", "is no longer on legal hold"),
}


@erasure.get("/cases/<key>/erase")
@login_required
def confirm(key: str):
    case = engine().check_erasure(key, actor())
    return render_template("cases/erase.html", case=case, reason="", errors={})


@erasure.post("/cases/<key>/erase")
@login_required
def erase(key: str):
    reason = request.form.get("reason", "")
    if not reason.strip() and is_manager(actor()):  # anyone else is refused by the engine first
        case = engine().check_erasure(key, actor())
        return render_template(
            "cases/erase.html", case=case, reason=reason, errors={"reason": NO_REASON}
        ), 400
    engine().erase_personal_data(key, reason, actor())  # refusals: said on the case page
    flash(f"The personal data on case {key} has been erased", "success")
    return redirect(url_for("cases.case", key=key)), 303


@erasure.post("/cases/<key>/legal-hold")
@login_required
def legal_hold(key: str):
    action = request.form.get("action", "")
    if action not in HOLD_WORDS:
        abort(400)
    doing, done = HOLD_WORDS[action]
    reason = request.form.get("hold_reason", "")
    if not reason.strip() and is_manager(actor()):
        missing = {"hold_reason": f"Enter a reason for {doing}: it goes in the case history"}
        return render_case_page(key, reason, missing)
    change = engine().set_legal_hold if action == "set" else engine().lift_legal_hold
    change(key, reason, actor())
    flash(f"Case {key} {done}", "success")
    return redirect(url_for("cases.case", key=key)), 303
