"""People's drafts of a task's answers: one per task and person, read only by that person.

Kept as typed (no validation beyond the page's parsing); deleted when the task is completed, by
anyone. Access is checked by the caller (`TaskWork`), as for the task's form."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.crypto.sealing import seal_text, unseal_text
from engine.errors import DraftTooLong
from engine.persistence.models import Case, TaskDraft
from engine.spec.json_input import read_json
from engine.views import DraftAnswers

MAX_DRAFT_BYTES = 200_000  # far more than any form's answers; a bigger draft is refused


def save(
    session: Session, task_id: str, username: str, answers: dict[str, Any], at: datetime, case: Case
) -> DraftAnswers:
    """Keep (or replace) `username`'s draft of the task's answers, sealed with `case`'s key."""
    text = json.dumps(answers, ensure_ascii=False, sort_keys=True)
    if len(text.encode()) > MAX_DRAFT_BYTES:
        raise DraftTooLong("Your answers are too long to save. Shorten the longest answers and try again")
    text = seal_text(case.data_key, case.id, "draft", text)
    row = _row(session, task_id, username)
    if row is None:
        row = TaskDraft(task_id=task_id, username=username, answers_json=text, saved_at=at)
        session.add(row)
    else:
        row.answers_json, row.saved_at = text, at
    return DraftAnswers(dict(answers), at)


def find(session: Session, task_id: str, username: str, case: Case) -> DraftAnswers | None:
    """`username`'s draft of the task on `case` (None if they have none)."""
    row = _row(session, task_id, username)
    if row is None:
        return None
    answers = read_json(unseal_text(case.data_key, case.id, "draft", row.answers_json).encode())
    return DraftAnswers(answers if isinstance(answers, dict) else {}, row.saved_at)


def discard(session: Session, task_id: str, username: str | None = None) -> None:
    """Delete `username`'s draft of the task, or everyone's (the task is done)."""
    statement = delete(TaskDraft).where(TaskDraft.task_id == task_id)
    if username is not None:
        statement = statement.where(TaskDraft.username == username)
    session.execute(statement)


def _row(session: Session, task_id: str, username: str) -> TaskDraft | None:
    return session.scalar(
        select(TaskDraft).where(TaskDraft.task_id == task_id, TaskDraft.username == username)
    )
