"""What managers read of the record of every look (engine/runtime/record_views.py): who has seen a
case, and the people who opened many cases outside their own work in a period. Managers only:
anyone else is refused, with an audit row. Mixed into `Engine` (engine/api.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from engine.access.role_words import role_in_words
from engine.access.rules import is_manager
from engine.errors import CaseNotFound, Forbidden
from engine.persistence.models import Case, RecordView
from engine.runtime.record_views import ViewKind
from engine.runtime.task_claims import record_refusal
from engine.views import Actor

if TYPE_CHECKING:
    from engine.persistence.db import Database

LOOKED_AT: dict[str, str] = {
    ViewKind.CASE_PAGE: "Case page",
    ViewKind.TASK_PAGE: "Task",
    ViewKind.CHECK_ANSWERS: "Answers to check",
    ViewKind.REFERRAL: "Referral",
    ViewKind.LETTER: "Letter",
    ViewKind.EVIDENCE: "Evidence file",
    ViewKind.API_REFERRAL: "Referral, through the API",
    ViewKind.API_TASK: "Task, through the API",
    ViewKind.CASE_DATA: "Case data",
}
NOT_A_MANAGER = "Only managers may see who has looked at cases"


@dataclass(frozen=True)
class RecordLook:
    """One look at a case's personal data, in words (the person by username: pages name them)."""

    at: datetime
    username: str
    role: str
    looked_at: str
    within_own_work: bool


@dataclass(frozen=True)
class CaseLooked:
    """One case a person opened outside their work: how many times, and when last."""

    case_key: str
    looks: int
    last_at: datetime


@dataclass(frozen=True)
class LooksOutsideWork:
    """A person who opened many cases outside their own work, with those cases, most looked first."""

    username: str
    role: str
    cases: tuple[CaseLooked, ...]


def looked_at(kind: str, task_name: str | None) -> str:
    """What was looked at in words: `Task: Make the reasonable grounds decision`."""
    words = LOOKED_AT.get(kind) or kind.replace("_", " ").capitalize()
    return f"{words}: {task_name}" if task_name else words


class RecordViewReport:
    """record_views_of_case, looks_outside_work."""

    if TYPE_CHECKING:  # what `Engine` (engine/api.py), which this is mixed into, provides
        db: Database

    def record_views_of_case(
        self, key: str, actor: Actor, *, limit: int = 100
    ) -> tuple[list[RecordLook], int]:
        """Who has seen case `key`: its latest `limit` looks, newest first, and how many in all."""
        self._require_manager(actor, "record_views_read")
        with self.db.reading() as session:
            case_id = session.scalar(select(Case.id).where(Case.business_key == key))
            if case_id is None:
                raise CaseNotFound(f"no case {key}")
            total = session.scalar(select(func.count()).where(RecordView.case_id == case_id)) or 0
            rows = session.scalars(
                select(RecordView)
                .where(RecordView.case_id == case_id)
                .order_by(RecordView.at.desc(), RecordView.id.desc())
                .limit(limit)
            )
            return [_look(row) for row in rows], total

    def looks_outside_work(
        self, actor: Actor, since: datetime, until: datetime, *, threshold: int = 10
    ) -> list[LooksOutsideWork]:
        """People who opened at least `threshold` cases outside their own work from `since` to
        `until` (both included), most cases first, each with those cases."""
        self._require_manager(actor, "record_views_report_read")
        outside = (RecordView.within_own_work.is_(False), RecordView.at >= since, RecordView.at <= until)
        with self.db.reading() as session:
            people = session.execute(
                select(RecordView.username, func.count(func.distinct(RecordView.case_id)).label("cases"))
                .where(*outside)
                .group_by(RecordView.username)
                .having(func.count(func.distinct(RecordView.case_id)) >= threshold)
                .order_by(func.count(func.distinct(RecordView.case_id)).desc(), RecordView.username)
            ).all()
            usernames = [person.username for person in people]
            if not usernames:
                return []
            counts = session.execute(
                select(RecordView.username, Case.business_key, func.count(), func.max(RecordView.at))
                .join(Case, Case.id == RecordView.case_id)
                .where(*outside, RecordView.username.in_(usernames))
                .group_by(RecordView.username, Case.business_key)
            ).all()
            roles = dict(
                session.execute(
                    select(RecordView.username, RecordView.groups)
                    .where(*outside, RecordView.username.in_(usernames))
                    .order_by(RecordView.at)
                ).all()
            )  # the role of each person's latest look
        cases: dict[str, list[CaseLooked]] = {name: [] for name in usernames}
        for username, case_key, looks, last_at in counts:
            cases[username].append(CaseLooked(case_key, looks, last_at))
        return [
            LooksOutsideWork(
                name,
                role_in_words(roles[name].split(",")),
                tuple(sorted(cases[name], key=lambda c: (-c.looks, c.case_key))),
            )
            for name in usernames
        ]

    def _require_manager(self, actor: Actor, action: str) -> None:
        if not is_manager(actor):
            record_refusal(self.db, actor, action, (None, None, None), NOT_A_MANAGER)
            raise Forbidden(NOT_A_MANAGER, action=action)


def _look(row: RecordView) -> RecordLook:
    return RecordLook(
        row.at,
        row.username,
        role_in_words(row.groups.split(",")),
        looked_at(row.kind, row.task_name),
        row.within_own_work,
    )
