"""Incidents: what a case could not do on its own, for managers: a timer that failed every retry,
or a step whose diagram code failed or went over its budget when a person completed a task."""

from __future__ import annotations

from sqlalchemy import select

from engine import clock
from engine.errors import NotFound, SandboxViolation, ScriptError
from engine.persistence.db import Database
from engine.persistence.models import AuditEvent, Case, Incident, Timer, TimerState
from engine.runtime.incident_text import seal_error
from engine.runtime.queries import incident_view
from engine.runtime.step import bump_version
from engine.views import Actor, IncidentView


def list_incidents(db: Database, open_only: bool) -> list[IncidentView]:
    """Incidents, newest first."""
    with db.reading() as session:
        query = select(Incident, Case.business_key, Case.data_key).join(Case, Case.id == Incident.case_id)
        if open_only:
            query = query.where(Incident.resolved_at.is_(None))
        rows = session.execute(query.order_by(Incident.id.desc()))
        return [incident_view(row, key, data_key) for row, key, data_key in rows]


def retry_incident(db: Database, incident_id: int, actor: Actor) -> str:
    """Resolve an incident and put its failed timer back to waiting; returns the case reference."""
    with db.writing() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or incident.resolved_at is not None:
            raise NotFound(f"no open incident {incident_id}; list them with `nrm incidents`")
        now = clock.now()
        incident.resolved_at, incident.resolved_by = now, actor.username
        timer = session.get(Timer, incident.timer_id) if incident.timer_id else None
        if timer is not None and timer.state is TimerState.FAILED:
            timer.state, timer.attempts = TimerState.WAITING, 0
            timer.next_attempt_at = timer.claimed_by = timer.claimed_until = None
        bump_version(session, incident.case_id)  # its open incidents changed
        session.add(
            AuditEvent(
                case_id=incident.case_id,
                at=now,
                actor=actor.username,
                action="incident_retried",
                task_id=incident.timer_id,
                element_id=incident.element_id,
                detail={"incident": incident_id},
            )
        )
        return session.get_one(Case, incident.case_id).business_key


def open_step_incident(
    db: Database, case_id: int, error: ScriptError | SandboxViolation, actor: Actor, task_id: str | None
) -> None:
    """Record that a step of the case failed in its diagram's code (the step itself was rolled
    back): one open incident per case and element, its attempts counted, and an audit row."""
    now = clock.now()
    with db.writing() as session:
        data_key = session.scalar(select(Case.data_key).where(Case.id == case_id))
        message = seal_error(data_key, case_id, str(error))  # it may quote the case's data
        incident = session.scalar(
            select(Incident).where(
                Incident.case_id == case_id,
                Incident.kind == "script",
                Incident.element_id == error.element_id,
                Incident.resolved_at.is_(None),
            )
        )
        if incident is None:
            incident = Incident(
                case_id=case_id,
                element_id=error.element_id,
                kind="script",
                message=message,
                attempts=1,
                created_at=now,
            )
            session.add(incident)
        else:
            incident.attempts += 1
            incident.message = message
        bump_version(session, case_id)  # its open incidents changed
        session.add(
            AuditEvent(
                case_id=case_id,
                at=now,
                actor=actor.username,
                action="incident_opened",
                task_id=task_id,
                element_id=error.element_id,
                detail={"error": message},
            )
        )
