"""The GOV.UK "Check your answers" page of a form with `"x-check-answers": true`: the answers
the person gave (kept as their draft by the task page) to check, change or send."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine import ViewKind, checks_answers
from web.engine_access import actor, engine
from web.inbox.answers import answers_version, summary_rows
from web.inbox.routes import inbox, load_form, send_answers


@inbox.get("/tasks/<task_id>/check")
@login_required
def check_answers(task_id: str):
    form = load_form(task_id)
    draft = engine().task_draft_for(task_id, actor(), seen_as=ViewKind.CHECK_ANSWERS)
    if draft is None or not checks_answers(form.schema):  # nothing to check: the form
        return redirect(url_for("inbox.task", task_id=task_id)), 303
    return render_template(
        "inbox/check_answers.html",
        form=form,
        rows=summary_rows(form.schema, draft.answers, task_id),
        checked=answers_version(draft.answers),
    )


@inbox.post("/tasks/<task_id>/check")
@login_required
def accept_and_send(task_id: str):
    """Send the answers checked (the person's draft, deleted by the engine once the task is done)."""
    form = load_form(task_id)
    draft = engine().task_draft_for(task_id, actor())
    if draft is None:
        flash("There were no answers to send: answer the questions again")
        return redirect(url_for("inbox.task", task_id=task_id)), 303
    if request.form.get("checked") != answers_version(draft.answers):  # changed since it was shown
        flash("Your answers changed after you checked them (in another window?): check them again")
        return redirect(url_for("inbox.check_answers", task_id=task_id)), 303
    rows = [
        (row["key"]["text"], row["value"]["text"])
        for row in summary_rows(form.schema, draft.answers, task_id)
    ]
    return send_answers(form, draft.answers, rows)
