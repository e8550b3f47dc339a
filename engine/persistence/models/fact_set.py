"""A distinct combination of reported facts, stored once: case summaries point at it, so the
statistics group by a small integer and the case list finds the combinations holding some facts
among a few thousand rows instead of 200,000. Rows are never changed or removed."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.models.base import Base


class FactSet(Base):
    __tablename__ = "fact_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the key (indexable)
    facts_key: Mapped[str] = mapped_column(Text)  # the sorted (name, value) pairs as JSON
