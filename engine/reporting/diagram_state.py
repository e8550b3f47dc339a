"""Where a case is on its diagrams: each element's state, per process (main and called ones)."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.spec.case_facts import BPMN
from engine.spec.serialization import finished_elements
from engine.spec.xml_guard import parse_untrusted_xml

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
    found: dict[str, dict[str, str]] = {
        process: dict.fromkeys(ids, "completed") for process, ids in finished_elements(workflow).items()
    }
    for part in [workflow, *workflow.subprocesses.values()]:
        states = found.setdefault(part.spec.name, {})
        for task in part.tasks.values():
            element = getattr(task.task_spec, "bpmn_id", None)
            if not element:
                continue
            state = _state(task)
            if state is not None and RANK[state] >= RANK.get(states.get(element, ""), -1):
                states[element] = state
    return found


def elements_inside_calls(diagrams: dict[str, str], main: str) -> dict[str, set[str]]:
    """For each call activity of `main`: every element of the processes it calls (transitively),
    so cases waiting deep inside are counted at the call activity on the main diagram."""
    elements: dict[str, set[str]] = {}
    calls: dict[str, list[tuple[str, str | None]]] = {}
    for text in set(diagrams.values()):
        root = parse_untrusted_xml(text.encode(), "diagram")
        for process in root.iter(f"{{{BPMN}}}process"):
            pid = process.get("id")
            if pid is None:  # never looked up: every lookup is by a called (or the main) process id
                continue
            elements[pid] = {element_id for e in process.iter() if (element_id := e.get("id"))}
            calls[pid] = [
                (call_id, c.get("calledElement"))
                for c in process.iter(f"{{{BPMN}}}callActivity")
                if (call_id := c.get("id")) is not None  # one without an id cannot be drawn or counted
            ]

    def inside(pid: str, seen: frozenset[str]) -> set[str]:
        found = set(elements.get(pid, ()))
        for _call, called in calls.get(pid, []):
            if called and called not in seen:
                found |= inside(called, seen | {called})
        return found

    return {call: inside(called, frozenset({main, called})) for call, called in calls.get(main, []) if called}
