"""Evidence files and notes on a case: adding, listing and downloading them, each audited.

Mixed into `Engine` (engine/api.py). Who may is one rule (engine.access.rules.case_information_access),
checked before anything is said about the case or file: someone who may not gets the same refusal
whether or not the case or file exists. First responders see what their own agency added."""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.access.rules import OWN_AGENCY_INFORMATION, case_information_access, is_manager, may_work_on
from engine.crypto.sealing import seal, seal_text, unseal, unseal_text
from engine.errors import CaseNotFound, Forbidden, NotFound
from engine.persistence.models import AuditEvent, Case, CaseEvidence, CaseNote, OpenTask, User
from engine.runtime.case_file import declared_case_file
from engine.runtime.evidence_checks import (
    EvidenceRefused,
    checked_description,
    checked_note,
    download_name,
    file_type,
    safe_filename,
)
from engine.runtime.information_views import evidence_views, note_views
from engine.runtime.record_views import ViewKind, record_view
from engine.spec.case_file import parse_case_file
from engine.views import Actor, EvidenceFile, EvidenceView, NoteView

if TYPE_CHECKING:
    from engine.config import EngineConfig
    from engine.deploy.definitions import DefinitionCache
    from engine.persistence.db import Database

NOT_YOURS = "Only the case's caseworkers, managers and the referring agency may see or add to its evidence"
EVIDENCE, NOTES = "evidence", "notes"


