"""What people add to a case besides its forms: uploaded evidence files and notes, both kept for
good (no update or delete; the database refuses them on notes, migration 0015)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.models.base import Base, UtcDateTime


class CaseEvidence(Base):
    """An uploaded file, its type decided by its content (engine/runtime/evidence_checks.py). The
    bytes live in the database, never under the web root; they are loaded only for a download."""

    __tablename__ = "case_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    description: Mapped[str] = mapped_column(Text)  # sealed (engine/crypto/sealing.py)
    filename: Mapped[str] = mapped_column(Text)  # as uploaded, sanitised; sealed
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseNote(Base):
    """A note written on a case: appended, never changed."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(String(100))
    written_at: Mapped[datetime] = mapped_column(UtcDateTime)
