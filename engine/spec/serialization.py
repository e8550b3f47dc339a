"""Instance state without the spec: the spec is stored once per definition version.

SpiffWorkflow's workflow converter writes the whole spec into every serialization (most of a
small workflow's size: docs/performance.md). `InstanceStateConverter` leaves it out and takes the
spec, restored once per definition version, when the state is read back.

A finished sub-process is not kept either: once its call activity has completed (its data is
in the parent) or was cancelled (an interrupting boundary event), nothing runs in it again, so
`prune_finished` drops its task tree and keeps only the ids of the elements it completed (the
case page still draws them as done). What is stored is that state as JSON, compressed with
zlib: a small part of the whole tree's size (docs/performance.md; the latest sizes in
docs/benchmarks.md §5).
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.spec.bounded_instances import with_bounded_instances
from engine.spec.task_ids import ATTRIBUTE as TASK_IDS
from engine.spec.task_ids import TaskIds

SpecPair = tuple[Any, Mapping[str, Any]]  # (top spec, sub-process specs by process id)


class InstanceStateConverter(BpmnWorkflowConverter):
    """The workflow converter, minus the spec."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        dct["finished"] = {p: sorted(ids) for p, ids in sorted(finished_elements(workflow).items())}
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
        workflow.finished_elements = {p: set(ids) for p, ids in dct.get("finished", {}).items()}
        return workflow


CALLER_DONE = TaskState.COMPLETED | TaskState.CANCELLED


class EmptyDataTaskConverter(TaskConverter):
    """SpiffWorkflow's task converter, except that a task with no data (one not reached yet: a
    predicted task of a branch still to run) is stored as such: SpiffWorkflow writes it as its
    parent's data with every key deleted, a list of all the case's field names per predicted task.
    Restored exactly as before: empty data."""

    def to_dict(self, task: Task) -> dict:
        dct = super().to_dict(task)
        if not task.data and task.parent is not None:
            dct["data"], dct["delta"] = {}, {}
        return dct


def finished_elements(workflow: BpmnWorkflow) -> dict[str, set[str]]:
    """Element ids completed in sub-processes that `prune_finished` dropped, by process id."""
    return getattr(workflow, "finished_elements", {})


def prune_finished(workflow: BpmnWorkflow) -> None:
    """Drop each sub-process whose call activity has completed or was cancelled (an interrupting
    boundary event, a cancelled case), remembering what it completed."""
    finished = workflow.finished_elements = finished_elements(workflow)
    for task_id, sub in list(workflow.subprocesses.items()):
        if task_id not in workflow.subprocesses or not sub.completed:
            continue  # dropped with its parent already, or still running
        caller = workflow.get_task_from_id(task_id)
        if not caller.has_state(CALLER_DONE):  # completed, or cancelled by an interrupting event
            continue
        for dropped in [sub, *(s for s in workflow.subprocesses.values() if _inside(s, sub))]:
            done = finished.setdefault(dropped.spec.name, set())
            done.update(t.task_spec.bpmn_id for t in dropped.tasks.values() if _completed_element(t))
        workflow.delete_subprocess(caller)
    if workflow.last_task is not None and workflow.last_task.workflow is not workflow:
        owner = workflow.last_task.workflow
        if owner.parent_task_id not in workflow.subprocesses and owner is not workflow:
            workflow.last_task = None  # it was in a dropped sub-process


def _inside(candidate, ancestor) -> bool:
    parent = getattr(candidate, "parent_workflow", None)
    while parent is not None:
        if parent is ancestor:
            return True
        parent = getattr(parent, "parent_workflow", None)
    return False


def _completed_element(task) -> bool:
    return bool(getattr(task.task_spec, "bpmn_id", None)) and task.has_state(TaskState.COMPLETED)


def _registry():
    config = with_bounded_instances(dict(SPIFF_CONFIG))
    config[BpmnWorkflow] = InstanceStateConverter
    config[Task] = EmptyDataTaskConverter
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


def dump_state(workflow: BpmnWorkflow) -> bytes:
    """The instance state (tasks, data, running sub-processes, events), without the spec: compact
    JSON, zlib-compressed (level 6: smaller than level 1 for a little more time, docs/performance.md).
    Each task id the case can rebuild (engine/spec/task_ids.py) is written as its number between
    two control characters, which JSON text never holds raw."""
    prune_finished(workflow)
    _SERIALIZER.registry._encoder_mode = True  # as serialize_json does, but with compact separators
    ids: TaskIds | None = getattr(workflow, TASK_IDS, None)
    try:
        dct = _SERIALIZER.to_dict(workflow)
        dct[_SERIALIZER.VERSION_KEY] = SERIALIZER_VERSION
        if ids is not None:
            dct[TASK_IDS] = {"seed": ids.seed.hex(), "issued": ids.issued}
        text = json.dumps(dct, cls=_SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        _SERIALIZER.registry._encoder_mode = False
    if ids is not None:
        known = ids.known()
        text = _UUID.sub(lambda m: f"\x01{known[m[0]]:x}\x02" if m[0] in known else m[0], text)
    return zlib.compress(text.encode(), 6)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TOKEN = re.compile("\x01([0-9a-f]+)\x02")
_SEED = re.compile(rf'"{TASK_IDS}":{{"seed":"([0-9a-f]{{32}})","issued":([0-9]+)}}')


EMPTY_STATE = zlib.compress(b"{}")  # a new case row's, until its first step is written


def state_dict(state: bytes | str) -> dict:
    """The stored state as a dict, task ids in full (plain JSON text, from before compression, is
    read too)."""
    if isinstance(state, bytes | bytearray | memoryview):
        state = zlib.decompress(bytes(state)).decode()
    if "\x01" in state and (seed := _SEED.search(state)):
        ids = TaskIds(bytes.fromhex(seed[1]), int(seed[2]))
        state = _TOKEN.sub(lambda m: str(ids.derive(int(m[1], 16))), state)
    return json.loads(state)


def load_state(
    state: bytes | str, serializer_version: str, specs: SpecPair, script_engine: Any
) -> BpmnWorkflow:
    """Restore an instance; older serializer versions are migrated first."""
    dct = state_dict(state)
    stored = dct.pop(_SERIALIZER.VERSION_KEY, serializer_version)
    ids = dct.pop(TASK_IDS, None)
    if stored != SERIALIZER_VERSION and stored in MIGRATIONS:
        dct["spec"], dct["subprocess_specs"] = {}, {}
        MIGRATIONS[stored](dct)
        dct.pop("spec", None)
        dct.pop("subprocess_specs", None)
    workflow = _SERIALIZER.registry.restore(dct, specs=specs, script_engine=script_engine)
    # a case stored before task ids were derived starts a counter now: its old ids stay in full
    setattr(workflow, TASK_IDS, TaskIds(bytes.fromhex(ids["seed"]), ids["issued"]) if ids else TaskIds())
    return workflow


def spec_registry() -> Any:
    """The converter registry, which SpiffWorkflow's spec diff uses to compare task specs."""
    return _SERIALIZER.registry
