"""A person's unfinished answers to a task's form: kept until they send them or the task is done.

Personal data: read only by the person who saved them (engine/runtime/task_drafts.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.models.base import Base, UtcDateTime


class TaskDraft(Base):
    __tablename__ = "task_drafts"
    __table_args__ = (UniqueConstraint("task_id", "username", name="uq_task_drafts_task_id_username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36), index=True)
    username: Mapped[str] = mapped_column(String(200))
    answers_json: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)
