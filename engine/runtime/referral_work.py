"""The referrals side of the engine's API: a first responder's agency reads its own referrals.

Mixed into `Engine` (engine/api.py), whose database, definitions, steps and audited refusals it
uses. Everyone but a first responder of an agency (and administrators) is refused, and so is a
first responder reading another agency's referral: 403, with an audit row."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.rules import may_read_referral, may_refer
from engine.errors import Forbidden, NotFound
from engine.persistence.models import Case
from engine.runtime import referral_record
from engine.runtime.queries import case_view, document_view
from engine.runtime.record_views import ViewKind, log_view
from engine.runtime.step_rows import current_data
from engine.views import Actor, CaseView, DocumentView, ReferralLetter, ReferralRecord, UnfinishedReferral

if TYPE_CHECKING:
    from engine.deploy.definitions import DefinitionCache
    from engine.persistence.db import Database
    from engine.runtime.step import Step

NOT_YOURS = "This is not one of your agency's referrals"


class ReferralWork:
    """Referrals: a page of the agency's, the unfinished ones, one with its decisions and letters."""

    if TYPE_CHECKING:  # what `Engine` (engine/api.py), which this is mixed into, provides
        db: Database
        definitions: DefinitionCache

        def _step(self, session: Session, case: Case, actor: Actor) -> Step: ...
        def _audited_refusals(self, actor: Actor) -> AbstractContextManager[None]: ...

    def referral_page(
        self, actor: Actor, *, search: str = "", status: str | None = None, offset: int = 0, limit: int = 25
    ) -> tuple[list[CaseView], int]:
        """A page of the agency's referrals, newest first (`search`: part of a reference; `status`:
        "active" or "closed"), and how many match in all."""
        with self._audited_refusals(actor):
            require_referrer(actor, "referrals_listed")
        with self.db.reading() as session:
            return referral_record.referral_page(session, actor.agency, search, status, offset, limit)

    def unfinished_referrals(self, actor: Actor) -> list[UnfinishedReferral]:
        """The agency's referrals whose first responder's form is still open."""
        with self._audited_refusals(actor):
            require_referrer(actor, "referrals_listed")
        with self.db.reading() as session:
            return referral_record.unfinished(session, actor.agency)

    def referral(self, key: str, actor: Actor, *, seen_as: ViewKind = ViewKind.REFERRAL) -> CaseView:
        """One of the agency's referrals, with its open tasks; another agency's is refused. The
        look is recorded as `seen_as` (engine/runtime/record_views.py)."""
        with self._audited_refusals(actor), self.db.reading() as session:
            case = self._referral_row(session, key, actor, "referral_viewed")
            view = case_view(session, case)
        log_view(self.db, actor, case.id, seen_as)
        return view

    def referral_record(self, key: str, actor: Actor) -> ReferralRecord:
        """One of the agency's referrals with the decisions made so far and its letters."""
        with self._audited_refusals(actor), self.db.reading() as session:
            case = self._referral_row(session, key, actor, "referral_viewed")
            definition = self.definitions.get(session, case.definition_id)
            workflow = self._step(session, case, actor).load_workflow()
            answered = {str(t.id): t.data for t in workflow.get_tasks(state=TaskState.COMPLETED)}
            made = referral_record.decisions(
                session, case.id, definition.task_forms, definition.schemas, current_data(workflow), answered
            )
            letters = referral_record.letters(session, case.id, case.agency)
            record = ReferralRecord(
                case_view(session, case),
                made,
                tuple(ReferralLetter(n, row.title, row.created_at) for n, row in enumerate(letters, 1)),
            )
        log_view(self.db, actor, case.id, ViewKind.REFERRAL)
        return record

    def referral_letter(self, key: str, number: int, actor: Actor) -> DocumentView:
        """Letter `number` (from 1, oldest first) of those addressed to the referral's first responder."""
        with self._audited_refusals(actor), self.db.reading() as session:
            case = self._referral_row(session, key, actor, "referral_letter_read")
            letters = referral_record.letters(session, case.id, case.agency)
            if not 1 <= number <= len(letters):
                raise NotFound(f"Referral {key} has no letter {number}")
            letter = document_view(letters[number - 1], case.data_key)
        log_view(self.db, actor, case.id, ViewKind.LETTER)
        return letter

    @staticmethod
    def _referral_row(session: Session, key: str, actor: Actor, action: str) -> Case:
        require_referrer(actor, action)
        case = session.scalar(select(Case).where(Case.business_key == key))
        if case is None or not may_read_referral(actor, case.agency):
            # a reference that does not exist is refused as another agency's is: the answer does
            # not tell a first responder which references exist
            raise Forbidden(NOT_YOURS, action=action, target=(case.id if case else None, None, None))
        return case


def require_referrer(actor: Actor, action: str = "case_started") -> None:
    """Refuse (Forbidden, to audit) anyone who is not a first responder of an agency."""
    if may_refer(actor):
        return
    raise Forbidden(f"{actor.username} is not a first responder of an agency", action=action)
