"""The sandbox every expression, script and DMN cell in a diagram runs in.

Code is compiled under the sandbox's rules (engine/sandbox/rules.py). Code that is cheap by
construction (engine/sandbox/code_cost.py: nearly all of it) runs here, in the worker; anything else
runs in a child process within a budget of processor time and memory
(engine/sandbox/runner.py). Either way, what code stores must be something a case can hold.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.errors import CodeBudgetExceeded, SandboxViolation
from engine.sandbox.code_cost import HELPERS, runs_inline
from engine.sandbox.rules import compile_sandboxed, sandbox_globals, script_results
from engine.sandbox.runner import bounded_runner
from engine.spec.case_data import Unstorable, storable

STEP_BUDGET_USED = "the step had used up its time budget before this code could run"


def check_expression(source: str) -> None:
    """Raise SandboxViolation unless `source` compiles as a sandboxed expression."""
    compile_sandboxed(source.strip(), "eval")


def check_script(source: str) -> None:
    """Raise SandboxViolation unless `source` compiles as a sandboxed script."""
    compile_sandboxed(source, "exec")


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment that evaluates only sandboxed code, within its budget.

    `now` and `region` are the step's clock and bank holiday region (for the helpers, when code
    runs in the bounded runner); `deadline` (time.monotonic) is when the step's own budget ends."""

    def __init__(
        self, now: datetime | None = None, region: str = "england-and-wales", deadline: float | None = None
    ):
        super().__init__()
        self.now = now
        self.region = region
        self.deadline = deadline

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        source = expression.strip()
        code = compile_sandboxed(source, "eval")
        if runs_inline(source, "eval"):
            return eval(code, sandbox_globals(context, external_context))  # noqa: S307 - restricted code
        reply = self._bounded("eval", source, context, external_context)
        if "unstorable" in reply:  # fine as a condition; refused where it would be stored
            return Unstorable(reply["truth"], reply["unstorable"])
        return reply["value"]

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = compile_sandboxed(script, "exec")
        if not runs_inline(script, "exec"):
            reply = self._bounded("exec", script, context, external_context)
            changed, deleted = reply["changed"], reply["deleted"]
        else:
            scope = sandbox_globals(dict(context), external_context)
            exec(code, scope)  # noqa: S102 - restricted code object
            changed, deleted = script_results(scope, context, external_context)
        for key in deleted:
            del context[key]
        context.update(changed)
        return True

    def _bounded(self, mode: str, source: str, context: dict, external_context: dict | None) -> dict:
        external = {}
        for name, value in (external_context or {}).items():
            if name in HELPERS:
                continue  # the runner has its own, on this step's clock
            if callable(value):
                raise SandboxViolation(f"{name} cannot be passed to code that runs in the bounded runner")
            external[name] = storable(value, name)
        request = {
            "mode": mode,
            "source": source,
            "context": context,  # as stored already (the runner says so if it cannot be sent)
            "external": external,
            "now": (self.now or datetime.now(UTC)).isoformat(),
            "region": self.region,
        }
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise CodeBudgetExceeded(STEP_BUDGET_USED, transient=True)
        return bounded_runner().run(request, self.deadline)

    def call_service(self, context: dict, **kwargs: Any) -> Any:
        raise NotImplementedError("service tasks are called by the NRM script engine")
