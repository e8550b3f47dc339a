"""Open user tasks, denormalized on every step so the inbox never deserializes a workflow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.models.base import Base, UtcDateTime


class OpenTask(Base):
    __tablename__ = "open_tasks"
    __table_args__ = (
        # The inbox reads a group's tasks in page order from this index (engine/runtime/inbox.py) ...
        Index(
            "ix_open_tasks_inbox",
            "candidate_group",
            "due_at",
            "created_at",
            "case_id",
            "element_id",
            "assignee",
        ),
        # ... and counts them from this one: PostgreSQL stores each group once with a list of its rows
        # (B-tree deduplication), so a group's count reads far less than the wide index (docs/performance.md).
        Index("ix_open_tasks_group", "candidate_group"),
        # Only claimed tasks: a third or less of them, and "not assigned" is never read from it (with
        # SQLite's ANALYZE statistics the planner took `assignee IS NULL` for a rare value).
        Index(
            "ix_open_tasks_assigned",
            "assignee",
            "due_at",
            sqlite_where=text("assignee IS NOT NULL"),
            postgresql_where=text("assignee IS NOT NULL"),
        ),
        # The case list: cases waiting at a step, cases with an overdue task.
        Index("ix_open_tasks_element", "element_id", "name", "case_id"),
        Index("ix_open_tasks_due", "due_at", "case_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # SpiffWorkflow task id
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    process_id: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(200))
    candidate_group: Mapped[str] = mapped_column(String(200))
    form: Mapped[str | None] = mapped_column(String(300))
    assignee: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
