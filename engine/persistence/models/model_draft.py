"""A process owner's draft of a bundle: edited and validated freely, never run until deployed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.models.base import Base, UtcDateTime, utc_now


class ModelDraft(Base):
    __tablename__ = "model_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("definition_versions.id"), nullable=True)
    files_json: Mapped[str] = mapped_column(Text)  # {"path": "text", ...}: every file is UTF-8 text
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock: a stale save is refused

    __mapper_args__ = {"version_id_col": version}
