"""The process owners' side of the engine's API: drafts, deployed versions, moving cases.

Mixed into `Engine` (engine/api.py), which makes the drafts and versions services; callers use
these methods, never the two services themselves.
"""

from __future__ import annotations

from engine.authoring.drafts import Drafts, DraftView
from engine.authoring.model_versions import ModelVersions, RunningCase, VersionView
from engine.deploy.model_diff import ElementChange
from engine.errors import Finding
from engine.views import Actor, Deployment


class AuthoringFacade:
    """Drafts (process owners only) and deployed versions (managers and process owners)."""

    drafts: Drafts
    versions: ModelVersions

    # -- drafts ----------------------------------------------------------------------------
    def list_drafts(self, actor: Actor) -> list[DraftView]:
        """Every draft, the most recently changed first."""
        return self.drafts.list(actor)

    def draft(self, draft_id: int, actor: Actor) -> DraftView:
        return self.drafts.get(draft_id, actor)

    def create_draft(
        self,
        actor: Actor,
        *,
        name: str,
        from_definition: int | None = None,
        files: dict[str, str | bytes] | None = None,
    ) -> DraftView:
        """A draft copying a deployed version's files, or holding uploaded files."""
        return self.drafts.create(actor, name=name, from_definition=from_definition, files=files)

    def save_draft(self, draft_id: int, files: dict[str, str], version: int, actor: Actor) -> int:
        """Replace the draft's files; Conflict if someone saved since `version`. Returns the new version."""
        return self.drafts.save(draft_id, files, version, actor)

    def add_draft_file(self, draft_id: int, path: str, content: bytes, actor: Actor) -> DraftView:
        """An uploaded file joins the draft (replacing one of the same name)."""
        return self.drafts.add_file(draft_id, path, content, actor)

    def validate_draft(self, draft_id: int, actor: Actor) -> list[Finding]:
        return self.drafts.validate(draft_id, actor)

    def deploy_draft(self, draft_id: int, actor: Actor) -> tuple[Deployment, list[Finding]]:
        """A new definition version from the draft, unless a finding is an error (DeploymentError)."""
        return self.drafts.deploy(draft_id, actor)

    def delete_draft(self, draft_id: int, actor: Actor) -> None:
        self.drafts.delete(draft_id, actor)

    # -- deployed versions -----------------------------------------------------------------
    def version_files(self, definition_id: int, actor: Actor) -> tuple[VersionView, dict[str, bytes]]:
        """A deployed version and its files, as deployed."""
        return self.versions.files(definition_id, actor)

    def version_diff(self, old_id: int, new_id: int, actor: Actor) -> list[ElementChange]:
        """What changed between two versions of one process (Conflict for versions of two)."""
        return self.versions.diff(old_id, new_id, actor)

    def running_cases(self, definition_id: int, actor: Actor, limit: int = 200) -> list[RunningCase]:
        """Running cases on the other versions of this version's process (the newest first)."""
        return self.versions.running_cases(definition_id, actor, limit)

    def migrate_case(self, key: str, definition_id: int, actor: Actor) -> int:
        """Move an active or suspended case to another version of its process; returns that version."""
        return self.versions.migrate_case(key, definition_id, actor)
