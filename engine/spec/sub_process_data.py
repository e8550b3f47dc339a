"""What a finished sub-process hands back to its call activity: the data of every branch that
ended in it, not only of the branch that ended last.

SpiffWorkflow copies the data of the sub-process's last task only. The reflection and recovery
period ends on its timer branch, so the support provider's answers, given on a parallel branch
that ended earlier, were dropped with the finished sub-process (and with them the support and
accommodation section of every later case file). Here each completed end event's data is merged
first, oldest first, then the last task's, which wins where both hold a name."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.util.task import TaskState

_spiffworkflow_update_data = CallActivity.update_data


def _update_data(self: CallActivity, my_task: Any, subworkflow: Any) -> None:
    io = subworkflow.spec.io_specification
    if io is not None and io.data_outputs:  # declared outputs: SpiffWorkflow's rule stands
        _spiffworkflow_update_data(self, my_task, subworkflow)
        return
    ended = sorted(
        (
            t
            for t in subworkflow.tasks.values()
            if isinstance(t.task_spec, EndEvent) and t.has_state(TaskState.COMPLETED)
        ),
        key=lambda t: t.last_state_change,
    )
    data: dict[str, Any] = {}
    for task in ended:
        data.update(task.data)
    data.update(subworkflow.last_task.data)
    my_task.data = deepcopy(data)


CallActivity.update_data = _update_data
