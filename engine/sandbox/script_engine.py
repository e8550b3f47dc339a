"""The script engine a case runs with: sandboxed code, service tasks by name, the step's context."""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin as BusinessRuleTask

from engine.errors import EngineError, ScriptError
from engine.sandbox.environment import SandboxEnvironment
from engine.spec.case_data import json_shaped, storable
from engine.spec.services import ServiceContext, call_service
from engine.spec.step_budget import check_instance_count
from engine.working_days import diagram_helper

EVALUATING = "Error evaluating expression "  # how SpiffWorkflow starts its message


class NrmScriptEngine(PythonScriptEngine):
    """One per step: it carries the step's ServiceContext (clock, case, documents, flags)."""

    def __init__(self, context: ServiceContext, deadline: float | None = None):
        super().__init__(environment=SandboxEnvironment(context.now, context.bank_holiday_region, deadline))
        self.context = context

    def evaluate(self, task, expression: str, external_context: dict | None = None) -> Any:
        value = super().evaluate(task, expression, self._helpers() | (external_context or {}))
        spec = task.task_spec
        try:
            if isinstance(spec, MultiInstanceTask) and expression == spec.cardinality:
                check_instance_count(value)  # SpiffWorkflow makes that many tasks at once
            if isinstance(spec, BusinessRuleTask):  # a decision's outputs go into the case data
                return storable(value, "the decision's output")
        except ScriptError as refused:
            raise WorkflowTaskException(
                f"{EVALUATING}{expression.strip()!r}", task=task, exception=refused
            ) from refused
        return json_shaped(value)  # as stored: a kept workflow must decide as a restored one

    def execute(self, task, script: str, external_context: dict | None = None) -> Any:
        return super().execute(task, script, self._helpers() | (external_context or {}))

    def _helpers(self) -> dict[str, Any]:
        """Functions diagrams may call in any expression or script, on the step's clock."""
        return {"working_days": diagram_helper(self.context.now, self.context.bank_holiday_region)}

    def call_service(self, task, operation_name: str, operation_params: dict, **_: Any) -> str:
        params = {name: spec["value"] for name, spec in operation_params.items()}
        self.context.data = task.data
        try:
            result = call_service(operation_name, self.context, params)
            return json.dumps(result)
        except EngineError as error:
            raise WorkflowTaskException(str(error), task=task, exception=error) from error
        except Exception as error:
            raise WorkflowTaskException(
                f"service task {operation_name!r} failed: {error}", task=task, exception=error
            ) from error
