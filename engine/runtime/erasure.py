"""Erasing a closed case's personal data by destroying its data key (crypto-shredding), the legal
hold that stops it, and the retention run that erases the closed cases past their process's
retention. Mixed into `Engine` (engine/api.py).

The case keeps its skeleton (reference, dates, status, stages, reported facts, audit actions), so
statistics do not change; its sealed values stay where they are, in the database and in every
backup, and no key opens them any more (docs/data-protection.md)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CompoundSelect, delete, select, union
from sqlalchemy.orm import Session

from engine import clock
from engine.crypto.name_index import forget_names
from engine.crypto.sealing import seal_text, unseal_text
from engine.errors import Conflict, ErasureRefused
from engine.persistence.models import AuditEvent, Case, OpenTask, TaskDraft
from engine.runtime.case_status import require_manager
from engine.runtime.retention import CLOSED, due_for_erasure
from engine.views import SYSTEM, Actor, CaseView, ErasureRecord, LegalHold, RetentionDue

if TYPE_CHECKING:
    from engine.persistence.db import Database
    from engine.runtime.workflow_cache import WorkflowCache

ERASE_ACTION = "personal_data_erased"
HOLD_SET = "legal_hold_set"
HOLD_LIFTED = "legal_hold_lifted"
MAX_REASON = 500
RETENTION_REASON = "Retention period of {years} years after the case closed has passed"


class PersonalDataErasure:
    """erase_personal_data, set_legal_hold, lift_legal_hold, retention_due, run_retention."""

    if TYPE_CHECKING:  # what `Engine` (engine/api.py), which this is mixed into, provides
        db: Database
        workflows: WorkflowCache

        def case(self, key: str) -> CaseView: ...
        def _audited_refusals(self, actor: Actor) -> AbstractContextManager[None]: ...
        def _guarded_write(self, task_id: str | None = None) -> AbstractContextManager[None]: ...
        @staticmethod
        def _case_row(session: Session, key: str) -> Case: ...

    def erase_personal_data(self, key: str, reason: str, actor: Actor = SYSTEM) -> CaseView:
        """Destroy the case's data key: its personal data can never be read again. Managers only
        (anyone else is refused before the case is looked up); closed cases not on legal hold only
        (ErasureRefused, nothing changed); ValueError without a reason."""
        self._managers_only(key, actor, ERASE_ACTION)
        reason = _reason(reason, "erasing the person's data")
        with self._guarded_write(), self.db.writing() as session:
            case = self._case_row(session, key)
            erase(session, case, reason, actor, clock.now())
            case_id = case.id
        self.workflows.forget(case_id)
        return self.case(key)

    def set_legal_hold(self, key: str, reason: str, actor: Actor = SYSTEM) -> CaseView:
        """Put the case on legal hold: its personal data is never erased until the hold is lifted."""
        self._managers_only(key, actor, HOLD_SET)
        reason = _reason(reason, "putting the case on legal hold")
        with self._guarded_write(), self.db.writing() as session:
            case = self._case_row(session, key)
            if case.personal_data_erased_at is not None:
                raise ErasureRefused(
                    f"The personal data of case {key} was erased already: there is nothing to hold"
                )
            if case.legal_hold_at is not None:
                raise ErasureRefused(f"Case {key} is on legal hold already")
            now = clock.now()
            case.legal_hold_at, case.legal_hold_by = now, actor.username
            case.legal_hold_reason = seal_text(case.data_key, case.id, "legal hold reason", reason)
            _audit(session, case, now, actor, HOLD_SET, seal_text(case.data_key, case.id, "reason", reason))
        return self.case(key)

    def lift_legal_hold(self, key: str, reason: str, actor: Actor = SYSTEM) -> CaseView:
        """Lift the case's legal hold: it is erased again once past its retention."""
        self._managers_only(key, actor, HOLD_LIFTED)
        reason = _reason(reason, "lifting the legal hold")
        with self._guarded_write(), self.db.writing() as session:
            case = self._case_row(session, key)
            if case.legal_hold_at is None:
                raise ErasureRefused(f"Case {key} is not on legal hold")
            case.legal_hold_at = case.legal_hold_by = case.legal_hold_reason = None
            reason = seal_text(case.data_key, case.id, "reason", reason)
            _audit(session, case, clock.now(), actor, HOLD_LIFTED, reason)
        return self.case(key)

    def check_erasure(self, key: str, actor: Actor) -> CaseView:
        """Forbidden (audited) unless `actor` is a manager, whatever `key` is; then the case
        (CaseNotFound if there is none). The confirmation page asks this before offering erasure."""
        self._managers_only(key, actor, ERASE_ACTION)
        return self.case(key)

    def _managers_only(self, key: str, actor: Actor, action: str) -> None:
        """Refuse (one audit row, on the case if there is one) anyone but a manager, the same way
        whether or not the case exists."""
        with self.db.reading() as session:
            case_id = session.scalar(select(Case.id).where(Case.business_key == key))
        with self._audited_refusals(actor):
            require_manager(actor, action, case_id)

    def retention_due(self, now: datetime | None = None) -> list[RetentionDue]:
        """The closed cases past their process's retention at `now` (the clock's by default), not
        on legal hold and not erased already, oldest first."""
        with self.db.reading() as session:
            return due_for_erasure(session, now or clock.now())

    def run_retention(
        self,
        now: datetime | None = None,
        *,
        dry_run: bool = False,
        progress: Callable[[RetentionDue], None] | None = None,
    ) -> list[RetentionDue]:
        """Erase the cases `retention_due` finds (with `dry_run`, only list them); returns those
        erased (or, dry, due). A case held or erased meanwhile (another scheduler) is skipped."""
        due = self.retention_due(now)
        if dry_run:
            return due
        erased = []
        for item in due:
            try:
                self.erase_personal_data(item.key, RETENTION_REASON.format(years=item.years), SYSTEM)
            except Conflict:  # held, or erased by another node, since it was listed
                continue
            erased.append(item)
            if progress:
                progress(item)
        return erased


