"""One step of a case: from one wait state to the next, in one transaction.

The caller loads the case row inside a write transaction, changes the workflow (starts it,
completes a task, lets timers fire), and calls `Step.finish`, which runs the engine to the next
wait state and writes the state, the open tasks, the timers, documents, flags and audit rows.
The case row's version column makes a concurrent second write fail instead of overwriting.
A batch of steps (the timer scheduler's) calls `Step.advance` on each and writes them together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import clock
from engine.crypto.sealing import PersonalDataErased, seal, unseal
from engine.deploy.definitions import LoadedDefinition
from engine.errors import EngineError, SandboxViolation, ScriptError
from engine.persistence.models import (
    Case,
    CaseStatus,
)
from engine.runtime import case_summary
from engine.runtime.step_rows import ACTIVE, StepRows, current_data
from engine.runtime.step_writes import (
    CASE_UPDATE_IF_UNCHANGED,
    KnownRows,
    StepWrites,
    case_values,
    known_rows,
)
from engine.runtime.workflow_cache import CachedWorkflow, WorkflowCache
from engine.sandbox.rules import shown_code
from engine.sandbox.script_engine import EVALUATING, NrmScriptEngine
from engine.spec import sub_process_data  # noqa: F401  (what finished sub-processes hand back)
from engine.spec.case_data import json_shaped
from engine.spec.case_facts import facts_from
from engine.spec.case_file import task_property
from engine.spec.serialization import SERIALIZER_VERSION, dump_state, load_state
from engine.spec.services import ServiceContext
from engine.spec.step_budget import StepBudget, where
from engine.spec.task_ids import ATTRIBUTE as TASK_IDS
from engine.spec.task_ids import TaskIds, issuing
from engine.views import Actor, CaseView, FlagView

CASE_OUTCOME_PROPERTY = "caseOutcome"  # "no" on an end event that closes a side branch only

MAX_ENGINE_ROUNDS = 100


def bump_version(session: Session, case_id: int) -> None:
    """Mark a case changed outside a step (a timer failed or retried): a workflow kept in any
    process under the old version is then not used again (engine/runtime/workflow_cache.py)."""
    session.execute(update(Case).where(Case.id == case_id).values(version=Case.version + 1))


def _script_error(error: Exception) -> EngineError:
    cause = error.__cause__ or error.__context__  # SpiffWorkflow raises its error inside `except`
    at, element_id = where(getattr(error, "task", None))
    if isinstance(cause, SandboxViolation):
        return SandboxViolation(f"{cause}{at}", element_id)
    if isinstance(cause, ScriptError):  # stopped over its budget, or stored what a case cannot hold
        first = str(error.args[0]) if error.args else ""  # without SpiffWorkflow's notes
        code = first.removeprefix(EVALUATING)[1:-1] if first.startswith(EVALUATING) else None
        what = f"The expression {shown_code(code)}" if code else "The code"
        translated = type(cause)(f"{what}{at}: {cause}", element_id)
        translated.transient = cause.transient
        return translated
    message = str(error).splitlines()[0].rstrip(". ")
    if cause is not None and str(cause) not in message:
        message += f": {type(cause).__name__}: {cause}"
    return ScriptError(f"{message}{at}", element_id)


class Step(StepRows):
    """The work of one transaction on one case."""

    def __init__(
        self,
        session: Session,
        definition: LoadedDefinition,
        case: Case,
        actor: Actor,
        bank_holiday_region: str,
        known: KnownRows | None = None,
    ):
        self.session = session
        self.known = known  # the case's rows as read before the step (a batch reads them at once)
        self.known_after = KnownRows()  # and as the step leaves them
        self.marks: tuple[list, list] | None = None  # flags and incidents, if the cache knew them
        self.raised: list[FlagView] = []  # flags this step raised
        self.writes = StepWrites()
        self.definition = definition
        self.case = case
        self.actor = actor
        self.now = clock.now()
        self.context = ServiceContext(
            now=self.now,
            case_key=case.business_key,
            data={},
            bank_holiday_region=bank_holiday_region,
            definition=definition.files,
        )
        self.budget = StepBudget()
        self.script_engine = NrmScriptEngine(self.context, self.budget.deadline)
        self.workflow: BpmnWorkflow | None = None
        self.fired_timers: set[str] = set()  # timers this step fired (for the scheduler)
        self._facts_before: set[tuple[str, str]] = set()  # reported facts as the step found them
        self._facts_changed = False
        self._new_case = False  # a new case gets its summary row (engine/runtime/case_summary.py)
        self._decided: list[str] = []  # decision tasks completed in this step
        self._next_due: datetime | None = None  # the soonest due date of the open tasks after the step
        self._next_due_changed = False

    def new_workflow(self, data: dict[str, Any]) -> BpmnWorkflow:
        self._new_case = True
        spec, subprocess_specs = self.definition.specs
        ids = TaskIds()
        with issuing(ids):
            self.workflow = BpmnWorkflow(spec, dict(subprocess_specs), script_engine=self.script_engine)
        setattr(self.workflow, TASK_IDS, ids)
        start = self.workflow.get_next_task(state=TaskState.READY)
        start.data.update(json_shaped(data))
        return self.workflow

    def case_key(self) -> bytes:
        """The case's wrapped data key, to seal what the step writes."""
        if self.case.data_key is None:
            raise PersonalDataErased(
                f"case {self.case.business_key} has no data key: its personal data was erased"
            )
        return self.case.data_key

    def load_workflow(self) -> BpmnWorkflow:
        case = self.case
        state = unseal(case.data_key, case.id, "state", case.state)
        self.workflow = load_state(state, case.serializer_version, self.definition.specs, self.script_engine)
        if self.definition.reported_fields:
            self._facts_before = facts_from(current_data(self.workflow), self.definition.reported_fields)
        return self.workflow

    def resume(self, cache: WorkflowCache) -> BpmnWorkflow:
        """The case's workflow: kept in this process since its last step here, if the case has not
        changed since (engine/runtime/workflow_cache.py), else restored from the stored state."""
        case = self.case
        entry = cache.take(case.id, case.version, case.definition_id, bytes(case.state))
        if entry is None:
            return self.load_workflow()
        entry.workflow.script_engine = self.script_engine  # this step's clock, services and documents
        self.workflow, self.known, self._facts_before = entry.workflow, entry.known, entry.facts
        self.marks = entry.marks
        return self.workflow

    def kept(self, view: CaseView | None = None) -> CachedWorkflow | None:
        """What the cache keeps once this step has committed (the case's new version), with the
        flags and incidents of the case view read after it, if there is one; None once the case
        has ended (no step follows)."""
        if self.case.status is not CaseStatus.ACTIVE:
            return None
        marks = (view.flags, view.incidents) if view is not None else None
        return CachedWorkflow(
            self.case.version,
            self.case.definition_id,
            self.case.state,
            self.workflow,
            self.known_after,
            self._facts_before,
            marks,
        )

    def marks_after(self) -> tuple[list, list] | None:
        """The case's flags and incidents after this step, if known without reading them."""
        if self.marks is None:
            return None
        flags, incidents = self.marks
        return [*flags, *self.raised], incidents

    def audit(
        self, action: str, *, task_id: str | None = None, element_id: str | None = None, **detail: Any
    ) -> None:
        """An audit row, written with the step's other rows."""
        if action == "task_completed" and element_id in case_summary.DECISION_COLUMNS:
            self._decided.append(element_id)
        self._event(action, task_id, element_id, **detail)

    def run(self, action) -> Any:
        """Run `action()` on the workflow, translating SpiffWorkflow's errors, and anything else a
        diagram can make it raise, into ours (never a traceback for a person)."""
        try:
            with issuing(getattr(self.workflow, TASK_IDS, None)):
                return action()
        except (WorkflowTaskException, WorkflowException) as error:
            raise _script_error(error) from error
        except EngineError:
            raise
        except Exception as error:  # e.g. a multi-instance count that is not a number
            at, element_id = where(self.budget.last_task)
            message = f"The case could not run{at}: {type(error).__name__}: {error}"
            raise ScriptError(message, element_id) from error

    def finish(self, run_engine: bool = True) -> None:
        """Run to the next wait state and write everything, checking the case version first."""
        self.advance(run_engine)
        if inspect(self.case).persistent:  # a case row the session holds: the ORM writes it
            self.session.flush()
        else:  # read without the ORM (a completion): one UPDATE, the same version check
            written = self._sql(CASE_UPDATE_IF_UNCHANGED, case_values(self.case)).rowcount
            if written != 1:
                raise StaleDataError(f"case {self.case.business_key} was changed since it was read")
            self.case.version += 1
        self.writes.execute(self.session.connection())

    def advance(self, run_engine: bool = True) -> None:
        """Run to the next wait state (unless told not to: a migration only re-writes the rows);
        change the case object and gather the rows to write."""
        workflow = self.workflow
        assert workflow is not None, "new_workflow, load_workflow or resume first"
        # Every task of the tree is visited to list them: once here, for all that follows.
        if run_engine:
            active = self.run(lambda: self._run_to_wait_state(workflow))
        else:
            active = workflow.get_tasks(state=ACTIVE)
        open_tasks = [t for t in active if t.state == TaskState.READY and t.task_spec.manual]
        timers = self._waiting_timers(workflow)
        case = self.case
        case.updated_at = self.now
        case.current_step = (
            "; ".join(
                [t.task_spec.bpmn_name or t.task_spec.bpmn_id for t in open_tasks]
                + [name for name, _, boundary in timers.values() if not boundary]
            )[:500]
            or None
        )
        if case.status is CaseStatus.ACTIVE and workflow.is_completed():
            case.status = CaseStatus.COMPLETED
            self.writes.set_summary("status", case.id, case.status)
            case.ended_at = self.now
            case.outcome = self._outcome(workflow)
            self._event("case_completed", None, None, outcome=case.outcome)
        known = self.known or known_rows(self.session.connection(), [case.id])[case.id]
        self._sync_open_tasks(open_tasks, known.open_tasks)
        self._sync_timers(workflow, timers, known.timers)
        self._sync_facts(workflow, active)
        self._sync_summary()
        self._write_documents_and_flags()
        # last: it drops finished sub-processes' tasks
        case.state = seal(self.case_key(), case.id, "state", dump_state(workflow))
        case.serializer_version = SERIALIZER_VERSION

    def _run_to_wait_state(self, workflow: BpmnWorkflow) -> list:
        """Run until only user tasks are ready; returns the ACTIVE tasks then."""
        for _ in range(MAX_ENGINE_ROUNDS):
            workflow.do_engine_steps(self.budget.starting, self.budget.spent)
            active = workflow.get_tasks(state=ACTIVE)
            if not any(t.state == TaskState.READY and not t.task_spec.manual for t in active):
                return active
        raise ScriptError(f"the case did not reach a wait state after {MAX_ENGINE_ROUNDS} rounds (a loop?)")

    def _sql(self, statement, parameters=None):
        """Run a Core statement on the step's connection, skipping the ORM (it runs on every step)."""
        return self.session.connection().execute(statement, parameters)

    @staticmethod
    def _outcome(workflow: BpmnWorkflow) -> str | None:
        """The name of the end event the case reached; an end event with the property
        `caseOutcome` "no" only closes a side branch (a child's safeguarding) and is never it."""
        ends = [
            t
            for t in workflow.tasks.values()
            if isinstance(t.task_spec, EndEvent)
            and t.has_state(TaskState.COMPLETED)
            and task_property(t.task_spec, CASE_OUTCOME_PROPERTY) != "no"
        ]
        return (ends[-1].task_spec.bpmn_name or ends[-1].task_spec.bpmn_id) if ends else None
