"""Changing a case's status: managers suspend, resume and cancel it; managers and the case's
competent authority record where the person is (missing, found, left the UK:
engine/runtime/whereabouts.py). Mixed into `Engine` (engine/api.py)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from engine.access.rules import is_manager, may_record_whereabouts
from engine.crypto.sealing import seal_text
from engine.errors import CaseNotActive, Forbidden
from engine.persistence.models import Case, CaseStatus
from engine.runtime.case_information import case_groups
from engine.runtime.whereabouts import MISSING, WITHDRAWN, stop_clocks_while_missing, suspended_since
from engine.views import SYSTEM, Actor, CaseView

if TYPE_CHECKING:
    from engine.persistence.db import Database
    from engine.runtime.step import Step
    from engine.runtime.workflow_cache import WorkflowCache

_VERBS = {
    "case_suspended": "suspend",
    "case_resumed": "resume",
    "case_cancelled": "cancel",
    "case_withdrawn": "withdraw",
}


class CaseStatusChanges:
    """Suspend, resume, cancel; missing, found, left the UK. Each with a reason, audited."""

    if TYPE_CHECKING:  # what `Engine` (engine/api.py), which this is mixed into, provides
        db: Database
        workflows: WorkflowCache

        def case(self, key: str) -> CaseView: ...
        def _step(self, session: Session, case: Case, actor: Actor) -> Step: ...
        def _audited_refusals(self, actor: Actor) -> AbstractContextManager[None]: ...
        def _guarded_write(self, task_id: str | None = None) -> AbstractContextManager[None]: ...
        @staticmethod
        def _case_row(session: Session, key: str) -> Case: ...

    def suspend_case(self, key: str, reason: str, actor: Actor = SYSTEM) -> CaseView:
        return self._set_status(
            key, CaseStatus.SUSPENDED, {CaseStatus.ACTIVE}, "case_suspended", reason, actor
        )

    def resume_case(self, key: str, reason: str, actor: Actor = SYSTEM) -> CaseView:
        return self._set_status(key, CaseStatus.ACTIVE, {CaseStatus.SUSPENDED}, "case_resumed", reason, actor)

    def cancel_case(self, key: str, reason: str, actor: Actor = SYSTEM) -> CaseView:
        """Cancel a case: its open tasks close and its timers never fire."""
        return self._set_status(
            key,
            CaseStatus.CANCELLED,
            {CaseStatus.ACTIVE, CaseStatus.SUSPENDED},
            "case_cancelled",
            reason,
            actor,
        )

    def record_missing(self, key: str, reason: str, actor: Actor = SYSTEM) -> CaseView:
        """The person has gone missing: the case is suspended with the outcome "suspended (missing)"
        and its clocks stop until they are found (`record_found`)."""
        return self._set_status(
            key, CaseStatus.SUSPENDED, {CaseStatus.ACTIVE}, "case_suspended", reason, actor, outcome=MISSING
        )

    def record_found(self, key: str, reason: str, actor: Actor = SYSTEM) -> CaseView:
        """The missing person has been found: the case resumes, every waiting timer moved later by
        the time they were missing."""
        return self._set_status(
            key, CaseStatus.ACTIVE, {CaseStatus.SUSPENDED}, "case_resumed", reason, actor, outcome=None
        )

    def record_left_uk(self, key: str, reason: str, actor: Actor = SYSTEM) -> CaseView:
        """The person has left the UK: the case is withdrawn and ends (completed, with the outcome
        "Withdrawn (left the UK)"); its open tasks close and its timers never fire."""
        return self._set_status(
            key,
            CaseStatus.COMPLETED,
            {CaseStatus.ACTIVE, CaseStatus.SUSPENDED},
            "case_withdrawn",
            reason,
            actor,
            outcome=WITHDRAWN,
        )

    def _set_status(
        self,
        key: str,
        status: CaseStatus,
        allowed: set[CaseStatus],
        action: str,
        reason: str,
        actor: Actor,
        outcome: str | None | object = ...,
    ) -> CaseView:
        """Change a case's status. `outcome` given: a change of the person's whereabouts
        (engine/runtime/whereabouts.py), which managers and the case's competent authority may
        record; otherwise managers only."""
        whereabouts = outcome is not ...
        with self._audited_refusals(actor), self._guarded_write(), self.db.writing() as session:
            case = self._case_row(session, key)
            if not whereabouts:
                require_manager(actor, action, case.id)  # before anything is said about the request
            elif not may_record_whereabouts(actor, case.agency, case_groups(session, case.id)):
                raise Forbidden(
                    f"{actor.username} is neither a manager nor the case's competent authority",
                    action=action,
                    target=(case.id, None, None),
                )
            if not reason or not reason.strip():
                raise ValueError(f"a reason is required to {_VERBS.get(action, 'change')} a case")
            self.workflows.forget(case.id)  # not needed while suspended, nor ever once cancelled
            if case.status not in allowed:
                raise CaseNotActive(f"case {key} is {case.status.value}; it cannot be {status.value}")
            step = self._step(session, case, actor)
            step.audit(action, reason=seal_text(step.case_key(), case.id, "reason", reason.strip()))
            missing_since = suspended_since(session, case) if case.outcome == MISSING else None
            if whereabouts:
                case.outcome = outcome  # type: ignore[assignment]
            elif status is CaseStatus.CANCELLED and case.outcome == MISSING:
                case.outcome = None  # cancelled, not suspended: counted as neither
            case.status = status
            case.updated_at = step.now
            step.writes.set_summary("status", case.id, status)
            if status in (CaseStatus.CANCELLED, CaseStatus.COMPLETED):
                workflow = step.load_workflow()
                workflow.cancel()
                case.ended_at = step.now
                step.finish()  # closes the open tasks and cancels the waiting timers
                case.current_step = None
            elif status is CaseStatus.ACTIVE and missing_since is not None:
                case.outcome = None  # found: no longer an outcome of the case
                stop_clocks_while_missing(step, session, case, missing_since)
                step.finish(run_engine=False)  # the moved timers in the stored state
            else:
                step.writes.execute(session.connection())  # the status in the case's summary
        return self.case(key)


def require_manager(actor: Actor, action: str, case_id: int | None = None) -> None:
    if is_manager(actor):
        return
    raise Forbidden(f"{actor.username} is not a manager", action=action, target=(case_id, None, None))
