"""Inbox: tasks for my groups and tasks assigned to me; claim, release, assign; the task form."""

from __future__ import annotations

import math

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import login_required

from engine import (
    Conflict,
    DraftTooLong,
    FormValidationError,
    NotFound,
    SandboxViolation,
    ScriptError,
    TaskAlreadyCompleted,
    TaskFilter,
    checks_answers,
    is_manager,
    may_refer,
    may_work_on,
    now,
    only_refers,
)
from web.engine_access import actor, engine
from web.errors import back_page
from web.form_fields import date_field_names, error_messages, parse_submission, values_for
from web.inbox.answers import asked_fields, keep_as_draft, own_answers, own_rows

inbox = Blueprint("inbox", __name__)
PAGE_SIZE = 25


@inbox.get("/")
@login_required
def home():
    if only_refers(actor()):
        return redirect(url_for("referrals.index"))
    return redirect(url_for("inbox.tasks"))


@inbox.get("/tasks")
@login_required
def tasks():
    wanted = TaskFilter(
        case_key=request.args.get("case") or None,
        element_id=request.args.get("task") or None,
        due=request.args.get("due") if request.args.get("due") in ("overdue", "soon") else None,
        assigned=request.args.get("assigned") if request.args.get("assigned") in ("me", "nobody") else None,
    )
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = engine().task_page(wanted, actor(), offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return render_template(
        "inbox/tasks.html",
        tasks=rows,
        total=total,
        page=page,
        pages=max(math.ceil(total / PAGE_SIZE), 1),
        wanted=wanted,
        now=now(),
    )


def _already_completed(done: TaskAlreadyCompleted, rows: list[tuple[str, str]] | None = None):
    """409: someone else completed the task; say who (by name: the engine tells only those who may
    see the task), change nothing; answers sent are shown to copy."""
    name = done.completed_by_name
    said = f"{name[:1].upper()}{name[1:]} completed it."
    if request.endpoint == "inbox.accept_and_send" and done.completed_by == actor().username:
        # checked answers sent twice (a double click, a reload): where the first sending went. Not
        # for the task form itself: answers typed in a second window are shown below to copy.
        if done.case_key and may_refer(actor()):
            return redirect(url_for("referrals.sent", key=done.case_key)), 303
        flash("You have already sent these answers", "success")
        return redirect(url_for("inbox.home")), 303
    if request.method == "POST":
        return _not_saved_page(f"This task has already been completed: {said}", rows), 409
    return render_template("errors/error.html", title="This task has already been completed", text=said), 409


def load_form(task_id: str):
    try:
        return engine().task_form(task_id, actor())
    except TaskAlreadyCompleted as done:  # its own page, not the flashed message of other conflicts
        abort(make_response(_already_completed(done)))
    except NotFound:
        if request.method == "POST":  # closed meanwhile: the answers sent are not thrown away
            abort(make_response(_not_saved_page("This task is closed: its case moved on without it."), 409))
        raise


def _not_saved_page(why: str, rows: list[tuple[str, str]] | None = None):
    """A page for answers sent to a task that is gone: what they were, to copy (`rows`, else the
    posted form)."""
    answers = rows
    if answers is None:
        answers = [
            (
                name.replace("_", " ").replace("-", " ").capitalize(),
                ", ".join(v for v in request.form.getlist(name) if v),
            )
            for name in request.form
            if name not in ("csrf_token", "back", "action")
        ]
    return render_template("inbox/not_saved.html", why=why, answers=[a for a in answers if a[1]])


def _suspension(case) -> dict | None:
    """When a suspended case was suspended, and why (from its history), for the task page's banner."""
    if case.status != "suspended":
        return None
    last = next((e for e in reversed(engine().history(case.key)) if e.action == "case_suspended"), None)
    return {"at": last.at if last else None, "reason": (last.detail.get("reason") if last else None)}


@inbox.route("/tasks/<task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: str):
    form = load_form(task_id)
    if request.method == "GET":
        return task_page(form)
    data = {**parse_submission(form.schema, request.form), **own_answers(form.schema)}
    if request.form.get("action") == "save":  # "Save and come back later": kept as typed
        try:
            engine().save_task_draft(task_id, data, actor())
        except DraftTooLong as refused:  # the answers stay on the page with the reason
            return task_page(form, values_for(data), status=400, not_saved=str(refused))
        flash(
            f"{form.task.name}: your answers have been saved. You can come back to this task later", "success"
        )
        return redirect(url_for("inbox.home")), 303
    if checks_answers(form.schema):  # checked first, sent from the "Check your answers" page
        try:
            engine().check_answers(task_id, data, actor())
        except FormValidationError as invalid:
            return task_page(form, values_for(data), error_messages(form.schema, invalid.errors), 400)
        except Conflict as refused:
            return _not_sent(form, data, str(refused))
        try:
            engine().save_task_draft(task_id, data, actor())
        except DraftTooLong as refused:
            return task_page(form, values_for(data), status=400, not_saved=str(refused))
        return redirect(url_for("inbox.check_answers", task_id=task_id)), 303
    return send_answers(form, data)


def send_answers(form, data: dict, rows: list[tuple[str, str]] | None = None):
    """Complete the task with `data`: the next page, or the form again with what went wrong."""
    task_id = form.task.id
    # The form again with the answers given, or the page saying who completed the task; other
    # refusals are the app's (web/errors.py), a Conflict kept as a draft below.
    try:
        case = engine().complete_task(task_id, data, actor())
    except FormValidationError as invalid:
        return task_page(form, values_for(data), error_messages(form.schema, invalid.errors), 400)
    except TaskAlreadyCompleted as done:
        return _already_completed(done, rows)
    except Conflict as refused:  # suspended, claimed by someone else, changed meanwhile: kept
        return _not_sent(form, data, str(refused))
    except (ScriptError, SandboxViolation):  # the model's fault: an incident is open for managers
        return task_page(form, values_for(data), status=422, failed=True)
    following = [t for t in case.open_tasks if may_work_on(actor(), t.candidate_group, case.agency)]
    if following:
        flash(f"{form.task.name}: done", "success")
        return redirect(url_for("inbox.task", task_id=following[0].id)), 303
    if checks_answers(form.schema) and may_refer(actor()):  # a referral sent: its confirmation
        return redirect(url_for("referrals.sent", key=case.key)), 303
    flash(f"{form.task.name}: done", "success")
    return redirect(url_for("inbox.home")), 303


def _not_sent(form, data: dict, why: str):
    """409: the task cannot take the answers now (suspended, claimed by someone else): the form
    again with them, and kept as the person's draft to be restored when they come back."""
    kept = keep_as_draft(form.task.id, data)
    return task_page(form, values_for(data), status=409, not_saved=why, kept=kept)


def task_page(
    form,
    values: dict | None = None,
    errors: dict | None = None,
    status: int = 200,
    failed: bool = False,
    not_saved: str = "",
    kept: bool = False,
):
    """The task's page: its case, its form with `values` (else the person's draft), `errors`."""
    task_id, schema = form.task.id, form.schema
    case = engine().case(form.task.case_key)
    case_file = engine().case_file(task_id, actor())  # what this task's worker may read of the case
    fields = asked_fields(schema)
    group = form.task.candidate_group
    may_work = may_work_on(actor(), group, case.agency)  # a manager may see a task of another team
    restored = None
    if values is None:
        draft = engine().task_draft_for(task_id, actor()) if may_work else None
        values = values_for(draft.answers) if draft else {}
        restored = draft.saved_at if draft and not request.args.get("change") else None
    members = engine().group_members(group) if is_manager(actor()) else []
    members = [m for m in members if may_work_on(m.actor, group, case.agency)]  # whom the engine accepts
    return render_template(
        "inbox/task.html",
        form=form,
        case=case,
        case_file=case_file,
        fields=fields,
        own_rows=own_rows(schema),
        date_fields=date_field_names(fields),
        values=values,
        errors=errors or {},
        failed=failed,
        not_saved=not_saved,
        kept=kept,
        restored=restored,
        suspension=_suspension(case),
        now=now(),
        members=members,
        may_work=may_work,
        checks_answers=checks_answers(schema),
        members_items=[
            {"value": m.username, "text": m.display_name, "selected": m.username == form.task.assignee}
            for m in members
        ],
    ), status


def _claim_action(task_id: str, change, done) -> object:
    """Claim, release or assign, then back to the page the button was on, saying what happened
    (`done(task)` in a success banner)."""
    try:
        changed = change()
    except NotFound as gone:  # closed meanwhile: said on the page, as a Conflict is, not a 404 page
        flash(str(gone))
    else:
        flash(done(changed), "success")
    return redirect(back_page()), 303


def _name(username: str | None) -> str:
    person = engine().user(username) if username else None
    return person.display_name if person else "someone else"


@inbox.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str):
    return _claim_action(
        task_id, lambda: engine().claim_task(task_id, actor()), lambda t: f"{t.name}: you have claimed it"
    )


@inbox.post("/tasks/<task_id>/release")
@login_required
def release(task_id: str):
    return _claim_action(
        task_id,
        lambda: engine().release_task(task_id, actor()),
        lambda t: f"{t.name}: released, so anyone in its team can claim it",
    )


@inbox.post("/tasks/<task_id>/assign")
@login_required
def assign(task_id: str):
    username = request.form.get("username", "").strip().lower()
    return _claim_action(
        task_id,
        lambda: engine().assign_task(task_id, username, actor()),
        lambda t: f"{t.name}: assigned to {_name(t.assignee)}",
    )
