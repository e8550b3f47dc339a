"""A case's evidence and notes as plain views, with the names of who added them (for the case
page, a task's case file and the evidence routes)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.crypto.sealing import unseal_text
from engine.persistence.models import CaseEvidence, CaseNote, User
from engine.runtime.evidence_checks import TYPE_NAMES
from engine.views import EvidenceView, NoteView

FORMER_USER = "A former user"  # someone named in a case who is no longer a user (pages say it too)


def evidence_views(
    session: Session, case_id: int, data_key: bytes | None, agency: str | None = None
) -> tuple[EvidenceView, ...]:
    """The case's evidence, oldest first; with `agency`, only what that agency's people added.
    `data_key`: the case's (its descriptions are sealed)."""
    query = (
        select(
            CaseEvidence.id,
            CaseEvidence.description,
            CaseEvidence.media_type,
            CaseEvidence.size,
            CaseEvidence.uploaded_by,
            CaseEvidence.uploaded_at,
            User.display_name,
        )
        .outerjoin(User, User.username == CaseEvidence.uploaded_by)
        .where(CaseEvidence.case_id == case_id)
        .order_by(CaseEvidence.id)
    )
    if agency is not None:
        query = query.where(User.agency == agency)
    return tuple(
        EvidenceView(
            row.id,
            unseal_text(data_key, case_id, "evidence description", row.description),
            TYPE_NAMES.get(row.media_type, "File"),
            row.size,
            row.display_name or FORMER_USER,
            row.uploaded_at,
        )
        for row in session.execute(query)
    )


def note_views(
    session: Session, case_id: int, data_key: bytes | None, agency: str | None = None
) -> tuple[NoteView, ...]:
    """The case's notes in the order written; with `agency`, only that agency's people's."""
    query = (
        select(CaseNote.id, CaseNote.text, CaseNote.written_by, CaseNote.written_at, User.display_name)
        .outerjoin(User, User.username == CaseNote.written_by)
        .where(CaseNote.case_id == case_id)
        .order_by(CaseNote.id)
    )
    if agency is not None:
        query = query.where(User.agency == agency)
    return tuple(
        NoteView(
            row.id,
            unseal_text(data_key, case_id, "note", row.text),
            row.display_name or FORMER_USER,
            row.written_at,
        )
        for row in session.execute(query)
    )
