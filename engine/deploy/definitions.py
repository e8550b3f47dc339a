"""Deploy bundles as immutable definition versions, and keep their parsed specs in memory."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import clock
from engine.deploy.model_checks import review_bundle
from engine.errors import DefinitionNotFound, DeploymentError, Finding
from engine.persistence.models import AuditEvent, DefinitionFile, DefinitionVersion
from engine.spec.bundle import Bundle
from engine.spec.case_facts import reported_fields
from engine.spec.case_file import FORM_PROPERTY, task_property
from engine.spec.definition_files import DefinitionFiles
from engine.spec.process_labels import ProcessLabels, bundle_labels
from engine.spec.serialization import SERIALIZER_VERSION, SpecPair, dump_specs, load_specs
from engine.views import Actor, Deployment


@dataclass(frozen=True)
class LoadedDefinition:
    """A definition version as the runtime needs it: specs restored once, forms as JSON text."""

    id: int
    process_id: str
    version: int
    specs: SpecPair
    forms: dict[str, str]
    reported_fields: tuple[str, ...] = ()
    labels: ProcessLabels = field(default_factory=ProcessLabels)  # labels.json and the decisions' names
    files: DefinitionFiles = field(default_factory=DefinitionFiles)  # what service tasks may read

    @cached_property
    def schemas(self) -> dict[str, dict[str, Any]]:
        """The forms parsed, once per definition: shared by every request, so read, never changed."""
        return {name: json.loads(text) for name, text in self.forms.items()}

    @cached_property
    def task_forms(self) -> dict[str, str]:
        """The form of each user task that names one, by element id (sub-processes included)."""
        top, subprocesses = self.specs
        return {
            task.name: form
            for spec in (top, *subprocesses.values())
            for task in spec.task_specs.values()
            if (form := task_property(task, FORM_PROPERTY))
        }


def _deployment(row: DefinitionVersion, created: bool) -> Deployment:
    return Deployment(
        row.id,
        row.process_id,
        row.process_name,
        row.version,
        row.content_hash,
        row.deployed_at,
        row.deployed_by,
        created,
    )


def deploy(session: Session, bundle: Bundle, actor: Actor) -> Deployment:
    """Store a new version unless the same content is deployed already (then a no-op); refused
    (DeploymentError) if the bundle has an error finding (engine/deploy/model_checks.py).

    The checks are validate's, bpmnlint and the size limits included, so nothing `nrm validate`
    refuses can be deployed; review_bundle keeps their result per content hash in this process."""
    content_hash = bundle.content_hash
    existing = session.scalar(select(DefinitionVersion).where(DefinitionVersion.content_hash == content_hash))
    if existing is not None:
        return _deployment(existing, created=False)
    findings, parsed = review_bundle(bundle)
    errors = [f for f in findings if f.severity == "error"]
    if errors or parsed is None:
        raise DeploymentError(errors)
    try:
        spec_json = dump_specs(parsed.spec, parsed.subprocess_specs)
    except RecursionError:  # the size limits should keep it from here
        raise DeploymentError(
            [Finding("bundle", parsed.process_id, "SpiffWorkflow cannot store this process: it is too deep")]
        ) from None
    latest = session.scalar(
        select(func.max(DefinitionVersion.version)).where(DefinitionVersion.process_id == parsed.process_id)
    )
    row = DefinitionVersion(
        process_id=parsed.process_id,
        process_name=parsed.process_name,
        version=(latest or 0) + 1,
        content_hash=content_hash,
        spec_json=spec_json,
        serializer_version=SERIALIZER_VERSION,
        deployed_at=clock.now(),
        deployed_by=actor.username,
        files=[DefinitionFile(path=p, content=c) for p, c in sorted(bundle.files.items())],
    )
    session.add(row)
    session.flush()
    session.add(
        AuditEvent(
            at=row.deployed_at,
            actor=actor.username,
            action="definition_deployed",
            detail={"process_id": row.process_id, "version": row.version, "content_hash": content_hash},
        )
    )
    return _deployment(row, created=True)


def latest_definition_id(session: Session, process_id: str) -> int:
    row_id = session.scalar(
        select(DefinitionVersion.id)
        .where(DefinitionVersion.process_id == process_id)
        .order_by(DefinitionVersion.version.desc())
        .limit(1)
    )
    if row_id is None:
        raise DefinitionNotFound(f"no process {process_id!r} is deployed; run `nrm deploy` first")
    return row_id


def newest_definition_ids(session: Session) -> list[int]:
    """The newest version of every deployed process (what new cases start on)."""
    newest = (
        select(DefinitionVersion.process_id, func.max(DefinitionVersion.version).label("version"))
        .group_by(DefinitionVersion.process_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(DefinitionVersion.id).join(
                newest,
                (newest.c.process_id == DefinitionVersion.process_id)
                & (newest.c.version == DefinitionVersion.version),
            )
        )
    )


def list_deployments(session: Session) -> list[Deployment]:
    rows = session.scalars(
        select(DefinitionVersion).order_by(DefinitionVersion.process_id, DefinitionVersion.version)
    )
    return [_deployment(r, created=False) for r in rows]


class DefinitionCache:
    """Parsed specs per definition version: a version is immutable, so caching is always safe."""

    def __init__(self):
        self._loaded: dict[int, LoadedDefinition] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, definition_id: int) -> LoadedDefinition:
        loaded = self._loaded.get(definition_id)
        if loaded is not None:
            return loaded
        row = session.get(DefinitionVersion, definition_id)
        if row is None:
            raise DefinitionNotFound(f"definition version {definition_id} does not exist")
        forms = {
            f.path.split("/", 1)[1]: json.dumps(json.loads(f.content))
            for f in row.files
            if f.path.startswith("forms/")
        }
        files: dict[str, bytes | str] = {f.path: f.content for f in row.files}
        fields = reported_fields(files, row.process_id)
        labels = bundle_labels(files)
        loaded = LoadedDefinition(
            row.id,
            row.process_id,
            row.version,
            load_specs(row.spec_json),
            forms,
            fields,
            labels,
            DefinitionFiles(files),
        )
        with self._lock:
            self._loaded.setdefault(definition_id, loaded)
        return self._loaded[definition_id]
