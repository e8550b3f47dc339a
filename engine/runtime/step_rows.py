"""What a step writes besides the case row: its open tasks, timers, reported facts, statistics
summary, documents, flags and audit rows, worked out by comparing the workflow after the step
with the rows it had before (engine/runtime/step.py's Step runs the step; engine/runtime/step_writes.py
gathers the rows and writes them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState

from engine.access.users import lane_group
from engine.crypto.sealing import seal_text
from engine.persistence.models import AuditEvent, CaseDocumentRow, CaseFlagRow, TimerState
from engine.runtime import case_summary
from engine.runtime.step_writes import FACTS, OPEN_TASKS, TIMERS
from engine.spec.case_facts import facts_from
from engine.spec.case_file import FORM_PROPERTY, task_property
from engine.views import FlagView

if TYPE_CHECKING:
    from engine.deploy.definitions import LoadedDefinition
    from engine.persistence.models import Case
    from engine.runtime.step_writes import KnownRows, StepWrites
    from engine.sandbox.script_engine import NrmScriptEngine
    from engine.spec.services import ServiceContext
    from engine.views import Actor

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def current_data(workflow: BpmnWorkflow, active: list | None = None) -> dict[str, Any]:
    """The case data now: what the tasks at the wait states and the ends of finished branches hold
    (across sub-processes and parallel branches, the most recently changed last); of a completed
    case, what its ends hold. A branch that ended keeps its answers in the data (the outcome of a
    case whose move-on period still runs, say). `active`: the workflow's ACTIVE tasks, if the
    caller has just listed them."""
    if workflow.last_task is None:
        return dict(workflow.data)
    ended = [
        t
        for t in workflow.tasks.values()
        if isinstance(t.task_spec, EndEvent) and t.state == TaskState.COMPLETED
    ]
    if workflow.is_completed():
        holders = ended or [workflow.last_task]
    else:
        holders = ended + (workflow.get_tasks(state=ACTIVE) if active is None else active)
    merged: dict[str, Any] = {}
    for task in sorted(holders, key=lambda t: t.last_state_change):
        merged.update(task.data)
    return merged


class StepRows:
    """The row bookkeeping of a Step (its attributes: case, now, writes, known_after, context...)."""

    if TYPE_CHECKING:  # set by Step.__init__ (engine/runtime/step.py)
        case: Case
        definition: LoadedDefinition
        actor: Actor
        now: datetime
        writes: StepWrites
        known_after: KnownRows
        context: ServiceContext
        script_engine: NrmScriptEngine
        raised: list[FlagView]
        case_key: Callable[[], bytes]
        fired_timers: set[str]
        _facts_before: set[tuple[str, str]]
        _facts_changed: bool
        _new_case: bool
        _decided: list[str]
        _next_due: datetime | None
        _next_due_changed: bool

        def run(self, action: Callable[[], Any]) -> Any: ...

    @staticmethod
    def _waiting_timers(workflow: BpmnWorkflow) -> dict[str, tuple[str, datetime, bool]]:
        timers = {}
        for task in workflow.event_manager.tasks.values():
            definition = getattr(task.task_spec, "event_definition", None)
            if not isinstance(definition, TimerEventDefinition) or not task.has_state(TaskState.WAITING):
                continue
            due = task._get_internal_data("event_value")  # set by SpiffWorkflow when the timer is reached
            if isinstance(due, str):
                timers[str(task.id)] = (
                    task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                    TimerEventDefinition.get_datetime(due),
                    isinstance(task.task_spec, BoundaryEvent),
                )
        return timers

    def _property(self, task, name: str) -> Any:
        expression = task.task_spec.extensions.get("properties", {}).get(name)
        if not expression:
            return None
        return self.run(lambda: self.script_engine.evaluate(task, expression))

    def _sync_open_tasks(self, ready: list, known: dict[str, datetime | None]) -> None:
        # Core rows, not ORM objects: this runs on every step (see docs/benchmarks.md).
        current = {str(t.id): t for t in ready}
        self.writes.closed_open_tasks.extend(known.keys() - current.keys())
        rows = []
        dues = [due for task_id, due in known.items() if task_id in current]
        for task_id, task in current.items():
            if task_id in known:
                continue
            spec = task.task_spec
            group = str(self._property(task, "candidateGroup") or lane_group(spec.lane))
            due = self._property(task, "dueDate")
            rows.append(
                {
                    "id": task_id,
                    "case_id": self.case.id,
                    "element_id": spec.bpmn_id,
                    "name": spec.bpmn_name or spec.bpmn_id,
                    "process_id": task.workflow.spec.name,
                    "lane": spec.lane,
                    "candidate_group": group,
                    "assignee": None,
                    "created_at": self.now,
                    "form": task_property(spec, FORM_PROPERTY),
                    "due_at": TimerEventDefinition.get_datetime(due) if due else None,
                }
            )
            self._event("task_opened", task_id, spec.bpmn_id, name=spec.bpmn_name, group=group)
        self.writes.insert(OPEN_TASKS, rows)
        self.known_after.open_tasks = {i: due for i, due in known.items() if i in current}
        self.known_after.open_tasks.update((row["id"], row["due_at"]) for row in rows)
        dues += [row["due_at"] for row in rows]
        self._next_due = min((d for d in dues if d is not None), default=None)
        self._next_due_changed = self._next_due != min(
            (d for d in known.values() if d is not None), default=None
        )

    def _sync_timers(
        self,
        workflow: BpmnWorkflow,
        waiting: dict[str, tuple[str, datetime, bool]],
        known: list[tuple[str, str, str, datetime]],
    ) -> None:
        for timer_id, element_id, name, due_at in known:
            if timer_id in waiting:
                continue
            task = workflow.get_task_from_id(UUID(timer_id))
            fired = task is not None and task.has_state(TaskState.COMPLETED | TaskState.READY)
            if fired:
                self.fired_timers.add(timer_id)
            self.writes.end_timer(
                timer_id, TimerState.FIRED if fired else TimerState.CANCELLED, self.now if fired else None
            )
            self._event(
                "timer_fired" if fired else "timer_cancelled",
                timer_id,
                element_id,
                name=name,
                due_at=due_at.isoformat(),
            )
        known_ids = {row[0] for row in known}
        rows = []
        for timer_id, (name, due, _boundary) in waiting.items():
            if timer_id in known_ids:
                continue
            element_id = workflow.get_task_from_id(UUID(timer_id)).task_spec.bpmn_id
            rows.append(
                {
                    "id": timer_id,
                    "case_id": self.case.id,
                    "element_id": element_id,
                    "name": name,
                    "due_at": due,
                    "state": TimerState.WAITING,
                    "created_at": self.now,
                    "attempts": 0,
                }
            )
            self._event("timer_set", timer_id, element_id, name=name, due_at=due.isoformat())
        self.writes.insert(TIMERS, rows)
        self.known_after.timers = [row for row in known if row[0] in waiting]
        self.known_after.timers += [(r["id"], r["element_id"], r["name"], r["due_at"]) for r in rows]

    def _sync_facts(self, workflow: BpmnWorkflow, active: list) -> None:
        """Reported facts changed by this step (compared with the loaded state: no extra read)."""
        if not self.definition.reported_fields:
            return
        after = facts_from(current_data(workflow, active), self.definition.reported_fields)
        gone, new = self._facts_before - after, after - self._facts_before
        self._facts_changed = bool(gone or new)
        for name, value in gone:
            self.writes.remove_fact(self.case.id, name, value)
        self.writes.insert(FACTS, [{"case_id": self.case.id, "name": n, "value": v} for n, v in new])
        self._facts_before = after

    def _sync_summary(self) -> None:
        """The case's statistics row: new, facts changed, first decisions, RG decided late."""
        case_id = self.case.id
        if self._new_case:
            row = case_summary.new_row(self.case, self._facts_before, self._next_due)
            self.writes.insert(case_summary.SUMMARIES, [row])
            self._new_case = False
        else:
            if self._facts_changed:
                key = case_summary.facts_key(self._facts_before)
                self.writes.set_summary("fact_set_id", case_id, key)
            if self._next_due_changed:
                self.writes.set_summary("next_due_at", case_id, self._next_due)
        for element_id in self._decided:
            days = case_summary.days_between(self.case.created_at, self.now)
            self.writes.decided(case_summary.DECISION_COLUMNS[element_id], case_id, days)
        self._decided.clear()
        if any(flag.kind == case_summary.LATE_RG_FLAG for flag in self.context.flags):
            self.writes.set_summary("rg_late", case_id, True)

    def _write_documents_and_flags(self) -> None:
        if self.context.documents:
            self.writes.insert(
                CaseDocumentRow.__table__,
                [
                    {
                        "id": d.id,
                        "case_id": self.case.id,
                        "kind": d.kind,
                        "title": d.title,
                        "recipient": d.recipient,
                        "body": seal_text(self.case_key(), self.case.id, "document", d.body),
                        "element_id": None,
                        "created_at": self.now,
                    }
                    for d in self.context.documents
                ],
            )
        for document in self.context.documents:
            self._event(
                "document_created",
                None,
                None,
                document_id=document.id,
                kind=document.kind,
                recipient=document.recipient,
            )
        if self.context.flags:
            self.writes.insert(
                CaseFlagRow.__table__,
                [
                    {
                        "case_id": self.case.id,
                        "kind": f.kind,
                        "message": f.message,
                        "raised_at": self.now,
                        "cleared_at": None,
                    }
                    for f in self.context.flags
                ],
            )
        for flag in self.context.flags:
            self._event("case_flagged", None, None, kind=flag.kind)
            self.raised.append(FlagView(flag.kind, flag.message, self.now))
        self.context.documents.clear()
        self.context.flags.clear()

    def _event(self, action: str, task_id: str | None, element_id: str | None, **detail: Any) -> None:
        """An audit row written with the others of this step in one INSERT."""
        self.writes.insert(
            AuditEvent.__table__,
            [
                {
                    "case_id": self.case.id,
                    "at": self.now,
                    "actor": self.actor.username,
                    "action": action,
                    "task_id": task_id,
                    "element_id": element_id,
                    "detail": detail,
                }
            ],
        )
