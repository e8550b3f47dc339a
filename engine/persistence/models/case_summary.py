"""One narrow row per case with what the statistics count, kept by every step: the statistics
page reads 200,000 of these through one covering index instead of joining facts, audit rows and
flags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Enum, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.models.base import Base, UtcDateTime
from engine.persistence.models.case import CaseStatus


class CaseSummary(Base):
    __tablename__ = "case_summaries"
    __table_args__ = (
        # Statistics: the period's rows grouped, read from the index alone.
        Index(
            "ix_case_summaries_month",
            "referred_month",
            "agency",
            "fact_set_id",
            "rg_late",
            "rg_days",
            "cg_days",
        ),
        # Case list: how many cases of some fact sets are in each status.
        Index("ix_case_summaries_fact_set", "fact_set_id", "status", "case_id"),
        # Percentiles: the n-th value in order, by index position (`+referred_month` keeps the
        # planner on these rather than the month index).
        Index("ix_case_summaries_rg_days", "rg_days", "referred_month"),
        Index("ix_case_summaries_cg_days", "cg_days", "referred_month"),
        # Case list: overdue cases, counted per status from the index.
        Index("ix_case_summaries_next_due", "next_due_at", "status"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)  # when the referral was made
    referred_month: Mapped[str] = mapped_column(String(7))  # "2026-03", UTC
    agency: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[CaseStatus] = mapped_column(
        Enum(CaseStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )  # the case's, copied so the case list counts a fact filter's matches here
    fact_set_id: Mapped[int] = mapped_column(ForeignKey("fact_sets.id"))  # its reported facts
    rg_days: Mapped[float | None] = mapped_column(Float)  # referral to the first RG decision
    cg_days: Mapped[float | None] = mapped_column(Float)  # referral to the first CG decision
    rg_late: Mapped[bool] = mapped_column(Boolean, default=False)  # RG decision past its target
    next_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # soonest open task due date
