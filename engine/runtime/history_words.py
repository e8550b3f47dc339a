"""A case's audit rows in words, for the task case file's history (what caseworkers read) and the
case page (managers: the same words, and the steps' bookkeeping too). Refusals, views and drafts
are left out of both: they are in the audit log, not the case's story."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.crypto.sealing import unseal_text
from engine.persistence.models import AuditEvent, CaseDocumentRow, CaseEvidence
from engine.views import CaseHistoryLine

SAID = {
    "case_started": "Referral started",
    "task_completed": "{name}: done",
    "timer_fired": "{name}",
    "case_flagged": "Flagged for managers",
    "case_suspended": "Case suspended",
    "case_resumed": "Case resumed",
    "case_cancelled": "Case cancelled",
    "case_completed": "Case closed",
    "incident_opened": "The case stopped on a fault; managers were told",
    "note_added": "Note added",
    "document_created": "Letter: {title}",
    "evidence_added": "Evidence added: {evidence}",
    "personal_data_erased": "The person's data erased",
}
# what managers also read on the case page: who took which task, timers set and ended
FOR_MANAGERS = {
    **SAID,
    "task_opened": "{name}: ready to be worked on",
    "task_claimed": "{name}: taken",
    "task_released": "{name}: handed back",
    "task_assigned": "{name}: assigned",
    "timer_set": "Waiting for a date: {name}",
    "timer_cancelled": "No longer waiting for a date: {name}",
    "incident_retried": "The failed timer was tried again",
    "case_migrated": "Moved to version {to_version} of the process",
    "evidence_downloaded": "Evidence downloaded: {evidence}",
    "personal_data_exported": "The person's data exported (subject access request)",
    "legal_hold_set": "Placed on legal hold",
    "legal_hold_lifted": "Legal hold lifted",
}
IN_CLEAR = {"personal_data_erased"}  # its reason is about the erasure, not the person: kept in clear


def history_lines(
    session: Session,
    case_id: int,
    data_key: bytes | None,
    said: dict[str, str] = SAID,
    personal: bool = True,
) -> list[CaseHistoryLine]:
    """The case's audit rows that `said` has words for, oldest first (a letter no longer stored,
    none); without `personal`, no free text people wrote (file descriptions, reasons), which are
    sealed with the case's `data_key`."""
    events = session.execute(
        select(AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.task_id, AuditEvent.detail)
        .where(AuditEvent.case_id == case_id, AuditEvent.action.in_(list(said) + ["task_opened"]))
        .order_by(AuditEvent.id)
    ).all()
    titles = dict(
        session.execute(
            select(CaseDocumentRow.id, CaseDocumentRow.title).where(CaseDocumentRow.case_id == case_id)
        ).all()
    )
    evidence = {
        number: unseal_text(data_key, case_id, "evidence description", description) if personal else ""
        for number, description in session.execute(
            select(CaseEvidence.id, CaseEvidence.description).where(CaseEvidence.case_id == case_id)
        )
    }
    task_names: dict[str, str] = {}
    lines = []
    for at, actor, action, task_id, detail in events:
        detail = dict(detail or {})
        if action == "task_opened" and task_id:
            task_names[task_id] = str(detail.get("name") or "")
        if action not in said:
            continue
        if action == "document_created" and not titles.get(str(detail.get("document_id"))):
            continue
        words: dict[str, Any] = {
            "name": detail.get("name") or task_names.get(task_id or "") or "A step",
            "title": titles.get(str(detail.get("document_id")), ""),
            "evidence": evidence.get(int(detail.get("evidence_id") or 0), "a file") if personal else "a file",
            "to_version": detail.get("to_version", ""),
        }
        reason = str(detail.get("reason") or "")
        if action not in IN_CLEAR:
            reason = unseal_text(data_key, case_id, "reason", reason) if personal else ""
        lines.append(CaseHistoryLine(at, actor, action, said[action].format(**words), reason))
    return lines
