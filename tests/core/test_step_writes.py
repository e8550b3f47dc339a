"""A step's rows are written together (on PostgreSQL in one pipeline): a failing row fails the
step with SQLAlchemy's own error, and nothing of it is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engine.persistence.db import pipelined
from engine.persistence.models import AuditEvent, OpenTask
from engine.runtime.step_writes import OPEN_TASKS, StepWrites


def _audit_count(engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def _open_task_row(engine) -> dict:
    with engine.db.reading() as session:
        task = session.scalars(select(OpenTask)).one()
        return {column.name: getattr(task, column.name) for column in OPEN_TASKS.columns}


@pytest.mark.parametrize("failing", ["a row before others", "the last row"])
def test_a_failing_row_fails_the_whole_write_and_leaves_nothing(mini, failing):
    case = mini.start_case("mini_process")
    existing = _open_task_row(mini)
    with mini.db.reading() as session:
        taken_id = session.scalar(select(func.max(AuditEvent.id)))
    audits = _audit_count(mini)
    writes = StepWrites()
    audit = {"case_id": None, "at": existing["created_at"], "actor": "t", "action": "x", "detail": {}}
    if failing == "a row before others":  # open tasks go in before audit rows
        writes.insert(OPEN_TASKS, [existing])  # the same id again: the primary key refuses it
        writes.insert(AuditEvent.__table__, [audit])
    else:  # on PostgreSQL the error comes back only when the pipeline ends
        writes.closed_open_tasks.append(existing["id"])
        writes.insert(AuditEvent.__table__, [{**audit, "id": taken_id}])
    with pytest.raises(IntegrityError), mini.db.writing() as session:
        writes.execute(session.connection())
    assert _audit_count(mini) == audits
    assert _open_task_row(mini) == existing
    # the connection went back to the pool usable: the next step is written as usual
    after = mini.complete_task(case.open_tasks[0].id, {"name": "Ada", "team": "a"})
    assert after.version == case.version + 1
    assert _audit_count(mini) > audits


def test_rows_of_every_kind_are_written_in_one_go(mini):
    case = mini.start_case("mini_process")
    row = _open_task_row(mini)
    writes = StepWrites()
    writes.closed_open_tasks.append(row["id"])
    writes.insert(OPEN_TASKS, [{**row, "id": "00000000-0000-0000-0000-000000000001", "name": "Moved"}])
    writes.insert(
        AuditEvent.__table__,
        [
            {"case_id": None, "at": row["created_at"], "actor": "t", "action": f"a{n}", "detail": {}}
            for n in range(3)
        ],
    )
    with mini.db.writing() as session:
        writes.execute(session.connection())
    assert not writes.inserts and not writes.closed_open_tasks  # gathered afresh
    with mini.db.reading() as session:
        names = session.scalars(select(OpenTask.name).where(OpenTask.case_id == row["case_id"])).all()
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "t")).all()
    assert names == ["Moved"]
    assert sorted(actions) == ["a0", "a1", "a2"]
    assert case.key


def test_a_read_inside_the_pipeline_is_refused_not_silently_empty(mini):
    mini.start_case("mini_process")
    with pytest.raises(RuntimeError, match="only writes"), mini.db.writing() as session:
        connection = session.connection()
        with pipelined(connection):
            connection.execute(select(func.count()).select_from(OpenTask))
    with mini.db.writing() as session:  # the connection is usable again, and reads are allowed
        assert session.connection().execute(select(func.count()).select_from(OpenTask)).scalar() == 1
