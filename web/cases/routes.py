"""/cases: the filtered list (and its CSV), one case with its diagram, status changes, incidents."""

from __future__ import annotations

import math

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine import Conflict, is_manager, now
from web.cases.filters import FACT_FILTERS, FACT_TITLES, STATUSES, case_filter
from web.csv_export import csv_response
from web.engine_access import actor, engine
from web.templating import humanize, london

cases = Blueprint("cases", __name__)
PAGE_SIZE = 50
CSV_ROWS = 100_000  # a CSV export is read in pages of this many at most


@cases.get("/cases")
@login_required
def index():
    wanted, errors = case_filter(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    nrm = engine()
    rows, total, counts = nrm.case_page(wanted, actor(), offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    options = {
        "step": nrm.case_steps(actor()),
        "agency": nrm.case_agencies(actor()),
        **{param: nrm.case_fact_values(fact, actor()) for param, fact in FACT_FILTERS},
    }
    return render_template(
        "cases/list.html",
        rows=rows,
        total=total,
        counts=counts,
        statuses=STATUSES,
        page=page,
        pages=max(math.ceil(total / PAGE_SIZE), 1),
        options=options,
        labels=nrm.case_fact_labels(actor()),
        errors=errors,
        args=request.args,
        now=now(),
        is_manager=is_manager(actor()),
    )


@cases.get("/cases.csv")
@login_required
def export():
    wanted, _errors = case_filter(request.args)
    nrm = engine()
    rows, _total, _counts = nrm.case_page(wanted, actor(), limit=CSV_ROWS)
    labels = nrm.case_fact_labels(actor())
    facts = [fact for _param, fact in FACT_FILTERS]

    def words(field: str, values: list[str]) -> str:
        return "; ".join(labels.get(field, {}).get(value) or humanize(value) for value in values)

    lines = (
        [
            row.key,
            humanize(row.status),
            row.current_step or row.outcome or "",
            london(row.created_at, True),
            london(row.updated_at, True),
            words("first_responder_agency", [row.agency]) if row.agency else "",
            "Yes" if row.overdue else "No",
            *[words(fact, row.facts.get(fact, [])) for fact in facts],
        ]
        for row in rows
    )
    header = ["Reference", "Status", "Stage", "Referred on", "Last updated", "Referring agency", "Overdue"]
    header += [FACT_TITLES.get(fact, humanize(fact)) for fact in facts]
    return csv_response(header, lines, f"nrm-cases-{now():%Y-%m-%d}.csv")


@cases.get("/cases/<key>")
@login_required
def case(key: str):
    return render_case_page(key)


def render_case_page(key: str, reason: str = "", errors: dict[str, str] | None = None):
    """A case's page; with `errors`, its form again with the reason typed (status 400): `reason`
    for a status change, `hold_reason` for a legal hold."""
    detail = engine().case_detail(key, actor())
    view = engine().case(key)
    history = detail.history
    erased = detail.erasure is not None  # nothing personal opens any more
    documents = [] if erased else engine().documents(key)
    manager = is_manager(actor())  # evidence and notes: managers here, caseworkers beside their task
    looks, looks_total = engine().record_views_of_case(key, actor()) if manager else ([], 0)
    people = {entry.actor for entry in history} | {t.assignee for t in view.open_tasks if t.assignee}
    people |= {x.by for x in (detail.erasure, detail.legal_hold) if x is not None}
    people |= {look.username for look in looks}
    agencies = engine().case_fact_labels(actor()).get("first_responder_agency", {})
    return render_template(
        "cases/case.html",
        case=view,
        detail=detail,
        history=list(reversed(history)),
        documents=documents,
        names=engine().person_names(people),
        agency=(agencies.get(view.agency) or humanize(view.agency)) if view.agency else "",
        now=now(),
        is_manager=manager,
        evidence=engine().evidence_list(key, actor()) if manager and not erased else None,
        looks=looks,
        looks_total=looks_total,
        notes=engine().notes(key, actor()) if manager and not erased else None,
        reason=reason,
        errors=errors or {},
        timers_json={
            t.element_id: f"due {london(t.due_at, True)}" for t in view.timers if t.state == "waiting"
        },
    ), (400 if errors else 200)


# what a status change is called where people read it: in a missing reason's error, when done
STATUS_CHANGES = {
    "suspend": ("suspending the case", "suspended"),
    "resume": ("resuming the case", "resumed"),
    "cancel": ("cancelling the case", "cancelled"),
    "missing": ("recording that the person is missing", "suspended: the person is missing"),
    "found": ("recording that the person has been found", "resumed: the person has been found"),
    "left_uk": ("recording that the person has left the UK", "withdrawn: the person has left the UK"),
}


@cases.post("/cases/<key>/status")
@login_required
def change_status(key: str):
    action = request.form.get("action", "")
    change = {
        "suspend": engine().suspend_case,
        "resume": engine().resume_case,
        "cancel": engine().cancel_case,
        "missing": engine().record_missing,
        "found": engine().record_found,
        "left_uk": engine().record_left_uk,
    }.get(action)
    if change is None:
        abort(400)
    reason = request.form.get("reason", "")
    doing, done = STATUS_CHANGES[action]
    missing = {"reason": f"Enter a reason for {doing}: it goes in the case history"}
    if not reason.strip() and is_manager(actor()):  # anyone else is refused by the engine first
        return render_case_page(key, reason, missing)
    try:
        change(key, reason, actor())
    except ValueError:  # the engine's own check of the reason, as above
        return render_case_page(key, reason, missing)
    except Conflict as refused:  # said on the case page, not the task list
        flash(str(refused))
    else:
        flash(f"Case {key} {done}", "success")
    return redirect(url_for("cases.case", key=key)), 303


@cases.post("/incidents/<int:incident_id>/retry")
@login_required
def retry_incident(incident_id: int):
    case = engine().retry_incident(incident_id, actor())
    flash("The timer will fire again at the next poll", "success")
    return redirect(url_for("cases.case", key=case.key)), 303
