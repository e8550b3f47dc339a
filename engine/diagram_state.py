"""Where a case is on its diagrams: each element's state, per process (main and called ones)."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

RANK = {"completed": 0, "waiting": 1, "active": 2}


def _state(task) -> str | None:
    if task.has_state(TaskState.READY | TaskState.STARTED):
        return "active"
    if task.has_state(TaskState.WAITING):
        return "waiting"
    if task.has_state(TaskState.COMPLETED):
        return "completed"
    return None


def element_states(workflow: BpmnWorkflow) -> dict[str, dict[str, str]]:
    """{process id: {element id: 'completed' | 'waiting' | 'active'}}; the furthest state wins
    when an element ran more than once (a reopened decision is active, not completed)."""
    found: dict[str, dict[str, str]] = {}
    for part in [workflow, *workflow.subprocesses.values()]:
        states = found.setdefault(part.spec.name, {})
        for task in part.tasks.values():
            element = getattr(task.task_spec, "bpmn_id", None)
            state = _state(task) if element else None
            if state is not None and RANK[state] >= RANK.get(states.get(element, ""), -1):
                states[element] = state
    return found
