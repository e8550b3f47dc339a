"""Claiming, releasing and assigning open tasks (who is working on what)."""

from __future__ import annotations

from sqlalchemy import select

from engine import clock
from engine.db import Database
from engine.errors import Conflict, Forbidden, TaskNotFound
from engine.models import AuditEvent, Case, OpenTask, User
from engine.queries import task_view
from engine.views import Actor, TaskView

MANAGER = "manager"


def record_refusal(
    db: Database, actor: Actor, action: str, target: tuple[int | None, str | None, str | None], reason: str
) -> None:
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
    def __init__(self, db: Database):
        self.db = db

    def claim(self, task_id: str, actor: Actor) -> TaskView:
        """Take a task of one of your groups; refused if someone else has it."""
        return self._change(task_id, actor, "task_claimed", actor.username)

    def release(self, task_id: str, actor: Actor) -> TaskView:
        """Give a task back to its group (its assignee or a manager)."""
        return self._change(task_id, actor, "task_released", None)

    def assign(self, task_id: str, username: str, actor: Actor) -> TaskView:
        """A manager gives a task to a member of its group."""
        return self._change(task_id, actor, "task_assigned", username)

    def _change(self, task_id: str, actor: Actor, action: str, assignee: str | None) -> TaskView:
        refusal: tuple[type[Exception], str] | None = None
        with self.db.writing() as session:
            task = session.get(OpenTask, task_id)
            if task is None:
                raise TaskNotFound(f"no open task {task_id}; it may have been completed")
            refusal = self._refusal(session, task, actor, action, assignee)
            target = (task.case_id, task.id, task.element_id)
            if refusal is None:
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
                return task_view(task, session.get(Case, task.case_id).business_key)
        kind, reason = refusal
        if kind is Forbidden:
            record_refusal(self.db, actor, action, target, reason)
        raise kind(reason)

    @staticmethod
    def _refusal(
        session, task: OpenTask, actor: Actor, action: str, assignee: str | None
    ) -> tuple[type[Exception], str] | None:
        is_manager = actor.is_superuser or MANAGER in actor.groups
        if action == "task_assigned":
            if not is_manager:
                return Forbidden, "only a manager may assign tasks"
            member = session.scalar(select(User).where(User.username == assignee, User.active.is_(True)))
            if member is None:
                return Conflict, f"{assignee} is not an active user; check the username"
            if task.candidate_group not in (member.groups or []):
                return Conflict, f"{assignee} is not in group {task.candidate_group}"
            return None
        if not (actor.may_work_in(task.candidate_group) or is_manager or task.assignee == actor.username):
            return Forbidden, f"{actor.username} is not in group {task.candidate_group}"
        if action == "task_claimed" and task.assignee not in (None, actor.username):
            return Conflict, f"the task is already claimed by {task.assignee}"
        if action == "task_released" and task.assignee not in (None, actor.username) and not is_manager:
            return Forbidden, f"the task is claimed by {task.assignee}; only they or a manager may release it"
        return None
