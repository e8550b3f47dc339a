"""Case summaries: the one row per case the statistics count (engine/models/case_summary.py).

Steps keep them (engine/runtime.py): a new case gets its row, changed reported facts rewrite its
facts key, the first reasonable or conclusive grounds decision sets its days, the overdue-RG flag
sets `rg_late`. `backfill_summaries` writes the rows of cases from before the table existed, from
the facts, audit rows and flags already stored (no workflow is loaded).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, and_, exists, func, insert, select

from engine.db import Database
from engine.models import AuditEvent, Case, CaseFact, CaseFlagRow, CaseSummary

SUMMARIES: Table = CaseSummary.__table__
RG_DECISION = "decide_reasonable_grounds"
CG_DECISION = "decide_conclusive_grounds"
DECISION_COLUMNS = {RG_DECISION: "rg_days", CG_DECISION: "cg_days"}
LATE_RG_FLAG = "overdue_reasonable_grounds"
CHUNK = 5000


def facts_key(facts: Iterable[tuple[str, str]]) -> str:
    """The reported facts as one sortable text: JSON of the sorted (name, value) pairs."""
    return json.dumps(sorted(facts), separators=(",", ":"))


def facts_of_key(key: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = defaultdict(list)
    for name, value in json.loads(key):
        values[name].append(value)
    return values


def referred_month(created_at: datetime) -> str:
    return created_at.astimezone(UTC).strftime("%Y-%m")


def days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


def new_row(case: Any, facts: Iterable[tuple[str, str]]) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "created_at": case.created_at,
        "referred_month": referred_month(case.created_at),
        "agency": case.agency,
        "facts_key": facts_key(facts),
        "rg_days": None,
        "cg_days": None,
        "rg_late": False,
    }


def backfill_summaries(db: Database, progress: Callable[[int], None] | None = None) -> int:
    """A summary for every case without one; returns how many were written."""
    done, last_id = 0, 0
    while True:
        with db.writing() as session:
            cases = session.execute(
                select(Case.id, Case.created_at, Case.agency)
                .where(Case.id > last_id, ~exists().where(CaseSummary.case_id == Case.id))
                .order_by(Case.id)
                .limit(CHUNK)
            ).all()
            if not cases:
                return done
            ids = [row.id for row in cases]
            last_id = ids[-1]
            facts: dict[int, list[tuple[str, str]]] = defaultdict(list)
            for case_id, name, value in session.execute(
                select(CaseFact.case_id, CaseFact.name, CaseFact.value).where(CaseFact.case_id.in_(ids))
            ):
                facts[case_id].append((name, value))
            decided = session.execute(
                select(AuditEvent.case_id, AuditEvent.element_id, func.min(AuditEvent.at))
                .where(
                    and_(
                        AuditEvent.action == "task_completed",
                        AuditEvent.element_id.in_(DECISION_COLUMNS),
                        AuditEvent.case_id.in_(ids),
                    )
                )
                .group_by(AuditEvent.case_id, AuditEvent.element_id)
            ).all()
            late = set(
                session.scalars(
                    select(CaseFlagRow.case_id).where(
                        CaseFlagRow.kind == LATE_RG_FLAG, CaseFlagRow.case_id.in_(ids)
                    )
                )
            )
            rows = {row.id: new_row(row, facts[row.id]) for row in cases}
            created = {row.id: row.created_at for row in cases}
            for case_id, element_id, at in decided:
                rows[case_id][DECISION_COLUMNS[element_id]] = days_between(created[case_id], at)
            for case_id in late:
                rows[case_id]["rg_late"] = True
            session.execute(insert(SUMMARIES), list(rows.values()))
            done += len(rows)
        if progress:
            progress(done)
