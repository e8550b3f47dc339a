"""A case: one process instance, its serialized state and its optimistic version."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.models.base import Base, UtcDateTime, utc_now


class CaseStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status_ended_at", "status", "ended_at"),)  # retention_due

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_key: Mapped[str] = mapped_column(String(100), unique=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(
        Enum(CaseStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        index=True,
    )
    state: Mapped[bytes] = mapped_column(LargeBinary)  # engine/spec/serialization.py: zlib'd JSON
    serializer_version: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    current_step: Mapped[str | None] = mapped_column(String(500))
    outcome: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str | None] = mapped_column(String(100), index=True)  # the referring agency
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # the case's data key, wrapped by the master key (engine/crypto): None once erased
    data_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    data_key_id: Mapped[str | None] = mapped_column(String(16), index=True)  # the master key's id
    # the erasure of its personal data (engine/runtime/erasure.py): when, why (in clear), by whom
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    erasure_reason: Mapped[str | None] = mapped_column(String(500))
    erased_by: Mapped[str | None] = mapped_column(String(200))
    # a legal hold: never erased while set; the reason is sealed with the case's key
    legal_hold_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    legal_hold_by: Mapped[str | None] = mapped_column(String(200))
    legal_hold_reason: Mapped[str | None] = mapped_column(Text)

    # Optimistic lock: every UPDATE says WHERE version = <the version read>; a stale write fails.
    __mapper_args__ = {"version_id_col": version}
