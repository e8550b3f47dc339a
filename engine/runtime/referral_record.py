"""What a first responder's agency reads of its referrals: a page of them, the ones whose
referral form is still open, and one referral's decisions and letters (engine.api `Engine`
checks who may read them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.access.rules import FIRST_RESPONDER
from engine.persistence.models import AuditEvent, Case, CaseDocumentRow, CaseStatus, OpenTask, User
from engine.runtime.queries import case_view
from engine.spec.case_file import DECISION_SUFFIX, is_decision_form, readable
from engine.views import CaseView, ReferralDecision, UnfinishedReferral

STATUSES = {
    "active": (CaseStatus.ACTIVE, CaseStatus.SUSPENDED),
    "closed": (CaseStatus.COMPLETED, CaseStatus.CANCELLED),
}
MAX_SEARCH = 40


def referral_page(
    session: Session, agency: str | None, search: str, status: str | None, offset: int, limit: int
) -> tuple[list[CaseView], int]:
    """A page of the agency's referrals, newest first, and how many match in all; `search`, part
    of a reference; `status`, "active" or "closed" (anything else: all)."""
    wanted = select(Case).where(Case.agency == agency)
    words = search.strip().upper()[:MAX_SEARCH]
    if words:
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        wanted = wanted.where(Case.business_key.like(f"%{escaped}%", escape="\\"))
    if status in STATUSES:
        wanted = wanted.where(Case.status.in_(STATUSES[status]))
    total = session.scalar(select(func.count()).select_from(wanted.subquery())) or 0
    rows = session.scalars(wanted.order_by(Case.id.desc()).offset(offset).limit(limit))
    return [case_view(session, row, details=False) for row in rows], total


def unfinished(session: Session, agency: str | None, limit: int = 50) -> list[UnfinishedReferral]:
    """The agency's referrals with a first responder's task open, newest first, with who has it."""
    rows = session.execute(
        select(
            Case.business_key,
            OpenTask.id,
            OpenTask.name,
            Case.created_at,
            OpenTask.assignee,
            User.display_name,
        )
        .join(Case, Case.id == OpenTask.case_id)
        .outerjoin(User, User.username == OpenTask.assignee)
        .where(
            Case.agency == agency,
            OpenTask.candidate_group == FIRST_RESPONDER,
            Case.status.in_(STATUSES["active"]),
        )
        .order_by(Case.id.desc())
        .limit(limit)  # the newest; a large agency's abandoned forms are in its referrals list too
    ).all()
    return [
        UnfinishedReferral(key, task_id, name, at, who, shown) for key, task_id, name, at, who, shown in rows
    ]


def decisions(
    session: Session,
    case_id: int,
    task_forms: dict[str, str],
    schemas: dict[str, dict[str, Any]],
    data: dict[str, Any],
    answered: dict[str, dict[str, Any]],
) -> tuple[ReferralDecision, ...]:
    """The decision forms completed on the case (a form with a `…_decision` field), oldest first,
    each with its outcome in words (the choice's label in the form), as that task answered it
    (`answered`, by task id: a decision made again after a reconsideration is a second line with
    its own outcome); `data`, the case's data, for a task the workflow no longer holds."""
    done = session.execute(
        select(AuditEvent.element_id, AuditEvent.at, AuditEvent.detail, AuditEvent.task_id)
        .where(AuditEvent.case_id == case_id, AuditEvent.action == "task_completed")
        .order_by(AuditEvent.id)
    ).all()
    made = []
    for element_id, at, detail, task_id in done:
        schema = schemas.get(task_forms.get(element_id or "", ""), {})
        if not is_decision_form(schema):
            continue
        properties = schema.get("properties", {})
        field = next(name for name in properties if name.endswith(DECISION_SUFFIX))
        given = answered.get(task_id or "", data)
        if field not in given:
            continue
        title = str(schema.get("title") or (detail or {}).get("name") or "Decision")
        made.append(ReferralDecision(title, at, readable(properties[field], given[field])))
    return tuple(made)


def letters(session: Session, case_id: int, agency: str | None) -> list[CaseDocumentRow]:
    """The case's letters addressed to its first responder (or their agency), oldest first."""
    addressees = [FIRST_RESPONDER] + ([agency] if agency else [])
    return list(
        session.scalars(
            select(CaseDocumentRow)
            .where(CaseDocumentRow.case_id == case_id, CaseDocumentRow.recipient.in_(addressees))
            .order_by(CaseDocumentRow.created_at, CaseDocumentRow.kind, CaseDocumentRow.id)
        )
    )
