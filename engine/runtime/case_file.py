"""A task's case file: what its worker may read of the case, as the task's `caseFile` property
declares (engine/spec/case_file.py parses it; docs/modelling.md#case-files describes it).

Answers come from the data the task itself holds. A form's answers are shown only if a task with
that form was completed on the case (the adult and child referral forms share field names, and
only one of them is ever answered); decisions are the decision forms answered on the case other
than the task's own; letters and history come from the case's documents and audit rows, evidence
and notes from what people added to the case (engine/runtime/case_information.py)."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.persistence.models import AuditEvent, CaseDocumentRow, User
from engine.runtime.history_words import history_lines
from engine.runtime.information_views import evidence_views, note_views
from engine.spec.case_file import (
    CASE_FILE_PROPERTY,
    CaseFileItem,
    field_title,
    is_decision_form,
    parse_case_file,
    readable,
    task_property,
)
from engine.spec.serialization import SpecPair
from engine.views import CaseFile, CaseFileEvent, CaseFileLetter, CaseFileRow, CaseFileSection


def declared_case_file(specs: SpecPair, process_id: str, element_id: str) -> str | None:
    """The `caseFile` value of a user task (None: the task declares none)."""
    top, subprocesses = specs
    spec = top if top.name == process_id else subprocesses.get(process_id)
    task_spec = spec.task_specs.get(element_id) if spec is not None else None
    return task_property(task_spec, CASE_FILE_PROPERTY) if task_spec is not None else None


def build_case_file(
    session: Session,
    case_id: int,
    declared: str,
    own_form: str | None,
    data: dict[str, Any],
    schemas: dict[str, dict[str, Any]],
    task_forms: dict[str, str],
    data_key: bytes | None,
) -> CaseFile:
    """The case file `declared` gives, from the task's `data`; `own_form`, the task's form;
    `schemas`, the definition's forms parsed; `task_forms`, each user task's form by element id."""
    items = parse_case_file(declared)  # checked at deploy
    answered = answered_forms(session, case_id, task_forms)
    sections: list[CaseFileSection] = []
    fields_by_form: dict[str, list[str] | None] = {}  # None: the whole form
    order: list[str] = []
    letters = history = evidence = notes = None
    for item in items:
        if item.section == "decisions":
            for form in answered:
                if form != own_form and form in schemas and is_decision_form(schemas[form]):
                    _want(fields_by_form, order, CaseFileItem(form=form))
        elif item.section == "letters":
            letters = _letters(session, case_id)
        elif item.section == "history":
            history = _history(session, case_id, data_key)
        elif item.section == "evidence":
            evidence = evidence_views(session, case_id, data_key)
        elif item.section == "notes":
            notes = note_views(session, case_id, data_key)
        elif item.form is not None:
            _want(fields_by_form, order, item)
    for form in order:
        schema = schemas.get(form)
        if schema is None or form not in answered:
            continue
        names = fields_by_form[form] or list(schema.get("properties", {}))
        rows = tuple(
            CaseFileRow(field_title(schema, name), readable(schema["properties"].get(name, {}), data[name]))
            for name in names
            if name in data and data[name] not in (None, "", [], {})
        )
        if rows:
            sections.append(CaseFileSection(str(schema.get("title") or form), rows))
    return CaseFile(tuple(sections), letters, history, evidence, notes)


def case_file_data(workflow: Any, task: Any, task_forms: dict[str, str], schemas: dict[str, Any]) -> dict:
    """The data a task's case file reads: the task's own, with each completed form's answers as
    the task that answered it holds them (a task in a parallel branch does not hold the answers of
    the other branch, e.g. the local authority's of the child referral form completed after it
    opened)."""
    data = dict(task.data) if task is not None else {}
    done = [
        t
        for t in workflow.get_tasks(state=TaskState.COMPLETED)
        if t.task_spec.name in task_forms and task_forms[t.task_spec.name] in schemas
    ]
    for answered in sorted(done, key=lambda t: t.last_state_change):
        fields = schemas[task_forms[answered.task_spec.name]].get("properties", {})
        data.update({name: answered.data[name] for name in fields if name in answered.data})
    return data


def _want(fields_by_form: dict[str, list[str] | None], order: list[str], item: CaseFileItem) -> None:
    assert item.form is not None
    if item.form not in fields_by_form:
        order.append(item.form)
        fields_by_form[item.form] = [] if item.field else None
    wanted = fields_by_form[item.form]
    if item.field is None:
        fields_by_form[item.form] = None  # the whole form wins over single fields
    elif wanted is not None and item.field not in wanted:
        wanted.append(item.field)


def answered_forms(session: Session, case_id: int, form_of: dict[str, str]) -> list[str]:
    """The forms of the tasks completed on the case, in the order they were first completed."""
    completed = session.scalars(
        select(AuditEvent.element_id)
        .where(AuditEvent.case_id == case_id, AuditEvent.action == "task_completed")
        .order_by(AuditEvent.id)
    )
    answered: list[str] = []
    for element_id in completed:
        form = form_of.get(element_id or "")
        if form and form not in answered:
            answered.append(form)
    return answered


def _letters(session: Session, case_id: int) -> tuple[CaseFileLetter, ...]:
    rows = session.execute(
        select(CaseDocumentRow.title, CaseDocumentRow.created_at)
        .where(CaseDocumentRow.case_id == case_id)
        .order_by(CaseDocumentRow.created_at, CaseDocumentRow.kind)
    )
    return tuple(CaseFileLetter(title, created_at) for title, created_at in rows)


def _history(session: Session, case_id: int, data_key: bytes | None) -> tuple[CaseFileEvent, ...]:
    """What happened, in words (engine/runtime/history_words.py): the steps done, timers, letters
    and status changes, with who did them; never refusals, views or claims."""
    events = history_lines(session, case_id, data_key)
    people = dict(
        session.execute(
            select(User.username, User.display_name).where(User.username.in_({e.actor for e in events}))
        ).all()
    )
    lines = []
    for event in events:
        text = event.text
        who = people.get(event.actor)
        if who and event.action != "document_created":
            text += f", by {who}"
        if event.reason:
            text += f" ({event.reason})"
        lines.append(CaseFileEvent(event.at, text))
    return tuple(lines)
