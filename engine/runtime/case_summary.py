"""Case summaries: the one row per case the statistics count (engine/persistence/models/case_summary.py).

Steps keep them (engine/runtime/step.py): a new case gets its row, changed reported facts point it at
another fact set, the first reasonable or conclusive grounds decision sets its days, the
overdue-RG flag sets `rg_late`. A fact set (engine/persistence/models/fact_set.py) is found or added by the
SHA-256 of its key when the rows are written. `backfill_summaries` writes the rows of cases from
before the table existed, from the facts, audit rows and flags already stored (no workflow is
loaded).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, exists, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite

from engine.persistence.db import Database
from engine.persistence.models import AuditEvent, Case, CaseFact, CaseFlagRow, CaseSummary, FactSet, OpenTask

SUMMARIES: Table = CaseSummary.__table__
RG_DECISION = "decide_reasonable_grounds"
CG_DECISION = "decide_conclusive_grounds"
DECISION_COLUMNS = {RG_DECISION: "rg_days", CG_DECISION: "cg_days"}
LATE_RG_FLAG = "overdue_reasonable_grounds"
CHUNK = 5000


def facts_key(facts: Iterable[tuple[str, str]]) -> str:
    """The reported facts as one sortable text: JSON of the sorted (name, value) pairs."""
    return json.dumps(sorted(facts), separators=(",", ":"))


def fact_set_ids(connection: Connection, keys: set[str]) -> dict[str, int]:
    """The fact set id of each key, adding the sets not stored yet (another process adding the
    same set at the same moment is fine: ON CONFLICT DO NOTHING, then read back)."""
    # Not cached in the process: a cache would outlive a database restored from a backup.
    by_hash = {hashlib.sha256(key.encode()).hexdigest(): key for key in keys}
    if not by_hash:
        return {}
    table = FactSet.__table__
    stored = select(table.c.key_hash, table.c.id)
    existing = dict(connection.execute(stored.where(table.c.key_hash.in_(by_hash))).all())
    new = [{"key_hash": h, "facts_key": k} for h, k in by_hash.items() if h not in existing]
    if new:
        upsert = (sqlite if connection.dialect.name == "sqlite" else postgresql).insert(table)
        connection.execute(upsert.on_conflict_do_nothing(index_elements=["key_hash"]), new)
        existing.update(
            connection.execute(stored.where(table.c.key_hash.in_([r["key_hash"] for r in new]))).all()
        )
    return {by_hash[h]: set_id for h, set_id in existing.items()}


def facts_of_key(key: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = defaultdict(list)
    for name, value in json.loads(key):
        values[name].append(value)
    return values


def referred_month(created_at: datetime) -> str:
    return created_at.astimezone(UTC).strftime("%Y-%m")


def days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


def new_row(case: Any, facts: Iterable[tuple[str, str]], next_due: datetime | None = None) -> dict[str, Any]:
    """A summary row, with its facts key where the fact set id goes (see `with_fact_set_ids`)."""
    return {
        "case_id": case.id,
        "created_at": case.created_at,
        "referred_month": referred_month(case.created_at),
        "agency": case.agency,
        "status": case.status,
        "fact_set_id": facts_key(facts),
        "rg_days": None,
        "cg_days": None,
        "rg_late": False,
        "next_due_at": next_due,
    }


def with_fact_set_ids(connection: Connection, rows: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """`rows` with each facts key in `field` replaced by its fact set id."""
    ids = fact_set_ids(connection, {row[field] for row in rows})
    return [{**row, field: ids[row[field]]} for row in rows]


ANALYZED = ("cases", "case_facts", "audit_events", "open_tasks", "case_flags")


def backfill_summaries(db: Database, progress: Callable[[int], None] | None = None) -> int:
    """A summary for every case without one; returns how many were written."""
    done, last_id = 0, 0
    if not db.is_sqlite:
        # Fresh statistics first: after a bulk import PostgreSQL may still plan on the audit
        # table's old size; the decisions query then scanned far more than its CHUNK of cases and
        # the backfill took several times as long (docs/performance.md).
        with db.writing() as session:
            session.execute(text(f"ANALYZE {', '.join(ANALYZED)}"))
    while True:
        with db.writing() as session:
            cases = session.execute(
                select(Case.id, Case.created_at, Case.agency, Case.status)
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
            # (case id, element id, first completed): neither id NULL, as the conditions say.
            decided = cast(
                list[tuple[int, str, datetime]],
                session.execute(
                    select(AuditEvent.case_id, AuditEvent.element_id, func.min(AuditEvent.at))
                    .where(
                        and_(
                            AuditEvent.action == "task_completed",
                            AuditEvent.element_id.in_(DECISION_COLUMNS),
                            AuditEvent.case_id.in_(ids),
                        )
                    )
                    .group_by(AuditEvent.case_id, AuditEvent.element_id)
                ).all(),
            )
            next_due = session.execute(
                select(OpenTask.case_id, func.min(OpenTask.due_at))
                .where(OpenTask.case_id.in_(ids))
                .group_by(OpenTask.case_id)
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
            for case_id, due_at in next_due:
                rows[case_id]["next_due_at"] = due_at
            connection = session.connection()
            connection.execute(
                insert(SUMMARIES), with_fact_set_ids(connection, list(rows.values()), "fact_set_id")
            )
            done += len(rows)
        if progress:
            progress(done)
