"""Instance state without the spec: the spec is stored once per definition version.

SpiffWorkflow's workflow converter writes the whole spec into every serialization (9 KB of a
16 KB small workflow). `InstanceStateConverter` leaves it out and takes the spec, restored once
per definition version, when the state is read back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

SpecPair = tuple[Any, Mapping[str, Any]]  # (top spec, sub-process specs by process id)


class InstanceStateConverter(BpmnWorkflowConverter):
    """The workflow converter, minus the spec."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict, specs: SpecPair | None = None, script_engine: Any = None) -> BpmnWorkflow:
        if specs is None or script_engine is None:
            raise ValueError("instance state needs its definition's spec and a script engine to be restored")
        spec, subprocess_specs = specs
        workflow = self.target_class(
            spec, dict(subprocess_specs), script_engine=script_engine, deserializing=True
        )
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _registry():
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = InstanceStateConverter
    return BpmnWorkflowSerializer.configure(config)


_SERIALIZER = BpmnWorkflowSerializer(_registry())
SERIALIZER_VERSION: str = _SERIALIZER.VERSION


def dump_specs(spec: Any, subprocess_specs: Mapping[str, Any]) -> str:
    """The parsed spec of a definition version, as JSON, stored once per version."""
    registry = _SERIALIZER.registry
    return json.dumps(
        {
            "spec": registry.convert(spec),
            "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
        }
    )


def load_specs(spec_json: str) -> SpecPair:
    registry = _SERIALIZER.registry
    dct = json.loads(spec_json)
    return registry.restore(dct["spec"]), {k: registry.restore(v) for k, v in dct["subprocess_specs"].items()}


def dump_state(workflow: BpmnWorkflow) -> str:
    """The instance state (tasks, data, sub-processes, events), without the spec."""
    return _SERIALIZER.serialize_json(workflow)


def load_state(state_json: str, serializer_version: str, specs: SpecPair, script_engine: Any) -> BpmnWorkflow:
    """Restore an instance; older serializer versions are migrated first."""
    dct = json.loads(state_json)
    stored = dct.pop(_SERIALIZER.VERSION_KEY, serializer_version)
    if stored != SERIALIZER_VERSION and stored in MIGRATIONS:
        dct["spec"], dct["subprocess_specs"] = {}, {}
        MIGRATIONS[stored](dct)
        dct.pop("spec", None)
        dct.pop("subprocess_specs", None)
    return _SERIALIZER.registry.restore(dct, specs=specs, script_engine=script_engine)


def spec_registry() -> Any:
    """The converter registry, which SpiffWorkflow's spec diff uses to compare task specs."""
    return _SERIALIZER.registry
