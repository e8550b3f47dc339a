"""The engine's views as the JSON the OpenAPI document describes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine import CaseView, TaskView


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def task_json(task: TaskView) -> dict[str, Any]:
    return {
        "id": task.id,
        "case_key": task.case_key,
        "element_id": task.element_id,
        "name": task.name,
        "candidate_group": task.candidate_group,
        "form": task.form,
        "assignee": task.assignee,
        "created_at": _time(task.created_at),
        "due_at": _time(task.due_at),
    }


def case_json(case: CaseView) -> dict[str, Any]:
    return {
        "key": case.key,
        "status": case.status,
        "process_id": case.process_id,
        "definition_version": case.definition_version,
        "current_step": case.current_step,
        "outcome": case.outcome,
        "agency": case.agency,
        "created_at": _time(case.created_at),
        "updated_at": _time(case.updated_at),
        "ended_at": _time(case.ended_at),
        "open_tasks": [task_json(t) for t in case.open_tasks],
        "timers": [
            {"element_id": t.element_id, "name": t.name, "due_at": _time(t.due_at), "state": t.state}
            for t in case.timers
        ],
    }
