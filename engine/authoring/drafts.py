"""Process owners' drafts: create from a deployed version or from uploads, save, validate, deploy.

Saving a draft never touches a running case: only deploy makes a new definition version, and
running cases stay on theirs. Every file is UTF-8 text; a save carries the draft's version, so a
second editor's stale save is refused instead of overwriting.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import clock
from engine.access.rules import may_edit_models
from engine.deploy.definitions import deploy
from engine.deploy.model_checks import check_bundle
from engine.errors import Conflict, DeploymentError, EngineError, Finding, Forbidden, NotFound, UnsafeXml
from engine.persistence.db import Database
from engine.persistence.models import AuditEvent, DefinitionVersion, ModelDraft
from engine.spec.bundle import MAX_FILE_BYTES, Bundle
from engine.spec.json_input import JsonRefused, read_json
from engine.spec.xml_guard import parse_untrusted_xml
from engine.views import Actor, Deployment

FILE_NAME = re.compile(
    r"^(forms/[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.json|letters/[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.txt"
    r"|labels\.json|[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.(bpmn|dmn))$"
)
MAX_FILES = 100
MAX_DRAFT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class DraftView:
    id: int
    name: str
    version: int
    files: dict[str, str]
    based_on: str | None  # "nrm_pathway v3"
    updated_by: str
    updated_at: datetime


class DraftFileRefused(EngineError):
    """A file that may not be in a draft; the message names the file and what to do."""


def _require_owner(actor: Actor, action: str) -> None:
    if not may_edit_models(actor):
        raise Forbidden(f"{actor.username} may not {action}: only process owners edit and deploy models")


def check_file(path: str, content: bytes | str) -> str:
    """The file's text, or DraftFileRefused saying what is wrong with it."""
    if not FILE_NAME.match(path):
        raise DraftFileRefused(
            f"{path!r}: a draft holds .bpmn and .dmn files, labels.json, forms/*.json and letters/*.txt; "
            "use letters, digits, '.', '_' and '-' in the name"
        )
    try:
        raw = content.encode() if isinstance(content, str) else content
    except UnicodeEncodeError:  # a JSON string may hold a lone surrogate, which is not text
        raise DraftFileRefused(f"{path}: not UTF-8 text; save it as UTF-8 and upload it again") from None
    if len(raw) > MAX_FILE_BYTES:
        raise DraftFileRefused(f"{path}: {len(raw)} bytes is larger than the {MAX_FILE_BYTES} byte limit")
    if path.endswith((".bpmn", ".dmn")):
        try:
            parse_untrusted_xml(raw, path)  # the one check for XML: encoding, DOCTYPE, entities
        except UnsafeXml as error:
            raise DraftFileRefused(str(error)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DraftFileRefused(f"{path}: not UTF-8 text; save it as UTF-8 and upload it again") from None
    if "\0" in text:  # valid UTF-8, but no text file has them: UTF-16 or UTF-32 without a BOM
        raise DraftFileRefused(
            f"{path}: has NUL bytes, so it is not UTF-8 text; save it as UTF-8 and upload it again"
        )
    if path.endswith(".json"):
        try:
            read_json(text)
        except JsonRefused as error:
            raise DraftFileRefused(f"{path}: {error}; fix it and save again") from None
    return text


def _checked(files: Mapping[str, str | bytes]) -> dict[str, str]:
    if len(files) > MAX_FILES:
        raise DraftFileRefused(f"a draft holds at most {MAX_FILES} files; this one has {len(files)}")
    checked = {path: check_file(path, content) for path, content in sorted(files.items())}
    if sum(len(t.encode()) for t in checked.values()) > MAX_DRAFT_BYTES:
        raise DraftFileRefused(f"a draft holds at most {MAX_DRAFT_BYTES} bytes in all")
    return checked


def bundle_of(files: dict[str, str]) -> Bundle:
    return Bundle({path: text.encode("utf-8") for path, text in files.items()})


class Drafts:
    """The engine's drafts API; only process owners (and superusers) use it."""

    def __init__(self, db: Database):
        self.db = db

    def list(self, actor: Actor) -> list[DraftView]:
        _require_owner(actor, "see drafts")
        with self.db.reading() as session:
            rows = session.scalars(select(ModelDraft).order_by(ModelDraft.updated_at.desc()))
            return [self._view(session, row) for row in rows]

    def get(self, draft_id: int, actor: Actor) -> DraftView:
        _require_owner(actor, "open a draft")
        with self.db.reading() as session:
            return self._view(session, self._row(session, draft_id))

    def create(
        self,
        actor: Actor,
        *,
        name: str,
        from_definition: int | None = None,
        files: dict[str, str | bytes] | None = None,
    ) -> DraftView:
        """A draft copying a deployed version's files, or holding uploaded files."""
        _require_owner(actor, "create a draft")
        name = " ".join(name.split())[:200]
        if not name:
            raise DraftFileRefused("give the draft a name")
        with self.db.writing() as session:
            texts: dict[str, str | bytes] = dict(files or {})
            if from_definition is not None:
                version = session.get(DefinitionVersion, from_definition)
                if version is None:
                    raise NotFound(f"definition version {from_definition} does not exist")
                copied: dict[str, str | bytes] = {f.path: f.content for f in version.files}
                texts = copied | texts
            if not texts:
                raise DraftFileRefused(
                    "a draft needs at least one .bpmn file: start from a version or upload one"
                )
            row = ModelDraft(
                name=name,
                based_on_id=from_definition,
                files_json=json.dumps(_checked(texts)),
                created_by=actor.username,
                updated_by=actor.username,
                created_at=clock.now(),
                updated_at=clock.now(),
            )
            session.add(row)
            session.flush()
            self._audit(session, actor, "draft_created", row)
            return self._view(session, row)

    def save(self, draft_id: int, files: dict[str, str], version: int, actor: Actor) -> int:
        """Replace the draft's files; refused if someone saved since `version`. Returns the new version."""
        _require_owner(actor, "save a draft")
        checked = _checked(files)
        if not any(p.endswith(".bpmn") for p in checked):
            raise DraftFileRefused("a draft needs at least one .bpmn file")
        try:
            with self.db.writing() as session:
                row = self._row(session, draft_id)
                if row.version != version:
                    raise Conflict(
                        f"draft {draft_id} was saved by {row.updated_by} at {row.updated_at:%H:%M:%S} "
                        f"since you opened it (version {version}, now {row.version}); "
                        "reload it and redo your change"
                    )
                if json.loads(row.files_json) == checked:
                    return row.version
                row.files_json = json.dumps(checked)
                row.updated_by = actor.username
                row.updated_at = clock.now()
                session.flush()
                self._audit(session, actor, "draft_saved", row)
                return row.version
        except StaleDataError:
            raise Conflict(f"draft {draft_id} was saved by someone else just now; reload it") from None

    def add_file(self, draft_id: int, path: str, content: bytes, actor: Actor) -> DraftView:
        """An uploaded file joins the draft (replacing one of the same name)."""
        _require_owner(actor, "upload to a draft")
        text = check_file(path, content)
        with self.db.writing() as session:
            row = self._row(session, draft_id)
            files = json.loads(row.files_json) | {path: text}
            row.files_json = json.dumps(_checked(files))
            row.updated_by = actor.username
            row.updated_at = clock.now()
            session.flush()
            self._audit(session, actor, "draft_saved", row, uploaded=path)
            return self._view(session, row)

    def validate(self, draft_id: int, actor: Actor) -> builtins.list[Finding]:  # `list` is a method here
        draft = self.get(draft_id, actor)
        return check_bundle(bundle_of(draft.files))

    def deploy(self, draft_id: int, actor: Actor) -> tuple[Deployment, builtins.list[Finding]]:
        """A new definition version from the draft, unless a finding is an error (DeploymentError)."""
        draft = self.get(draft_id, actor)
        bundle = bundle_of(draft.files)
        findings = check_bundle(bundle)
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            raise DeploymentError(errors)
        try:
            with self.db.writing() as session:
                return deploy(session, bundle, actor), findings
        except IntegrityError:  # deployed at the same moment by someone else (or a double click)
            with self.db.writing() as session:
                return deploy(session, bundle, actor), findings

    def delete(self, draft_id: int, actor: Actor) -> None:
        _require_owner(actor, "delete a draft")
        with self.db.writing() as session:
            row = self._row(session, draft_id)
            self._audit(session, actor, "draft_deleted", row)
            session.delete(row)

    @staticmethod
    def _row(session: Session, draft_id: int) -> ModelDraft:
        row = session.get(ModelDraft, draft_id)
        if row is None:
            raise NotFound(f"draft {draft_id} does not exist (deleted?)")
        return row

    @staticmethod
    def _view(session: Session, row: ModelDraft) -> DraftView:
        based_on = None
        if row.based_on_id is not None:
            version = session.get_one(DefinitionVersion, row.based_on_id)  # versions are never deleted
            based_on = f"{version.process_id} v{version.version}"
        return DraftView(
            row.id,
            row.name,
            row.version,
            json.loads(row.files_json),
            based_on,
            row.updated_by,
            row.updated_at,
        )

    @staticmethod
    def _audit(session: Session, actor: Actor, action: str, row: ModelDraft, **detail) -> None:
        session.add(
            AuditEvent(
                at=clock.now(),
                actor=actor.username,
                action=action,
                detail={"draft_id": row.id, "name": row.name, **detail},
            )
        )
