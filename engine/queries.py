"""Read models: ORM rows to plain views, without deserializing any workflow."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import (
    AuditEvent,
    Case,
    CaseDocumentRow,
    CaseFlagRow,
    DefinitionVersion,
    Incident,
    OpenTask,
    Timer,
)
from engine.views import CaseView, DocumentView, FlagView, HistoryEntry, IncidentView, TaskView, TimerView


def task_view(row: OpenTask, case_key: str) -> TaskView:
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


def history_entry(event: AuditEvent) -> HistoryEntry:
    return HistoryEntry(
        event.at, event.actor, event.action, event.element_id, event.task_id, dict(event.detail or {})
    )


def document_view(row: CaseDocumentRow) -> DocumentView:
    return DocumentView(row.id, row.kind, row.title, row.recipient, row.element_id, row.created_at, row.body)


def incident_view(row: Incident, case_key: str) -> IncidentView:
    return IncidentView(
        row.id, case_key, row.kind, row.element_id, row.message, row.attempts, row.created_at, row.resolved_at
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


def case_view(session: Session, case: Case, details: bool = True) -> CaseView:
    process_id, definition_version = _definition_label(session, case.definition_id)
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
    tasks = session.scalars(select(OpenTask).where(OpenTask.case_id == case.id).order_by(OpenTask.created_at))
    timers = session.scalars(select(Timer).where(Timer.case_id == case.id).order_by(Timer.due_at))
    flags = session.scalars(
        select(CaseFlagRow)
        .where(CaseFlagRow.case_id == case.id, CaseFlagRow.cleared_at.is_(None))
        .order_by(CaseFlagRow.raised_at)
    )
    incidents = session.scalars(
        select(Incident)
        .where(Incident.case_id == case.id, Incident.resolved_at.is_(None))
        .order_by(Incident.id)
    )
    return CaseView(
        key=case.business_key,
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
        open_tasks=[task_view(t, case.business_key) for t in tasks],
        timers=[TimerView(t.id, t.element_id, t.name, t.due_at, t.state.value) for t in timers],
        flags=[FlagView(f.kind, f.message, f.raised_at) for f in flags],
        incidents=[incident_view(i, case.business_key) for i in incidents],
    )
