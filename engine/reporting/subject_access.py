"""Subject access requests: a manager (or an operator, as the system) exports everything held
about the person on a case as one archive (engine/reporting/subject_access_archive.py builds it).

Mixed into `Engine` (engine/api.py). Personal data is read only through the engine's own read
methods (the case detail, documents, evidence and notes), so whatever they do to it on the way
out (decryption, the record of who looked) applies here too. Anyone but a manager is refused,
with one audit row, before anything is said about whether the case exists; each export is an
audit row `personal_data_exported` with counts, never content."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine import clock
from engine.access.rules import is_manager
from engine.crypto.sealing import PersonalDataErased
from engine.errors import CaseNotFound, Forbidden
from engine.persistence.models import AuditEvent, Case
from engine.reporting.case_browser import CaseDetail
from engine.reporting.case_data import OTHER_TITLE
from engine.reporting.subject_access_archive import (
    AnsweredField,
    AnsweredForm,
    EvidenceItem,
    PersonRecord,
    archive_name,
    build_archive,
    day,
)
from engine.runtime.case_file import answered_forms
from engine.runtime.erasure import erasure_of
from engine.spec.case_file import field_title, readable
from engine.spec.process_labels import in_words
from engine.views import Actor, CaseView, DocumentView, EvidenceFile, EvidenceView, NoteView

if TYPE_CHECKING:
    from engine.deploy.definitions import DefinitionCache
    from engine.persistence.db import Database

EXPORT_ACTION = "personal_data_exported"
NOT_A_MANAGER = "Only managers may export a person's data"
_EMPTY: tuple[Any, ...] = (None, "", [], {})


class SubjectAccess:
    """check_person_export, export_person."""

    if TYPE_CHECKING:  # what `Engine` (engine/api.py), which this is mixed into, provides
        db: Database
        definitions: DefinitionCache

        def _audited_refusals(self, actor: Actor) -> AbstractContextManager[None]: ...
        def case(self, key: str) -> CaseView: ...
        def case_detail(self, key: str, actor: Actor) -> CaseDetail: ...
        def documents(self, key: str) -> list[DocumentView]: ...
        def evidence_list(self, key: str, actor: Actor) -> list[EvidenceView]: ...
        def evidence_file(self, key: str, evidence_id: int, actor: Actor) -> EvidenceFile: ...
        def notes(self, key: str, actor: Actor) -> list[NoteView]: ...

    def check_person_export(self, key: str, actor: Actor) -> None:
        """Forbidden (audited) unless `actor` is a manager, whatever `key` is; then CaseNotFound if
        there is no such case, PersonalDataErased if its personal data was erased. The
        confirmation page asks this before offering the export."""
        with self._audited_refusals(actor):
            self._export_case_id(key, actor)

    def export_person(self, key: str, actor: Actor) -> tuple[str, bytes]:
        """(file name, zip archive) of everything held about the person on case `key`: readable
        answers by form, what the process worked out, letters, evidence files and notes."""
        with self._audited_refusals(actor):
            case_id = self._export_case_id(key, actor)
        view = self.case(key)
        detail = self.case_detail(key, actor)
        with self.db.reading() as session:
            definition = self.definitions.get(session, session.get_one(Case, case_id).definition_id)
            answered = answered_forms(session, case_id, definition.task_forms)
        forms = _answered(detail.data, definition.schemas, answered)
        evidence = tuple(
            EvidenceItem(item, found.download_name, found.content)
            for item in self.evidence_list(key, actor)
            for found in [self.evidence_file(key, item.id, actor)]
        )
        record = PersonRecord(
            reference=view.key,
            status=in_words(view.status),
            stage=view.current_step or view.outcome or "",
            referred_at=view.created_at,
            updated_at=view.updated_at,
            ended_at=view.ended_at,
            exported_at=clock.now(),
            forms=forms,
            other=tuple(row for s in detail.sections if s.title == OTHER_TITLE for row in s.rows),
            letters=tuple(self.documents(key)),
            evidence=evidence,
            notes=tuple(self.notes(key, actor)),
        )
        archive = build_archive(record)
        counts = {"forms": len(forms), "letters": len(record.letters), "evidence": len(evidence)}
        with self.db.writing() as session:
            session.add(
                AuditEvent(
                    case_id=case_id,
                    at=clock.now(),
                    actor=actor.username,
                    action=EXPORT_ACTION,
                    detail={**counts, "notes": len(record.notes), "size": len(archive)},
                )
            )
        return archive_name(view.key), archive

    def _export_case_id(self, key: str, actor: Actor) -> int:
        with self.db.reading() as session:
            case_id = session.scalar(select(Case.id).where(Case.business_key == key))
        if not is_manager(actor):  # the same refusal whether or not the case exists
            raise Forbidden(NOT_A_MANAGER, action=EXPORT_ACTION, target=(case_id, None, None))
        if case_id is None:
            raise CaseNotFound(f"There is no case {key}: check the reference (list cases with `nrm status`)")
        with self.db.reading() as session:
            erasure = erasure_of(session.get_one(Case, case_id))
        if erasure is not None:
            raise PersonalDataErased(
                f"The personal data of case {key} was erased on {day(erasure.at)} because "
                f"{erasure.reason.rstrip('.')}: there is nothing to export"
            )
        return case_id


def _answered(
    data: dict[str, Any], schemas: dict[str, dict], answered: list[str]
) -> tuple[AnsweredForm, ...]:
    """Every answered field the case data holds of every completed form, in the order the forms
    were completed (a field two forms ask is under both, with the answer the case holds now)."""
    forms = []
    for form in answered:
        schema = schemas.get(form)
        if schema is None:
            continue
        properties = schema.get("properties", {})
        fields = tuple(
            AnsweredField(name, field_title(schema, name), data[name], readable(spec, data[name]))
            for name, spec in properties.items()
            if name in data and data[name] not in _EMPTY
        )
        if fields:
            forms.append(AnsweredForm(form, str(schema.get("title") or in_words(form)), fields))
    return tuple(forms)
