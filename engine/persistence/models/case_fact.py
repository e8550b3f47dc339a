"""Reported case facts: the data fields a process declares (`reportedFields`), copied out of the
workflow on every step so case lists and statistics filter and count without loading a workflow.
A list value (e.g. several exploitation types) is one row per item."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.models.base import Base


class CaseFact(Base):
    __tablename__ = "case_facts"
    __table_args__ = (Index("ix_case_facts_name_value", "name", "value", "case_id"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), primary_key=True)
