"""Claiming, releasing and assigning open tasks (who is working on what)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.access.rules import is_manager
from engine.access.task_access import ASSIGN, CLAIM, RELEASE, Target, closed_task, may, require
from engine.access.users import person_name, user_view
from engine.errors import Conflict, Forbidden
from engine.persistence.db import Database
from engine.persistence.models import AuditEvent, Case, OpenTask, User
from engine.runtime.queries import task_view
from engine.views import Actor, TaskView


def record_refusal(db: Database, actor: Actor, action: str, target: Target, reason: str) -> None:
    """Every refusal is an audit row (in its own transaction: the refused work is rolled back)."""
    case_id, task_id, element_id = target
    with db.writing() as session:
        session.add(
            AuditEvent(
                case_id=case_id,
                at=clock.now(),
                actor=actor.username,
                action="refused",
                task_id=task_id,
                element_id=element_id,
                detail={"attempted": action, "reason": reason},
            )
        )


class TaskClaims:
    """Claim, release and assign, each checked against engine/access/task_access.py first."""

    def __init__(self, db: Database):
        self.db = db

    def claim(self, task_id: str, actor: Actor) -> TaskView:
        """Take a task you may work on; refused if someone else has it."""
        return self._change(task_id, actor, CLAIM, actor.username)

    def release(self, task_id: str, actor: Actor) -> TaskView:
        """Give a task back to its group (its assignee or a manager)."""
        return self._change(task_id, actor, RELEASE, None)

    def assign(self, task_id: str, username: str, actor: Actor) -> TaskView:
        """A manager gives a task to someone who may work on it."""
        return self._change(task_id, actor, ASSIGN, username)

    def _change(self, task_id: str, actor: Actor, action: str, assignee: str | None) -> TaskView:
        try:
            return self._changed(task_id, actor, action, assignee)
        except Forbidden as refused:  # recorded after the refused transaction has rolled back
            record_refusal(self.db, actor, refused.action, refused.target, str(refused))
            raise

    def _changed(self, task_id: str, actor: Actor, action: str, assignee: str | None) -> TaskView:
        with self.db.writing() as session:
            task = session.get(OpenTask, task_id)
            if task is None:
                raise closed_task(session, task_id, actor, action)
            case = session.get_one(Case, task.case_id)
            target = (task.case_id, task.id, task.element_id)
            require(actor, action, task.candidate_group, case.agency, target)
            if action == ASSIGN:
                _require_assignable(session, assignee, task.candidate_group, case.agency, target)
            elif action == CLAIM and task.assignee not in (None, actor.username):
                raise Conflict(
                    f"This task is already claimed by {person_name(session, task.assignee)}; ask them or a "
                    "manager to release it."
                )
            elif action == RELEASE and task.assignee not in (None, actor.username) and not is_manager(actor):
                raise Forbidden(
                    f"This task is claimed by {person_name(session, task.assignee)}; only they or a manager "
                    "may release it",
                    action=action,
                    target=target,
                )
            previous = task.assignee
            task.assignee = assignee
            session.add(
                AuditEvent(
                    case_id=task.case_id,
                    at=clock.now(),
                    actor=actor.username,
                    action=action,
                    task_id=task.id,
                    element_id=task.element_id,
                    detail={"assignee": assignee, "previous": previous},
                )
            )
            return task_view(task, case.business_key)


def _require_assignable(
    session: Session, username: str | None, group: str, case_agency: str | None, target: Target
) -> None:
    """An assignment is refused unless the person could work on the task (group and agency)."""
    member = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if member is None:
        raise Forbidden(
            f"There is no active user called {username} to give this task to",
            action=ASSIGN,
            target=target,
        )
    if not may(user_view(member).actor, CLAIM, group, case_agency):
        raise Forbidden(
            f"{username} may not work on this task: they are not in its team, or not of the agency "
            "that made the referral",
            action=ASSIGN,
            target=target,
        )
