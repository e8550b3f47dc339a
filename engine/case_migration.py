"""Move a running case to a newer version of its process, where SpiffWorkflow's diff shows it is safe.

Safe means: every element the case has reached or planned still exists in the new version, every
sub-process it is running exists there too, and nothing it waits at now (a user task, a timer, a
running sub-process) has changed. Then each task simply points at the new version's element.
SpiffWorkflow's own `migrate_workflow` also resets every ready and waiting task; that would re-arm
a waiting timer from now and renumber open tasks, so the tasks are re-pointed here instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.diff import SpecDiff
from SpiffWorkflow.util.task import TaskState

from engine.errors import EngineError
from engine.serialization import spec_registry

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


class MigrationRefused(EngineError):
    """The case cannot move to that version; the message says which element stops it."""


@dataclass(frozen=True)
class MigrationPlan:
    """What moving one workflow (the case or one of its sub-processes) needs: new spec, alignment."""

    workflow: object
    spec: object
    alignment: dict


def _label(spec) -> str:
    return f"{spec.bpmn_name or spec.bpmn_id or spec.name} ({spec.bpmn_id or spec.name})"


def _plan(workflow, new_spec) -> MigrationPlan:
    diff = SpecDiff(spec_registry(), workflow.spec, new_spec)
    removed = set(diff.removed)
    for task in workflow.tasks.values():
        spec = task.task_spec
        if spec in removed:
            raise MigrationRefused(
                f"the new version removes {_label(spec)}, which this case has "
                f"{'reached' if task.has_state(TaskState.FINISHED_MASK | LIVE) else 'planned'}"
            )
        if task.has_state(LIVE) and spec in diff.changed:
            changes = ", ".join(diff.changed[spec])
            raise MigrationRefused(
                f"the case waits at {_label(spec)}, which the new version changes ({changes})"
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
