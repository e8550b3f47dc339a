"""The script engine a case runs with: sandboxed code, service tasks by name, the step's context."""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine.errors import EngineError
from engine.sandbox import SandboxEnvironment
from engine.services import ServiceContext, call_service


class NrmScriptEngine(PythonScriptEngine):
    """One per step: it carries the step's ServiceContext (clock, case, documents, flags)."""

    def __init__(self, context: ServiceContext):
        super().__init__(environment=SandboxEnvironment())
        self.context = context

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
