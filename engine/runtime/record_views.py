"""The record of every look: one row each time a person is shown a case's personal data.

The engine methods that return personal data to a person call `record_view` once they have it
(a refusal raises before, so refused views are audited as refusals, not looks). Each row says
whether the look was within the person's own work on the case: an open task of one of their
groups (a first responder's: on their agency's referral) or assigned to them, or a task they
completed. It is one INSERT, that flag worked out inside it."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import exists, insert, or_, select
from sqlalchemy.orm import Session

from engine import clock
from engine.access.role_words import own_task_groups
from engine.access.task_access import COMPLETE
from engine.persistence.models import AuditEvent, Case, OpenTask, RecordView
from engine.views import Actor

if TYPE_CHECKING:
    from engine.persistence.db import Database


class ViewKind(StrEnum):
    """What a person looked at."""

    CASE_PAGE = "case_page"  # a manager's case page
    TASK_PAGE = "task_page"  # a task page with its case file
    CHECK_ANSWERS = "check_answers"  # the answers to check before sending them
    REFERRAL = "referral"  # a first responder's referral page (or its confirmation)
    LETTER = "letter"  # a letter to the first responder
    EVIDENCE = "evidence"  # an evidence file downloaded
    API_REFERRAL = "api_referral"  # a referral read through the JSON API
    API_TASK = "api_task"  # a task read through the JSON API
    CASE_DATA = "case_data"  # the case data read for a person (the command line, a program)


def record_view(
    session: Session,
    actor: Actor,
    case_id: int,
    kind: ViewKind,
    task_id: str | None = None,
    task_name: str | None = None,
) -> None:
    """Write the row for `actor` looking at case `case_id` now (in `session`'s transaction)."""
    any_case, own_agency = own_task_groups(actor.groups)
    open_task = exists().where(
        OpenTask.case_id == case_id,
        or_(
            OpenTask.assignee == actor.username,
            OpenTask.candidate_group.in_(any_case),
            OpenTask.candidate_group.in_(own_agency)
            & exists().where(Case.id == case_id, Case.agency.is_not_distinct_from(actor.agency)),
        ),
    )
    completed = exists().where(
        AuditEvent.case_id == case_id,
        AuditEvent.action == COMPLETE,
        AuditEvent.actor == actor.username,
    )
    session.execute(
        insert(RecordView).values(
            case_id=case_id,
            at=clock.now(),
            username=actor.username,
            groups=",".join(sorted(actor.groups)),
            kind=kind.value,
            task_id=task_id,
            task_name=task_name,
            within_own_work=select(or_(open_task, completed)).scalar_subquery(),
        )
    )


def log_view(
    db: Database,
    actor: Actor,
    case_id: int,
    kind: ViewKind,
    task_id: str | None = None,
    task_name: str | None = None,
) -> None:
    """`record_view` in a short transaction of its own, after a read."""
    with db.writing() as session:
        record_view(session, actor, case_id, kind, task_id, task_name)
