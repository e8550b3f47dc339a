"""What one step of a case may spend, whatever its diagram does: time, tasks and instances.

Each piece of diagram code has its own budget (engine/sandbox/runner.py), but a diagram can also
loop through cheap script tasks without ever reaching a wait state, or ask for a million
parallel instances. A step therefore has a deadline (`NRM_STEP_SECONDS`, default 10) and may run
at most `MAX_TASKS_PER_STEP` tasks; over either, it stops with CodeBudgetExceeded naming the
element it was at, and nothing of the step is written.
"""

from __future__ import annotations

import os
import time
from functools import cache
from typing import Any

from engine.errors import CodeBudgetExceeded

MAX_TASKS_PER_STEP = 2_000  # the NRM pathway's busiest step runs about 40
MAX_INSTANCES = 100  # a multi-instance activity's count, when code computes it
_DEFAULT_SECONDS = 10.0


@cache  # read once: every step of every case asks
def step_seconds() -> float:
    """`NRM_STEP_SECONDS`: how long one step of a case may run (at least 1, at most 600)."""
    value = float(os.environ.get("NRM_STEP_SECONDS", _DEFAULT_SECONDS))
    if not 1 <= value <= 600:
        raise ValueError("NRM_STEP_SECONDS must be from 1 to 600")
    return value


class StepBudget:
    """SpiffWorkflow's before-and-after callbacks for each task a step runs, counting them."""

    def __init__(self, seconds: float | None = None, max_tasks: int = MAX_TASKS_PER_STEP):
        self.seconds = step_seconds() if seconds is None else seconds
        self.deadline = time.monotonic() + self.seconds
        self.max_tasks = max_tasks
        self.tasks = 0
        self.last_task: Any = None  # the SpiffWorkflow task being run (for error messages)

    def starting(self, task: Any) -> None:
        self.last_task = task

    def spent(self, task: Any) -> None:
        self.tasks += 1
        if self.tasks > self.max_tasks:
            at, element_id = where(task)
            raise CodeBudgetExceeded(
                f"The case ran {self.max_tasks:,} tasks{at} without stopping to wait for a person or a "
                "date: is there a loop in the diagram with no way out?",
                element_id,
            )
        if time.monotonic() > self.deadline:
            at, element_id = where(task)
            raise CodeBudgetExceeded(
                f"The case was stopped{at} after {self.seconds:g} seconds, the budget of one step",
                element_id,
                transient=True,  # a loaded machine, perhaps: a timer may try again
            )


def check_instance_count(value: Any) -> None:
    """A multi-instance activity's computed count must be a whole number within the limit."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INSTANCES:
        raise CodeBudgetExceeded(f"the number of instances must be a whole number from 0 to {MAX_INSTANCES}")


def where(task: Any) -> tuple[str, str | None]:
    """' at element_id (its name)' and the element id of a SpiffWorkflow task ('' and None if
    it is not a diagram element)."""
    spec: Any = getattr(task, "task_spec", None)  # a task spec or None; SpiffWorkflow has no types
    if getattr(spec, "bpmn_id", None) is None:
        return "", None
    return f" at {spec.bpmn_id} ({spec.bpmn_name or 'unnamed'})", spec.bpmn_id
