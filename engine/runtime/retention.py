"""Which closed cases are past their process's retention (the `retention` property of the
process, in whole years after the case closed: engine/spec/retention.py): not held, not erased."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.persistence.models import Case, CaseStatus, DefinitionFile, DefinitionVersion
from engine.spec.retention import retention_years
from engine.views import RetentionDue

CLOSED = (CaseStatus.COMPLETED, CaseStatus.CANCELLED)


def erasable() -> list:
    """The conditions of a closed case whose personal data may be erased: not held, not erased."""
    return [
        Case.status.in_(CLOSED),
        Case.personal_data_erased_at.is_(None),
        Case.legal_hold_at.is_(None),
        Case.ended_at.is_not(None),
    ]


def years_before(moment: datetime, years: int) -> datetime:
    """The same day and time `years` years earlier (29 February: the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def retention_of_version(session: Session, definition_id: int) -> int | None:
    """The retention in years of a deployed version (None: it declares none, or a version from
    before the check declares one that is not a whole number of years)."""
    process_id = session.scalar(
        select(DefinitionVersion.process_id).where(DefinitionVersion.id == definition_id)
    )
    files = dict(
        session.execute(
            select(DefinitionFile.path, DefinitionFile.content).where(
                DefinitionFile.definition_id == definition_id, DefinitionFile.path.like("%.bpmn")
            )
        ).all()
    )
    try:
        return retention_years(files, process_id or "")
    except ValueError:
        return None


def due_for_erasure(session: Session, now: datetime) -> list[RetentionDue]:
    """The closed cases whose closing date plus their version's retention is past, oldest first."""
    versions = session.scalars(select(Case.definition_id).where(*erasable()).distinct())
    due: list[RetentionDue] = []
    for definition_id in list(versions):
        years = retention_of_version(session, definition_id)
        if years is None:
            continue
        rows = session.execute(
            select(Case.business_key, Case.ended_at).where(
                *erasable(), Case.definition_id == definition_id, Case.ended_at <= years_before(now, years)
            )
        )
        due += [RetentionDue(key, ended_at, years) for key, ended_at in rows if ended_at is not None]
    return sorted(due, key=lambda item: (item.ended_at, item.key))
