"""The rows a step writes, gathered so that one step, or a batch of steps, writes them in a few
statements (one INSERT per table, one UPDATE per kind of change) instead of one per row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Table,
    bindparam,
    delete,
    insert,
    null,
    select,
    union_all,
    update,
)

from engine.persistence.db import pipelined
from engine.persistence.models import (
    AuditEvent,
    Case,
    CaseDocumentRow,
    CaseFact,
    CaseFlagRow,
    CaseSummary,
    OpenTask,
    TaskDraft,
    Timer,
    TimerState,
)
from engine.runtime.case_summary import with_fact_set_ids

CASES: Table = Case.__table__
OPEN_TASKS: Table = OpenTask.__table__
TASK_DRAFTS: Table = TaskDraft.__table__
TIMERS: Table = Timer.__table__
FACTS: Table = CaseFact.__table__
SUMMARIES: Table = CaseSummary.__table__
INSERT_ORDER: tuple[Table, ...] = (
    TIMERS,
    OPEN_TASKS,
    FACTS,
    SUMMARIES,
    CaseDocumentRow.__table__,
    CaseFlagRow.__table__,
    AuditEvent.__table__,
)


@dataclass
class KnownRows:
    """What the database holds for a case before the step: its open task ids and waiting timers."""

    open_tasks: dict[str, datetime | None] = field(default_factory=dict)  # id -> due
    timers: list[tuple[str, str, str, datetime]] = field(default_factory=list)  # id, element, name, due


# One statement (a round trip on PostgreSQL) for both: timers first, their state typed; an open
# task's row has no state. By case alone, the timer's state checked in Python: a case has a few
# timers, while a condition on the state let PostgreSQL, on statistics from before a burst, scan
# every waiting timer instead.
_KNOWN_CASES: BindParameter[list[int]] = bindparam("case_ids", expanding=True)
_KNOWN_ROWS = union_all(
    select(
        TIMERS.c.case_id, TIMERS.c.state, TIMERS.c.id, TIMERS.c.element_id, TIMERS.c.name, TIMERS.c.due_at
    ).where(TIMERS.c.case_id.in_(_KNOWN_CASES)),
    select(OPEN_TASKS.c.case_id, null(), OPEN_TASKS.c.id, null(), null(), OPEN_TASKS.c.due_at).where(
        OPEN_TASKS.c.case_id.in_(_KNOWN_CASES)
    ),
)


def known_rows(connection: Connection, case_ids: list[int]) -> dict[int, KnownRows]:
    """The open tasks and waiting timers of each case, as stored."""
    known = {case_id: KnownRows() for case_id in case_ids}
    for case_id, state, row_id, element_id, name, due_at in connection.execute(
        _KNOWN_ROWS, {"case_ids": case_ids}
    ):
        if state is None:
            known[case_id].open_tasks[row_id] = due_at
        elif state is TimerState.WAITING:
            known[case_id].timers.append((row_id, element_id, name, due_at))
    return known


# A step's statements that do not depend on what it changed, built once (they run on every step).
_END_TIMER = (
    update(TIMERS)
    .where(TIMERS.c.id == bindparam("b_id"))
    .values(state=bindparam("b_state"), fired_at=bindparam("b_fired_at"))
)
_REMOVE_FACT = delete(FACTS).where(
    FACTS.c.case_id == bindparam("b_case"),
    FACTS.c.name == bindparam("b_name"),
    FACTS.c.value == bindparam("b_value"),
)


@dataclass
class StepWrites:
    inserts: dict[Table, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    closed_open_tasks: list[str] = field(default_factory=list)
    ended_timers: list[dict[str, Any]] = field(default_factory=list)
    removed_facts: list[dict[str, Any]] = field(default_factory=list)
    # case id -> {column: value}: what a case summary's columns become (a facts key for
    # fact_set_id, turned into the set's id when written)
    summary_values: dict[int, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    summary_decided: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        self.inserts[table].extend(rows)

    def end_timer(self, timer_id: str, state: Any, fired_at: datetime | None) -> None:
        self.ended_timers.append({"b_id": timer_id, "b_state": state, "b_fired_at": fired_at})

    def remove_fact(self, case_id: int, name: str, value: str) -> None:
        self.removed_facts.append({"b_case": case_id, "b_name": name, "b_value": value})

    def set_summary(self, column: str, case_id: int, value: Any) -> None:
        self.summary_values[case_id][column] = value

    def decided(self, column: str, case_id: int, days: float) -> None:
        """The first decision of its kind sets the days (a reconsideration does not)."""
        self.summary_decided[column].append({"b_case": case_id, "b_days": days})

    def merge(self, other: StepWrites) -> None:
        for table, rows in other.inserts.items():
            self.inserts[table].extend(rows)
        self.closed_open_tasks.extend(other.closed_open_tasks)
        self.ended_timers.extend(other.ended_timers)
        self.removed_facts.extend(other.removed_facts)
        for case_id, values in other.summary_values.items():
            self.summary_values[case_id].update(values)
        for column, rows in other.summary_decided.items():
            self.summary_decided[column].extend(rows)

    def execute(self, connection: Connection) -> None:
        """Write everything gathered (removals, then changes, then new rows) and start afresh. The
        fact set ids are read first; the writes then go in one pipeline on PostgreSQL (db.pipelined)."""
        if self.inserts.get(SUMMARIES):  # new cases: their facts keys become fact set ids
            self.inserts[SUMMARIES] = with_fact_set_ids(connection, self.inserts[SUMMARIES], "fact_set_id")
        summary_updates = self._summary_updates(connection)
        with pipelined(connection):
            if self.closed_open_tasks:
                connection.execute(delete(OPEN_TASKS).where(OPEN_TASKS.c.id.in_(self.closed_open_tasks)))
                # drafts hold personal data and are read only while their task is open
                connection.execute(
                    delete(TASK_DRAFTS).where(TASK_DRAFTS.c.task_id.in_(self.closed_open_tasks))
                )
            if self.ended_timers:
                connection.execute(_END_TIMER, self.ended_timers)
            if self.removed_facts:
                connection.execute(_REMOVE_FACT, self.removed_facts)
            for table in INSERT_ORDER:
                if self.inserts.get(table):
                    connection.execute(insert(table).inline(), self.inserts[table])  # no RETURNING
            for statement, rows in summary_updates:
                connection.execute(statement, rows)
        self.inserts.clear()
        self.closed_open_tasks.clear()
        self.ended_timers.clear()
        self.removed_facts.clear()
        self.summary_values.clear()
        self.summary_decided.clear()

    def _summary_updates(self, connection: Connection) -> list[tuple[Any, list[dict[str, Any]]]]:
        """One UPDATE for each set of columns changed together (usually one per step), with the
        fact set ids read already."""
        this_case = SUMMARIES.c.case_id == bindparam("b_case")
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for case_id, values in self.summary_values.items():
            row = {"b_case": case_id, **{f"b_{column}": value for column, value in values.items()}}
            by_columns[tuple(sorted(values))].append(row)
        updates = []
        for columns, rows in by_columns.items():
            if "fact_set_id" in columns:
                rows = with_fact_set_ids(connection, rows, "b_fact_set_id")
            values = {column: bindparam(f"b_{column}") for column in columns}
            updates.append((update(SUMMARIES).where(this_case).values(values), rows))
        for column, rows in self.summary_decided.items():
            updates.append(
                (
                    update(SUMMARIES)
                    .where(this_case, SUMMARIES.c[column].is_(None))
                    .values({column: bindparam("b_days")}),
                    rows,
                )
            )
        return updates


# What a step changes in its case row, for cases written without the ORM (a batch of timers, a
# completion): these columns, and the version up by one, as the ORM's version column would make it.
STEP_COLUMNS = (
    "state",
    "serializer_version",
    "updated_at",
    "current_step",
    "status",
    "ended_at",
    "outcome",
)
CASE_UPDATE = (
    update(CASES)
    .where(CASES.c.id == bindparam("b_id"))
    .values(version=CASES.c.version + 1, **{name: bindparam(f"b_{name}") for name in STEP_COLUMNS})
)
# ... and for one case, only if nobody wrote it since it was read (the optimistic lock).
CASE_UPDATE_IF_UNCHANGED = CASE_UPDATE.where(CASES.c.version == bindparam("b_version"))


def case_values(case: Any) -> dict[str, Any]:
    """The parameters of CASE_UPDATE (and CASE_UPDATE_IF_UNCHANGED) for a changed case."""
    return {"b_id": case.id, "b_version": case.version} | {
        f"b_{name}": getattr(case, name) for name in STEP_COLUMNS
    }
