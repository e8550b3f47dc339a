"""Trying, before deploy, the diagram code that reads no case data: it does the same every time.

`pow(9, 9**9)` in a gateway condition, `x = b'abc'` in a script or `sum(range(10**15))` in a
decision cell would go over their budget or fail for every case; such code is run once here, in
the sandbox under its usual budget, and refused with a finding. Code that reads case data cannot
be judged before it has the data: its budget stops it at run time. The trials of one bundle
share a time of their own, so a bundle full of slow code cannot hold up a check.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from engine.errors import CodeBudgetExceeded, EngineError, SandboxViolation, ValueNotStorable
from engine.sandbox.code_cost import reads_case_data
from engine.sandbox.environment import SandboxEnvironment
from engine.spec.case_data import storable
from engine.working_days import diagram_helper

NOT_DEFINED = ("NameError", "UnboundLocalError")  # from the runner: the code read a name it lacks
TRIALS_SECONDS = 10.0  # for all the trials of one bundle
REGION = "england-and-wales"  # a trial only needs the helpers to give a value of the right form


class CodeTrials:
    """The trials of one bundle's code, within their shared time."""

    def __init__(self, seconds: float = TRIALS_SECONDS):
        self.deadline = time.monotonic() + seconds
        self.sandbox = SandboxEnvironment(datetime.now(UTC), REGION, self.deadline)

    def problem(self, source: str, mode: str, stored: bool = False) -> str | None:
        """Why `source` (already compiled by the sandbox) cannot be deployed, or None. `stored`:
        an expression whose value goes into the case (a decision's output), so a case must be
        able to hold it; a condition's or a timer's need not."""
        try:
            if reads_case_data(source, mode) or time.monotonic() >= self.deadline:
                return None  # checked when it runs, within its budget
        except SandboxViolation:
            return None  # not code of its own (a decision cell such as `> 5`), or reported already
        helpers = {"working_days": diagram_helper(datetime.now(UTC), REGION)}
        try:
            if mode == "exec":
                self.sandbox.execute(source, {}, helpers)
            else:
                value = self.sandbox.evaluate(source, {}, helpers)
                if stored:
                    storable(value, "its value")
        except CodeBudgetExceeded as over:
            return (
                None if time.monotonic() >= self.deadline else f"goes over its budget for every case: {over}"
            )
        except ValueNotStorable as unstorable:
            return f"stores what a case cannot hold: {unstorable}"
        except SandboxViolation:
            return None  # reported by the sandbox check already
        except EngineError as failed:
            return None if str(failed).startswith(NOT_DEFINED) else f"fails for every case: {failed}"
        except NameError:  # it reads something after all (a name assigned in a loop, say)
            return None
        except Exception as failed:  # what the code raised, running here (it is cheap)
            return f"fails for every case: {type(failed).__name__}: {failed}"
        return None
