"""A first responder starts a referral and follows their agency's referrals, and nothing else."""

from __future__ import annotations

import math

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import SandboxViolation, ScriptError
from web.engine_access import actor, engine
from web.templating import london

referrals = Blueprint("referrals", __name__, url_prefix="/referrals")
PAGE_SIZE = 25
STATUSES = ("active", "closed")


@referrals.get("/")
@login_required
def index():
    search = request.args.get("reference", "").strip()[:40]
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    page = max(request.args.get("page", 1, type=int), 1)
    cases, total = engine().referral_page(
        actor(), search=search, status=status, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    return render_template(
        "referrals/index.html",
        cases=cases,
        total=total,
        page=page,
        pages=max(math.ceil(total / PAGE_SIZE), 1),
        search=search,
        status=status,
        unfinished=engine().unfinished_referrals(actor()),
        agency=current_user.view.agency,
    )


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


@referrals.get("/<key>")
@login_required
def show(key: str):
    record = engine().referral_record(key, actor())
    decision_rows = [
        {"key": {"text": made.title}, "value": {"text": f"{made.outcome} ({london(made.at)})"}}
        for made in record.decisions
    ]
    return render_template(
        "referrals/show.html",
        record=record,
        case=record.case,
        decision_rows=decision_rows,
        case_key=key,  # the evidence and notes the agency added, and the forms to add more
        evidence=engine().evidence_list(key, actor()),
        notes=engine().notes(key, actor()),
        back=request.path,
    )


@referrals.get("/<key>/sent")
@login_required
def sent(key: str):
    """The confirmation once the referral form is sent: its reference and what happens next."""
    return render_template("referrals/sent.html", case=engine().referral(key, actor()))


@referrals.get("/<key>/letters/<int:number>")
@login_required
def letter(key: str, number: int):
    """A letter addressed to the first responder, as plain text to keep."""
    found = engine().referral_letter(key, number, actor())
    response = make_response(found.body)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{key}-letter-{number}.txt"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
