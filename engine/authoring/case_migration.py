"""Move a running case to a newer version of its process, where SpiffWorkflow's diff shows it is safe.

Safe means: every element the case has reached or planned still exists in the new version, every
sub-process it is running exists there too, and no element has changed that the case waits at,
has planned, or whose outputs changed while work below it is open (its task tree keeps old
elements' outputs; SpiffWorkflow does not re-plan them). The forms of its open tasks are checked
in engine/authoring/model_versions.py. Then each task simply points at the new version's element.
SpiffWorkflow's own `migrate_workflow` also resets every ready and waiting task; that would re-arm
a waiting timer from now and renumber open tasks, so the tasks are re-pointed here instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.diff import SpecDiff
from SpiffWorkflow.util.task import TaskState

from engine.errors import EngineError
from engine.spec.serialization import spec_registry

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
FINISHED = TaskState.COMPLETED | TaskState.CANCELLED | TaskState.ERROR


class MigrationRefused(EngineError):
    """The case cannot move to that version; the message says which element stops it."""


@dataclass(frozen=True)
class MigrationPlan:
    """What moving one workflow (the case or one of its sub-processes) needs: new spec, alignment."""

    workflow: Any  # a BpmnWorkflow or a BpmnSubWorkflow (SpiffWorkflow has no types)
    spec: Any
    alignment: dict


def _label(spec) -> str:
    return f"{spec.bpmn_name or spec.bpmn_id or spec.name} ({spec.bpmn_id or spec.name})"


def _settled(task) -> bool:
    """Done with, and so is every task below it: nothing planned from its element is left."""
    return task.has_state(FINISHED) and all(_settled(child) for child in task.children)


def _plan(workflow, new_spec) -> MigrationPlan:
    diff = SpecDiff(spec_registry(), workflow.spec, new_spec)
    removed = set(diff.removed)
    for task in workflow.tasks.values():
        spec = task.task_spec
        if spec in removed:
            raise MigrationRefused(
                f"the new version removes {_label(spec)}, which this case has "
                f"{'reached' if task.has_state(FINISHED | LIVE) else 'planned'}"
            )
        # The task tree keeps what was planned from the old elements (SpiffWorkflow does not
        # re-plan it): a changed element the case waits at or has planned, or a finished one
        # whose outputs changed while work below it is open (a boundary event's split), would
        # leave a new step or timer that never runs.
        changes = diff.changed.get(spec)
        if changes and not task.has_state(FINISHED):
            where = "waits at" if task.has_state(LIVE) else "has planned"
            raise MigrationRefused(
                f"the case {where} {_label(spec)}, which the new version changes ({', '.join(changes)})"
            )
        if changes and "outputs" in changes and not all(_settled(c) for c in task.children):
            raise MigrationRefused(
                f"the new version changes what follows {_label(spec)}, and the case has open work there"
            )
    return MigrationPlan(workflow, new_spec, diff.alignment)


def migrate(workflow: BpmnWorkflow, new_spec, new_subprocess_specs: dict) -> None:
    """Re-point the case (and its running sub-processes) at the new specs, or raise MigrationRefused."""
    plans = [_plan(workflow, new_spec)]
    for sub in workflow.subprocesses.values():
        name = sub.spec.name
        if name not in new_subprocess_specs:
            raise MigrationRefused(f"the case runs sub-process {name}, which the new version no longer has")
        plans.append(_plan(sub, new_subprocess_specs[name]))
    for plan in plans:  # nothing is changed until every part has been found safe
        plan.workflow.spec = plan.spec
        for task in plan.workflow.tasks.values():
            aligned = plan.alignment.get(task.task_spec)
            if aligned is not None:
                task.task_spec = aligned
    workflow.subprocess_specs = dict(new_subprocess_specs)
