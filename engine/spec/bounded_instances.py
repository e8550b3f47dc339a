"""A parallel multi-instance activity over a list in the case data makes one task per item, all at
once, inside SpiffWorkflow, before a step can count them: a list of a million items would hold
the worker for minutes. This spec class checks the list's length first, and the parser and the
serializer use it in place of SpiffWorkflow's own (`bounded_parser`, `with_bounded_instances`).

SpiffWorkflow chooses the class from its task parser's `PARALLEL_MI_CLASS` and offers no other
hook, so that attribute is set once, as engine/clock.py sets SpiffWorkflow's clock. Versions
deployed before this keep SpiffWorkflow's class in their stored spec, and are restored with it.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import SpiffTaskParser
from SpiffWorkflow.spiff.serializer.task_spec import SpiffMultiInstanceConverter
from SpiffWorkflow.spiff.specs.defaults import ParallelMultiInstanceTask

from engine.errors import ScriptError
from engine.spec.step_budget import check_instance_count


class BoundedParallelMultiInstanceTask(ParallelMultiInstanceTask):
    """SpiffWorkflow's parallel multi-instance activity, refusing more items than the limit."""

    def create_children(self, my_task) -> None:
        if self.data_input is not None:
            try:
                check_instance_count(len(self.data_input.get(my_task)))
            except (ScriptError, TypeError) as refused:
                message = f"{self.data_input.bpmn_id}: {refused}"
                raise WorkflowTaskException(message, task=my_task, exception=refused) from refused
        super().create_children(my_task)


def bounded_parser() -> SpiffBpmnParser:
    """SpiffWorkflow's parser, making bounded parallel multi-instance activities."""
    SpiffTaskParser.PARALLEL_MI_CLASS = BoundedParallelMultiInstanceTask
    return SpiffBpmnParser()


def with_bounded_instances(config: dict) -> dict:
    """The serializer's config, knowing the bounded class as well as SpiffWorkflow's."""
    return {**config, BoundedParallelMultiInstanceTask: SpiffMultiInstanceConverter}
