"""Read models: ORM rows to plain views, without deserializing any workflow."""

from __future__ import annotations

from sqlalchemy import BindParameter, Row, bindparam, select
from sqlalchemy.orm import Session

from engine.crypto.sealing import TEXT_MARK, unseal_text
from engine.persistence.models import (
    AuditEvent,
    Case,
    CaseDocumentRow,
    CaseFlagRow,
    DefinitionVersion,
    Incident,
    OpenTask,
    Timer,
)
from engine.runtime.incident_text import open_error
from engine.views import CaseView, DocumentView, FlagView, HistoryEntry, IncidentView, TaskView, TimerView


def task_view(row: OpenTask | Row, case_key: str) -> TaskView:
    return TaskView(
        row.id,
        case_key,
        row.element_id,
        row.name,
        row.process_id,
        row.lane,
        row.candidate_group,
        row.form,
        row.assignee,
        row.created_at,
        row.due_at,
    )


def history_entry(event: AuditEvent, data_key: bytes | None = None) -> HistoryEntry:
    """An audit row; a reason people wrote is unsealed with the case's `data_key` if given, and
    left out without it (the case's personal data was erased)."""
    detail = dict(event.detail or {})
    reason = detail.get("reason")
    if isinstance(reason, str) and reason.startswith(TEXT_MARK) and event.case_id is not None:
        if data_key is None:
            del detail["reason"]
        else:
            detail["reason"] = unseal_text(data_key, event.case_id, "reason", reason)
    if isinstance(detail.get("error"), str) and event.case_id is not None:
        detail["error"] = open_error(data_key, event.case_id, detail["error"])
    return HistoryEntry(event.at, event.actor, event.action, event.element_id, event.task_id, detail)


def document_view(row: CaseDocumentRow, data_key: bytes | None) -> DocumentView:
    body = unseal_text(data_key, row.case_id, "document", row.body)  # data_key: the case's
    return DocumentView(row.id, row.kind, row.title, row.recipient, row.element_id, row.created_at, body)


def incident_view(row: Incident | Row, case_key: str, data_key: bytes | None) -> IncidentView:
    """An incident, its message unsealed with the case's `data_key`."""
    message = open_error(data_key, row.case_id, row.message)
    return IncidentView(
        row.id, case_key, row.kind, row.element_id, message, row.attempts, row.created_at, row.resolved_at
    )


def _definition_label(session: Session, definition_id: int) -> tuple[str, int]:
    """(process id, version) of a definition, remembered for the session: not its row, whose
    parsed spec is hundreds of kilobytes that a view never needs."""
    labels = session.info.setdefault("definition_labels", {})
    if definition_id not in labels:
        labels[definition_id] = tuple(
            session.execute(
                select(DefinitionVersion.process_id, DefinitionVersion.version).where(
                    DefinitionVersion.id == definition_id
                )
            ).one()
        )
    return labels[definition_id]


# The case view's reads, built once: they run after every step (see docs/performance.md).
_TASKS, _TIMERS = OpenTask.__table__, Timer.__table__
_FLAGS, _INCIDENTS = CaseFlagRow.__table__, Incident.__table__
_THIS_CASE: BindParameter[int] = bindparam("case_id")
_CASE_TASKS = select(_TASKS).where(_TASKS.c.case_id == _THIS_CASE).order_by(_TASKS.c.created_at)
_CASE_TIMERS = (
    select(_TIMERS.c.id, _TIMERS.c.element_id, _TIMERS.c.name, _TIMERS.c.due_at, _TIMERS.c.state)
    .where(_TIMERS.c.case_id == _THIS_CASE)
    .order_by(_TIMERS.c.due_at)
)
_CASE_FLAGS = (
    select(_FLAGS.c.kind, _FLAGS.c.message, _FLAGS.c.raised_at)
    .where(_FLAGS.c.case_id == _THIS_CASE, _FLAGS.c.cleared_at.is_(None))
    .order_by(_FLAGS.c.raised_at)
)
_CASE_INCIDENTS = (
    select(_INCIDENTS)
    .where(_INCIDENTS.c.case_id == _THIS_CASE, _INCIDENTS.c.resolved_at.is_(None))
    .order_by(_INCIDENTS.c.id)
)


def case_view(
    session: Session,
    case: Case,
    details: bool = True,
    label: tuple[str, int] | None = None,
    marks: tuple[list[FlagView], list[IncidentView]] | None = None,
) -> CaseView:
    """A case as plain data. A step's caller may have `label`, its definition's (process id,
    version), and `marks`, its open flags and incidents (engine/runtime/workflow_cache.py): not read again."""
    process_id, definition_version = label or _definition_label(session, case.definition_id)
    if not details:
        return CaseView(
            case.business_key,
            case.status.value,
            process_id,
            definition_version,
            case.current_step,
            case.outcome,
            case.created_at,
            case.updated_at,
            case.ended_at,
            case.version,
            case.agency,
        )
    connection, key, this_case = session.connection(), case.business_key, {"case_id": case.id}
    return CaseView(
        key=key,
        status=case.status.value,
        process_id=process_id,
        definition_version=definition_version,
        current_step=case.current_step,
        outcome=case.outcome,
        created_at=case.created_at,
        updated_at=case.updated_at,
        ended_at=case.ended_at,
        version=case.version,
        agency=case.agency,
        open_tasks=[task_view(t, key) for t in connection.execute(_CASE_TASKS, this_case)],
        timers=[
            TimerView(t.id, t.element_id, t.name, t.due_at, t.state.value)
            for t in connection.execute(_CASE_TIMERS, this_case)
        ],
        flags=marks[0] if marks else [FlagView(*f) for f in connection.execute(_CASE_FLAGS, this_case)],
        incidents=(
            marks[1]
            if marks
            else [
                incident_view(i, key, case.data_key) for i in connection.execute(_CASE_INCIDENTS, this_case)
            ]
        ),
    )