def erase(session: Session, case: Case, reason: str, actor: Actor, now: datetime) -> None:
    """Destroy `case`'s data key, delete its drafts and record why (ErasureRefused if it may not be)."""
    key = case.business_key
    if case.personal_data_erased_at is not None:
        raise ErasureRefused(f"The personal data of case {key} was erased already")
    if case.status not in CLOSED:
        raise ErasureRefused(
            f"Case {key} is {case.status.value}: cancel it first, then erase the person's data"
        )
    if case.legal_hold_at is not None:
        raise ErasureRefused(
            f"Case {key} is on legal hold: lift the hold first, then erase the person's data"
        )
    if case.data_key is None:
        raise ErasureRefused(f"Case {key} has no data key yet: run `nrm init` first, which seals its data")
    tasks: CompoundSelect = union(
        select(AuditEvent.task_id).where(AuditEvent.case_id == case.id, AuditEvent.task_id.is_not(None)),
        select(OpenTask.id).where(OpenTask.case_id == case.id),
    )
    session.execute(delete(TaskDraft).where(TaskDraft.task_id.in_(tasks)))
    case.data_key = None  # data_key_id stays: `nrm init` never gives an erased case a new key
    forget_names(session, case.id)  # nor can the person be found by name
    case.personal_data_erased_at, case.erasure_reason, case.erased_by = now, reason, actor.username
    _audit(session, case, now, actor, ERASE_ACTION, reason)


def erasure_of(case: Case) -> ErasureRecord | None:
    """When, why and by whom the case's personal data was erased (None: it was not)."""
    if case.personal_data_erased_at is None:
        return None
    return ErasureRecord(case.personal_data_erased_at, case.erasure_reason or "", case.erased_by or "")


def legal_hold_of(case: Case) -> LegalHold | None:
    """The case's legal hold, its reason unsealed (None: it is not held)."""
    if case.legal_hold_at is None:
        return None
    reason = unseal_text(case.data_key, case.id, "legal hold reason", case.legal_hold_reason or "")
    return LegalHold(case.legal_hold_at, case.legal_hold_by or "", reason)


def _reason(reason: str, doing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(f"a reason is required for {doing}")
    return reason[:MAX_REASON]


def _audit(session: Session, case: Case, now: datetime, actor: Actor, action: str, reason: str) -> None:
    session.add(
        AuditEvent(case_id=case.id, at=now, actor=actor.username, action=action, detail={"reason": reason})
    )
