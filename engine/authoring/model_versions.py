"""Deployed versions for process owners: their files, the diff between two, moving cases between them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from engine.access.rules import may_edit_models, may_view_cases
from engine.authoring.case_migration import MigrationRefused, migrate
from engine.deploy.definitions import DefinitionCache
from engine.deploy.model_diff import ElementChange, diff_bundles
from engine.errors import Conflict, DefinitionNotFound, Forbidden
from engine.persistence.db import Database
from engine.persistence.models import Case, CaseStatus, DefinitionVersion, OpenTask
from engine.runtime.step import Step
from engine.runtime.task_claims import record_refusal
from engine.views import Actor


@dataclass(frozen=True)
class VersionView:
    """A deployed version of a process (its files come beside it)."""

    id: int
    process_id: str
    process_name: str
    version: int
    content_hash: str
    deployed_at: datetime
    deployed_by: str


def _version_view(row: DefinitionVersion) -> VersionView:
    return VersionView(
        id=row.id,
        process_id=row.process_id,
        process_name=row.process_name,
        version=row.version,
        content_hash=row.content_hash,
        deployed_at=row.deployed_at,
        deployed_by=row.deployed_by,
    )


@dataclass(frozen=True)
class RunningCase:
    key: str
    version: int
    status: str
    current_step: str | None


def _require_viewer(actor: Actor, action: str) -> None:
    """Managers and process owners see versions, as they see cases (engine/access/rules.py)."""
    if not may_view_cases(actor):
        raise Forbidden(f"{actor.username} may not {action}", action=action.replace(" ", "_"))


class ModelVersions:
    def __init__(self, db: Database, definitions: DefinitionCache, bank_holiday_region: str):
        self.db = db
        self.definitions = definitions
        self.region = bank_holiday_region

    def files(self, definition_id: int, actor: Actor) -> tuple[VersionView, dict[str, bytes]]:
        """A version and its files, as deployed."""
        _require_viewer(actor, "download models")
        with self.db.reading() as session:
            row = session.get(DefinitionVersion, definition_id)
            if row is None:
                raise DefinitionNotFound(f"definition version {definition_id} does not exist")
            return _version_view(row), {f.path: f.content for f in row.files}

    def diff(self, old_id: int, new_id: int, actor: Actor) -> list[ElementChange]:
        old, old_files = self.files(old_id, actor)
        new, new_files = self.files(new_id, actor)
        if old.process_id != new.process_id:
            raise Conflict(
                f"versions {old_id} and {new_id} are of different processes; compare versions of one"
            )
        return diff_bundles(old_files, new_files)

    def running_cases(self, definition_id: int, actor: Actor, limit: int = 200) -> list[RunningCase]:
        """Running cases on the other versions of this version's process (the newest first)."""
        _require_viewer(actor, "see running cases")
        with self.db.reading() as session:
            target = session.get(DefinitionVersion, definition_id)
            if target is None:
                raise DefinitionNotFound(f"definition version {definition_id} does not exist")
            rows = session.execute(
                select(Case.business_key, DefinitionVersion.version, Case.status, Case.current_step)
                .join(DefinitionVersion, DefinitionVersion.id == Case.definition_id)
                .where(
                    DefinitionVersion.process_id == target.process_id,
                    DefinitionVersion.id != target.id,
                    Case.status.in_([CaseStatus.ACTIVE, CaseStatus.SUSPENDED]),
                )
                .order_by(Case.id.desc())
                .limit(limit)
            )
            return [RunningCase(key, version, status.value, step) for key, version, status, step in rows]

    @staticmethod
    def _same_forms(session, case: Case, current, new) -> None:
        """An open task keeps its form: a changed form would refuse what the caseworker fills in."""
        forms = session.scalars(
            select(OpenTask.form).where(OpenTask.case_id == case.id, OpenTask.form.is_not(None))
        )
        for form in set(forms):
            if current.forms.get(form) != new.forms.get(form):
                raise MigrationRefused(
                    f"the case has an open task with form {form}, which the new version changes; "
                    "move it once that task is done"
                )

    def migrate_case(self, key: str, definition_id: int, actor: Actor) -> int:
        """Move an active or suspended case to another version of its process; returns that version."""
        if not may_edit_models(actor):
            message = f"{actor.username} may not migrate cases: only process owners do"
            record_refusal(self.db, actor, "case_migrated", (None, None, None), message)
            raise Forbidden(message, action="case_migrated")
        case_id = None
        try:
            with self.db.writing() as session:
                case = session.scalar(select(Case).where(Case.business_key == key))
                if case is None:
                    raise MigrationRefused(f"no case {key}")
                target = session.get(DefinitionVersion, definition_id)
                if target is None:
                    raise DefinitionNotFound(f"definition version {definition_id} does not exist")
                case_id = case.id
                current = self.definitions.get(session, case.definition_id)
                if case.status not in (CaseStatus.ACTIVE, CaseStatus.SUSPENDED):
                    raise MigrationRefused(f"case {key} is {case.status.value}: only running cases move")
                if target.process_id != current.process_id:
                    raise MigrationRefused(
                        f"version {definition_id} is of {target.process_id}, not {current.process_id}"
                    )
                if target.id == current.id:
                    raise MigrationRefused(f"case {key} is on version {target.version} already")
                new = self.definitions.get(session, target.id)
                self._same_forms(session, case, current, new)
                step = Step(session, current, case, actor, self.region)
                workflow = step.load_workflow()
                spec, subprocess_specs = new.specs
                migrate(workflow, spec, dict(subprocess_specs))
                step.definition = new
                case.definition_id = new.id
                step.audit("case_migrated", from_version=current.version, to_version=new.version)
                step.finish(run_engine=False)  # nothing runs: due timers fire at the scheduler's turn
                return new.version
        except StaleDataError:
            raise Conflict(f"case {key} changed while it was being moved; try again") from None
        except MigrationRefused as refused:  # audited once the refused transaction has rolled back
            record_refusal(self.db, actor, "case_migrated", (case_id, None, None), str(refused))
            raise
