"""The inbox side of the engine's API: listing tasks, a task's form, claiming and completing a task.

Mixed into `Engine` (engine/api.py), whose database, definitions, kept workflows, steps and
audited refusals it uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import clock
from engine.access.task_access import COMPLETE, VIEW, already_completed, closed_task, require
from engine.access.users import person_name
from engine.crypto.name_index import NAME_FIELDS, index_names
from engine.errors import (
    CaseNotActive,
    Conflict,
    FieldError,
    FormValidationError,
    SandboxViolation,
    ScriptError,
    TaskAlreadyCompleted,
)
from engine.persistence.models import AuditEvent, Case, CaseStatus, OpenTask
from engine.runtime import task_drafts
from engine.runtime.case_file import build_case_file, case_file_data, declared_case_file
from engine.runtime.inbox import TaskFilter, task_page
from engine.runtime.incidents import open_step_incident
from engine.runtime.queries import case_view, task_view
from engine.runtime.record_views import ViewKind, log_view
from engine.runtime.task_claims import TaskClaims
from engine.spec.case_data import json_shaped
from engine.spec.forms import answers_from_user_json, declared_fields, validate_form_data
from engine.views import SYSTEM, Actor, CaseFile, CaseView, DraftAnswers, FormView, TaskView

if TYPE_CHECKING:
    from engine.deploy.definitions import DefinitionCache
    from engine.persistence.db import Database
    from engine.runtime.step import Step
    from engine.runtime.workflow_cache import WorkflowCache

DRAFT_SAVED, DRAFT_READ, DRAFT_DISCARDED = "draft_saved", "draft_read", "draft_discarded"
_CASE_COLUMNS = [column.key for column in Case.__table__.columns]
_TASK_AND_CASE = (
    select(OpenTask.__table__, *(column.label(f"case__{column.key}") for column in Case.__table__.columns))
    .join(Case.__table__, Case.__table__.c.id == OpenTask.__table__.c.case_id)
    .where(OpenTask.__table__.c.id == bindparam("task_id"))
)


class TaskWork:
    """Tasks: list, page, form, claim, release, assign, complete."""

    claims: TaskClaims

    if TYPE_CHECKING:  # what `Engine` (engine/api.py), which this is mixed into, provides
        db: Database
        definitions: DefinitionCache
        workflows: WorkflowCache

        def _step(self, session: Session, case: Case, actor: Actor) -> Step: ...
        def _audited_refusals(self, actor: Actor) -> AbstractContextManager[None]: ...

    # -- tasks -----------------------------------------------------------------------------
    def tasks(
        self, *, case_key: str | None = None, actor: Actor | None = None, limit: int = 500
    ) -> list[TaskView]:
        """Open user tasks, soonest due first; with `actor`, only those they may work on."""
        return self.task_page(TaskFilter(case_key=case_key), actor, limit=limit)[0]

    def task_page(
        self, wanted: TaskFilter, actor: Actor | None, *, offset: int = 0, limit: int = 25
    ) -> tuple[list[TaskView], int]:
        """A page of the inbox and the number of matching tasks in all."""
        with self.db.reading() as session:
            rows, total = task_page(session, actor, wanted, clock.now(), offset, limit)
            return [task_view(row, key) for row, key in rows], total

    def task_form(self, task_id: str, actor: Actor = SYSTEM, *, seen_as: ViewKind | None = None) -> FormView:
        """A task with its form's JSON Schema; `seen_as`: shown to `actor` as that kind of look
        (recorded: engine/runtime/record_views.py), not only read to check or send answers."""
        with self._audited_refusals(actor), self.db.reading() as session:
            row, case = self._open_task(session, task_id, actor, VIEW)
            definition = self.definitions.get(session, case.definition_id)
            form = FormView(
                task_view(row, case.business_key), json.loads(definition.forms.get(row.form or "", "{}"))
            )
        if seen_as is not None:
            log_view(self.db, actor, case.id, seen_as, task_id, row.name)
        return form

    def case_file(self, task_id: str, actor: Actor = SYSTEM) -> CaseFile:
        """What the task's worker may read of its case, as the task's `caseFile` declares; nothing
        personal if it declares none. Refused (and audited) as viewing the task's form is. For the
        task's page: the look is recorded (engine/runtime/record_views.py)."""
        with self._audited_refusals(actor), self.db.reading() as session:
            row, case = self._open_task(session, task_id, actor, VIEW)
            definition = self.definitions.get(session, case.definition_id)
            declared = declared_case_file(definition.specs, row.process_id, row.element_id)
            found = CaseFile()
            if declared:
                workflow = self._step(session, case, actor).load_workflow()
                task = workflow.get_task_from_id(UUID(task_id))
                data = case_file_data(workflow, task, definition.task_forms, definition.schemas)
                found = build_case_file(
                    session,
                    case.id,
                    declared,
                    row.form,
                    data,
                    definition.schemas,
                    definition.task_forms,
                    case.data_key,
                )
        log_view(self.db, actor, case.id, ViewKind.TASK_PAGE, task_id, row.name)
        return found

    def claim_task(self, task_id: str, actor: Actor) -> TaskView:
        """Take a task you may work on; refused if someone else has it."""
        return self.claims.claim(task_id, actor)

    def release_task(self, task_id: str, actor: Actor) -> TaskView:
        """Give a task back to its group (its assignee or a manager)."""
        return self.claims.release(task_id, actor)

    def assign_task(self, task_id: str, username: str, actor: Actor) -> TaskView:
        """A manager gives a task to someone who may work on it."""
        return self.claims.assign(task_id, username, actor)

    def complete_task(self, task_id: str, data: dict[str, Any], actor: Actor = SYSTEM) -> CaseView:
        """Validate `data` against the task's form, complete it and run the case to its next wait state.

        If the diagram's code fails or goes over its budget, nothing of the step is written, the
        case gets an incident for managers, and the ScriptError says what failed where."""
        with (
            self._incident_on_failure(actor, task_id) as failing,
            self._audited_refusals(actor),
            self._guarded_write(task_id),
            self.db.writing() as session,
        ):
            row, case = self._open_task(session, task_id, actor, COMPLETE)
            key = case.business_key
            _require_workable(session, row, case, actor)
            definition = self.definitions.get(session, case.definition_id)
            data = {
                **data,
                **answers_from_user_json(definition.forms.get(row.form or ""), actor),
            }  # not asked
            self._validate(definition.forms, row.form, data)
            failing["case_id"] = case.id
            step = self._step(session, case, actor)
            workflow = step.resume(self.workflows)
            task = workflow.get_task_from_id(UUID(task_id))
            if task is None or not task.has_state(TaskState.READY):
                raise Conflict(f"This task is no longer ready in case {key}; reload the case")
            task.data.update(json_shaped(data))  # a copy: the caller's dict is not kept
            step.run(task.run)
            step.audit(
                "task_completed",
                task_id=task_id,
                element_id=row.element_id,
                name=row.name,
                fields=sorted(data),
            )
            step.finish()
            if any(name in data for name in NAME_FIELDS):  # the referral form: its names, searchable
                index_names(session, case.id, data)
            task_drafts.discard(session, task_id)  # everyone's: the task is done
            label = (definition.process_id, definition.version)
            view = case_view(session, case, label=label, marks=step.marks_after())
        self.workflows.keep(case.id, step.kept(view))
        return view

    def check_answers(self, task_id: str, data: dict[str, Any], actor: Actor) -> dict[str, Any]:
        """Refuse `data` as `complete_task` would (FormValidationError, Conflict, Forbidden) without
        completing the task; the answers as they would be sent (the person's own added)."""
        with self._audited_refusals(actor), self.db.reading() as session:
            row, case = self._open_task(session, task_id, actor, COMPLETE)
            _require_workable(session, row, case, actor)
            forms = self.definitions.get(session, case.definition_id).forms
            data = {**data, **answers_from_user_json(forms.get(row.form or ""), actor)}
            self._validate(forms, row.form, data)
            return data

    # -- drafts: someone's answers kept before they are sent -----------------------------------
    def save_task_draft(self, task_id: str, answers: dict[str, Any], actor: Actor) -> DraftAnswers:
        """Keep `actor`'s answers to the task's form as they are (no validation), replacing their
        last draft; refused unless they may work on the task (a suspended or claimed one too)."""
        with self._audited_refusals(actor), self.db.writing() as session:
            _row, case = self._open_task(session, task_id, actor, DRAFT_SAVED)
            return task_drafts.save(session, task_id, actor.username, answers, clock.now(), case)

    def task_draft_for(
        self, task_id: str, actor: Actor, *, seen_as: ViewKind | None = None
    ) -> DraftAnswers | None:
        """`actor`'s own draft of the task's answers (nobody else's, ever), or None; `seen_as`:
        shown to them as that kind of look (the answers to check), recorded."""
        with self._audited_refusals(actor), self.db.reading() as session:
            row, case = self._open_task(session, task_id, actor, DRAFT_READ)
            draft = task_drafts.find(session, task_id, actor.username, case)
        if seen_as is not None and draft is not None:
            log_view(self.db, actor, case.id, seen_as, task_id, row.name)
        return draft

    def discard_task_draft(self, task_id: str, actor: Actor) -> None:
        """Delete `actor`'s draft of the task."""
        with self._audited_refusals(actor), self.db.writing() as session:
            self._open_task(session, task_id, actor, DRAFT_DISCARDED)
            task_drafts.discard(session, task_id, actor.username)

    @staticmethod
    def _validate(forms: dict[str, str], form: str | None, data: dict[str, Any]) -> None:
        schema_json = forms.get(form or "")
        if form is None or schema_json is None:  # no form has the name "": both mean no form
            raise FormValidationError(form or "(none)", [FieldError("(form)", "the task's form is missing")])
        validate_form_data(form, schema_json, data)
        unknown = sorted(set(data) - declared_fields(schema_json))
        if unknown:
            raise FormValidationError(form, [FieldError(k, "is not a field of this form") for k in unknown])

    @contextmanager
    def _incident_on_failure(self, actor: Actor, task_id: str) -> Iterator[dict[str, int]]:
        """A ScriptError or SandboxViolation from the step (rolled back by then) opens an incident
        on the case the body names in the dict it is given (`failing["case_id"]`), then goes on."""
        failing: dict[str, int] = {}
        try:
            yield failing
        except (ScriptError, SandboxViolation) as failed:
            if "case_id" in failing:
                open_step_incident(self.db, failing["case_id"], failed, actor, task_id)
            raise

    @contextmanager
    def _guarded_write(self, task_id: str | None = None) -> Iterator[None]:
        """Turn a stale write into a clear conflict (or "already completed by")."""
        try:
            yield
        except StaleDataError:
            if task_id is not None:
                done = self._completed(task_id)
                if done is not None:
                    raise done from None
            raise Conflict(
                "the case was changed by someone else at the same time; reload it and try again"
            ) from None

    def _completed(self, task_id: str) -> TaskAlreadyCompleted | None:
        """Who completed a task that someone (allowed to see it: the write got that far) was
        completing too."""
        with self.db.reading() as session:
            completed_by = _completed_by(session, task_id)
            return already_completed(session, completed_by) if completed_by is not None else None

    def _open_task(self, session: Session, task_id: str, actor: Actor, action: str) -> tuple[Row, Case]:
        """An open task and its case, read together in one statement without the ORM (a completion
        runs it every time), once `actor` may do `action` to it (engine/access/task_access.py). The case
        comes detached: a step writes it with one version-checked UPDATE (Step.finish)."""
        found = session.connection().execute(_TASK_AND_CASE, {"task_id": task_id}).first()
        if found is None:
            raise closed_task(session, task_id, actor, action)
        values = found._mapping
        case = Case(**{column: values[f"case__{column}"] for column in _CASE_COLUMNS})
        require(actor, action, found.candidate_group, case.agency, (case.id, found.id, found.element_id))
        return found, case


def _require_workable(session: Session, row: Row, case: Case, actor: Actor) -> None:
    """Refuse to complete a task of a case that is not active, or one claimed by someone else."""
    if case.status is not CaseStatus.ACTIVE:
        raise CaseNotActive(
            f"Case {case.business_key} is {case.status.value}; a manager must resume it first"
        )
    if row.assignee not in (None, actor.username):
        raise Conflict(
            f"This task is claimed by {person_name(session, row.assignee)}; ask them or a manager "
            "to release it."
        )


def _completed_by(session: Session, task_id: str) -> str | None:
    """Who completed a task, from the audit trail (None if nobody did)."""
    return session.scalar(
        select(AuditEvent.actor).where(AuditEvent.task_id == task_id, AuditEvent.action == "task_completed")
    )