class CaseInformation:
    """add_evidence, evidence_list, evidence_file, add_note, notes."""

    if TYPE_CHECKING:  # what `Engine` (engine/api.py), which this is mixed into, provides
        config: EngineConfig
        db: Database
        definitions: DefinitionCache

        def _audited_refusals(self, actor: Actor) -> AbstractContextManager[None]: ...

    def add_evidence(self, key: str, filename: str, content: bytes, description: str, actor: Actor) -> int:
        """Keep a file as evidence on case `key`; its type is decided by its content. Returns its id;
        EvidenceRefused (nothing kept) says what is wrong with the file or the description."""
        with self._audited_refusals(actor), self.db.writing() as session:
            case, _access = self._information_case(session, key, actor, "evidence_added", EVIDENCE)
            if not filename and not content:
                raise EvidenceRefused("file", "Select a file")
            text = checked_description(description)
            found = file_type(content, self.config.evidence_max_bytes)
            digest = hashlib.sha256(content).hexdigest()
            key_of_case = case.data_key
            row = CaseEvidence(
                case_id=case.id,
                description=seal_text(key_of_case, case.id, "evidence description", text),
                filename=seal_text(key_of_case, case.id, "evidence filename", safe_filename(filename)),
                media_type=found.media_type,
                size=len(content),
                sha256=digest,
                content=seal(key_of_case, case.id, "evidence", content),
                uploaded_by=actor.username,
                uploaded_at=clock.now(),
            )
            session.add(row)
            session.flush()
            _audit(
                session,
                case.id,
                actor,
                "evidence_added",
                evidence_id=row.id,
                media_type=found.media_type,
                size=len(content),
                sha256=digest,
                description_length=len(text),
            )
            return row.id

    def evidence_list(self, key: str, actor: Actor) -> list[EvidenceView]:
        """The evidence on case `key`, oldest first (a first responder's: their agency's)."""
        with self._audited_refusals(actor), self.db.reading() as session:
            case, access = self._information_case(session, key, actor, "evidence_listed", EVIDENCE)
            return list(evidence_views(session, case.id, case.data_key, _agency_only(actor, access)))

    def evidence_file(self, key: str, evidence_id: int, actor: Actor) -> EvidenceFile:
        """One evidence file to download (audited as evidence_downloaded, and a recorded look)."""
        with self._audited_refusals(actor), self.db.writing() as session:
            case, access = self._information_case(session, key, actor, "evidence_downloaded", EVIDENCE)
            row = session.get(CaseEvidence, evidence_id)
            agency = _agency_only(actor, access)
            if row is not None and row.case_id != case.id:
                row = None
            if row is not None and agency is not None:
                uploader = session.scalar(select(User.agency).where(User.username == row.uploaded_by))
                row = row if uploader == agency else None
            if row is None:
                if agency is None:  # those who see every file are told it is not there
                    raise NotFound("There is no such file on this case")
                # a missing file is refused as another's is: a first responder counts nothing
                raise Forbidden(NOT_YOURS, action="evidence_downloaded", target=(case.id, None, None))
            _audit(session, case.id, actor, "evidence_downloaded", evidence_id=row.id)
            filename = unseal_text(case.data_key, case.id, "evidence filename", row.filename)
            content = unseal(case.data_key, case.id, "evidence", row.content)
            record_view(session, actor, case.id, ViewKind.EVIDENCE)
            return EvidenceFile(download_name(filename, row.media_type), row.media_type, content)

    def add_note(self, key: str, text: str, actor: Actor) -> int:
        """Write a note on case `key` (kept for good); EvidenceRefused if it is empty or too long."""
        with self._audited_refusals(actor), self.db.writing() as session:
            case, _access = self._information_case(session, key, actor, "note_added", NOTES)
            note = checked_note(text)
            sealed = seal_text(case.data_key, case.id, "note", note)
            row = CaseNote(case_id=case.id, text=sealed, written_by=actor.username, written_at=clock.now())
            session.add(row)
            session.flush()
            _audit(session, case.id, actor, "note_added", note_id=row.id, length=len(note))
            return row.id

    def notes(self, key: str, actor: Actor) -> list[NoteView]:
        """The notes on case `key`, in the order written (a first responder's: their agency's)."""
        with self._audited_refusals(actor), self.db.reading() as session:
            case, access = self._information_case(session, key, actor, "notes_listed", NOTES)
            return list(note_views(session, case.id, case.data_key, _agency_only(actor, access)))

    def _information_case(
        self, session: Session, key: str, actor: Actor, action: str, section: str
    ) -> tuple[Case, str]:
        """The case, once `actor` may handle its `section`; the same refusal for a case that does
        not exist (managers, who see every case, are told it is not there)."""
        case = session.scalar(select(Case).where(Case.business_key == key))
        if case is None:
            if is_manager(actor):
                raise CaseNotFound(f"no case {key}")
            raise Forbidden(NOT_YOURS, action=action)
        groups = case_groups(session, case.id)
        access = case_information_access(actor, case.agency, groups)
        if access is None and self._declared_by_task(session, case, actor, section):
            access = case_information_access(actor, case.agency, groups, declared_by_task=True)
        if access is None:
            raise Forbidden(NOT_YOURS, action=action, target=(case.id, None, None))
        return case, access

    def _declared_by_task(self, session: Session, case: Case, actor: Actor, section: str) -> bool:
        """Whether one of the case's open tasks that `actor` may work on declares `section` in its
        case file (docs/modelling.md#case-files)."""
        tasks = session.execute(
            select(OpenTask.process_id, OpenTask.element_id, OpenTask.candidate_group).where(
                OpenTask.case_id == case.id
            )
        ).all()
        mine = [t for t in tasks if may_work_on(actor, t.candidate_group, case.agency)]
        if not mine:
            return False
        specs = self.definitions.get(session, case.definition_id).specs
        for task in mine:
            declared = declared_case_file(specs, task.process_id, task.element_id) or ""
            if any(item.section == section for item in parse_case_file(declared)):
                return True
        return False


def case_groups(session: Session, case_id: int) -> set[str]:
    """The groups the case's tasks were given (from their `task_opened` audit rows)."""
    details = session.scalars(
        select(AuditEvent.detail).where(AuditEvent.case_id == case_id, AuditEvent.action == "task_opened")
    )
    return {str(d["group"]) for d in details if d and d.get("group")}


def _agency_only(actor: Actor, access: str) -> str | None:
    return actor.agency if access == OWN_AGENCY_INFORMATION else None


def _audit(session: Session, case_id: int, actor: Actor, action: str, **detail: object) -> None:
    """An audit row for what was added or downloaded: ids, sizes and hashes, never the content."""
    session.add(
        AuditEvent(case_id=case_id, at=clock.now(), actor=actor.username, action=action, detail=detail)
    )
