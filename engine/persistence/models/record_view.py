"""The record of every look at a case's personal data: who, when, which case, in which role, and
what they looked at (engine/runtime/record_views.py writes it; managers read it). Append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.models.base import Base, UtcDateTime


class RecordView(Base):
    __tablename__ = "record_views"
    __table_args__ = (
        # "Who has seen this record": a case's looks, newest first.
        Index("ix_record_views_case", "case_id", "at"),
        # The report of looks outside people's own work in a period.
        Index("ix_record_views_outside", "within_own_work", "at", "username", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    username: Mapped[str] = mapped_column(String(200))
    groups: Mapped[str] = mapped_column(String(1000))  # the person's groups then, comma-separated
    kind: Mapped[str] = mapped_column(String(40))  # a ViewKind
    task_id: Mapped[str | None] = mapped_column(String(36))
    task_name: Mapped[str | None] = mapped_column(String(300))  # the task's name in the diagram
    within_own_work: Mapped[bool] = mapped_column(Boolean)
