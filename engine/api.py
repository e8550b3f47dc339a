"""The engine's public API, used by the CLI, the web app and the scheduler. Plain data out."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import clock
from engine.access.api_tokens import ApiTokens
from engine.access.facade import PeopleFacade
from engine.access.users import UserDirectory
from engine.authoring.drafts import Drafts
from engine.authoring.facade import AuthoringFacade
from engine.authoring.model_versions import ModelVersions
from engine.config import DEFAULT_MASTER_KEY_FILE, EngineConfig
from engine.crypto import case_keys, key_admin
from engine.crypto.master_key import configured_master_key, read_key_file, write_key_file
from engine.crypto.name_index import NAME_FIELDS, index_names
from engine.deploy.definitions import (
    DefinitionCache,
    deploy,
    latest_definition_id,
    list_deployments,
    newest_definition_ids,
)
from engine.deploy.model_checks import check_bundle
from engine.errors import (
    CaseNotFound,
    Conflict,
    Finding,
    Forbidden,
)
from engine.persistence import schema
from engine.persistence.db import Database
from engine.persistence.models import AuditEvent, Case, CaseDocumentRow, CaseStatus
from engine.reporting.case_browser import CaseBrowser
from engine.reporting.facade import ReportingFacade
from engine.reporting.facts_backfill import backfill_facts
from engine.reporting.name_search import NameSearch
from engine.reporting.record_view_report import RecordViewReport
from engine.reporting.subject_access import SubjectAccess
from engine.runtime.case_information import CaseInformation
from engine.runtime.case_status import CaseStatusChanges, require_manager
from engine.runtime.case_summary import backfill_summaries
from engine.runtime.erasure import PersonalDataErasure
from engine.runtime.incidents import list_incidents, retry_incident
from engine.runtime.queries import case_view, document_view, history_entry
from engine.runtime.record_views import ViewKind, log_view
from engine.runtime.referral_work import ReferralWork, require_referrer
from engine.runtime.step import Step, current_data
from engine.runtime.task_claims import TaskClaims, record_refusal
from engine.runtime.task_work import TaskWork
from engine.runtime.workflow_cache import WorkflowCache
from engine.spec.bundle import Bundle, read_bundle
from engine.spec.serialization import EMPTY_STATE
from engine.spec.services import load_service_modules
from engine.timers.scheduler import TimerScheduler
from engine.timers.timer_firing import TimerFiring
from engine.views import (
    SYSTEM,
    Actor,
    CaseView,
    Deployment,
    DocumentView,
    HistoryEntry,
    IncidentView,
)

log = logging.getLogger(__name__)
BUSINESS_KEY = re.compile(r"^[A-Z][A-Z0-9]{1,9}-[0-9]{4}-[0-9]{6}$")


class Engine(
    TaskWork,
    CaseStatusChanges,
    CaseInformation,
    ReferralWork,
    PeopleFacade,
    AuthoringFacade,
    ReportingFacade,
    SubjectAccess,
    RecordViewReport,
    PersonalDataErasure,
    NameSearch,
):
    """Deploy, start, list, complete, fire timers, suspend, resume, cancel; status and history.

    Tasks (engine/runtime/task_work.py), status changes (engine/runtime/case_status.py), evidence
    and notes (engine/runtime/case_information.py), referrals (engine/runtime/referral_work.py),
    users and tokens (engine/access/facade.py), drafts and versions (engine/authoring/facade.py),
    the case browser (engine/reporting/facade.py), subject access exports
    (engine/reporting/subject_access.py) and the record of every look
    (engine/reporting/record_view_report.py), erasure, legal holds and retention
    (engine/runtime/erasure.py) and the search by name (engine/reporting/name_search.py) are mixed
    in; callers use those methods
    rather than the services they delegate to."""

    def __init__(self, config: EngineConfig | None = None):
        self.config = config or EngineConfig.from_environment()
        clock.install()
        case_keys.install(configured_master_key(self.config.master_key, self.config.master_key_file))
        load_service_modules(self.config.service_modules)
        self.db = Database(self.config.database_url)
        self.definitions = DefinitionCache()
        self.workflows = WorkflowCache.from_environment()
        self.timer_firing = TimerFiring(self.db, self.definitions, self.config, workflows=self.workflows)
        self.users = UserDirectory(self.db)
        self.claims = TaskClaims(self.db)
        self.tokens = ApiTokens(self.db)
        self.case_browser = CaseBrowser(self.db, self.definitions, self.config.bank_holiday_region)
        self.drafts = Drafts(self.db)
        self.versions = ModelVersions(self.db, self.definitions, self.config.bank_holiday_region)

    # -- the master key (engine/crypto) ------------------------------------------------------
    def ensure_demo_master_key(self) -> Path | None:
        """With no master key configured, make the demo's (instance/master.key) and use it;
        returns its path if it was made now."""
        if self.config.master_key or self.config.master_key_file or DEFAULT_MASTER_KEY_FILE.exists():
            return None
        case_keys.install(write_key_file(DEFAULT_MASTER_KEY_FILE))
        return DEFAULT_MASTER_KEY_FILE

    def check_master_key(self) -> None:
        """MasterKeyError (nothing changed) unless the configured master key opens the case keys."""
        key_admin.check_master_key(self.db)

    def rotate_master_key(self, new_key_file: Path, progress: Callable[[int], None] | None = None) -> int:
        """Rewrap every case key under the key in `new_key_file`; this engine then uses it."""
        new = read_key_file(new_key_file)
        rewrapped = key_admin.rotate_master_key(self.db, new, progress)
        case_keys.install(new)
        return rewrapped

    def seal_existing(self, progress: Callable[[int], None] | None = None) -> int:
        """Give cases stored before encryption their keys and seal their personal data."""
        return key_admin.seal_existing(self.db, progress)

    # -- the database ----------------------------------------------------------------------
    def database_url_for_display(self) -> str:
        """The database's URL with its password hidden, for messages."""
        return self.db.engine.url.render_as_string(hide_password=True)

    @property
    def uses_sqlite(self) -> bool:
        """SQLite lets one process write at a time (several web workers want PostgreSQL)."""
        return self.db.is_sqlite

    def close_connections(self) -> None:
        """Close the pooled connections (before forking: the children open their own)."""
        self.db.dispose()

    # -- schema and definitions ------------------------------------------------------------
    def migrate(self) -> None:
        """Create or upgrade the database schema (Alembic)."""
        schema.upgrade(self.config.database_url)

    def backfill_facts(self, progress=None) -> int:
        """Reported facts for cases that have none (e.g. cases from before an upgrade)."""
        return backfill_facts(self.db, self.definitions, self.config.bank_holiday_region, progress)

    def backfill_summaries(self, progress=None) -> int:
        """Statistics summaries for cases that have none (cases from before an upgrade)."""
        return backfill_summaries(self.db, progress)

    def require_schema(self) -> None:
        """Raise EngineError (run `nrm init`) unless the database schema is current."""
        schema.require_current(self.config.database_url, self.db.engine)

    def deploy(self, bundle: Bundle | Path | str, actor: Actor = SYSTEM) -> Deployment:
        """Deploy a bundle (a folder or a Bundle); identical content is a no-op."""
        if not isinstance(bundle, Bundle):
            bundle = read_bundle(bundle)
        with self.db.writing() as session:
            return deploy(session, bundle, actor)

    def check(self, bundle: Bundle) -> list[Finding]:
        """Every validation finding for a bundle (engine/deploy/model_checks.py), bpmnlint included."""
        return check_bundle(bundle)

    def warm(self) -> int:
        """Restore the newest version of every process now, so that a new web worker's first
        requests do not wait for it (parsing a spec is slow: docs/performance.md); returns how many."""
        with self.db.reading() as session:
            ids = newest_definition_ids(session)
            for definition_id in ids:
                self.definitions.get(session, definition_id)
        return len(ids)

    def deployments(self) -> list[Deployment]:
        with self.db.reading() as session:
            return list_deployments(session)

    # -- cases -----------------------------------------------------------------------------
    def start_case(
        self,
        process_id: str,
        data: dict[str, Any] | None = None,
        *,
        business_key: str | None = None,
        actor: Actor = SYSTEM,
    ) -> CaseView:
        """Start a case on the newest version of `process_id` and run it to its first wait state.

        People (not the system) start cases as first responders of an agency: a referral."""
        with self._audited_refusals(actor):
            require_referrer(actor)
        if business_key is not None and not BUSINESS_KEY.match(business_key):
            raise ValueError(f"business key {business_key!r} should look like NRM-2026-000123")
        for _attempt in range(5):
            try:
                with self.db.writing() as session:
                    definition = self.definitions.get(session, latest_definition_id(session, process_id))
                    now = clock.now()
                    data_key, data_key_id = case_keys.new_case_key()
                    case = Case(
                        business_key=business_key or self._next_key(session, now.year),
                        definition_id=definition.id,
                        status=CaseStatus.ACTIVE,
                        state=EMPTY_STATE,
                        serializer_version="",
                        created_by=actor.username,
                        agency=actor.agency,
                        created_at=now,
                        updated_at=now,
                        data_key=data_key,
                        data_key_id=data_key_id,
                    )
                    session.add(case)
                    session.flush()
                    step = Step(session, definition, case, actor, self.config.bank_holiday_region)
                    step.audit("case_started", process_id=definition.process_id, version=definition.version)
                    step.run(partial(step.new_workflow, dict(data or {})))
                    step.finish()
                    if data and any(name in data for name in NAME_FIELDS):
                        index_names(session, case.id, data)
                    view = case_view(session, case, label=(definition.process_id, definition.version))
                self.workflows.keep(case.id, step.kept(view))
                return view
            except IntegrityError:
                if business_key is not None:
                    raise Conflict(f"case {business_key} exists already") from None
        raise Conflict("could not allocate a case reference; try again")

    @staticmethod
    def _next_key(session: Session, year: int) -> str:
        prefix = f"NRM-{year}-"
        last = session.scalar(select(func.max(Case.business_key)).where(Case.business_key.like(prefix + "%")))
        number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
        return f"{prefix}{number:06d}"

    def cases(
        self, *, status: str | None = None, agency: str | None = None, limit: int = 50
    ) -> list[CaseView]:
        """The newest cases (without their tasks and timers), optionally of one status or agency."""
        with self.db.reading() as session:
            query = select(Case).order_by(Case.id.desc()).limit(limit)
            if status is not None:
                query = query.where(Case.status == CaseStatus(status))
            if agency is not None:
                query = query.where(Case.agency == agency)
            return [case_view(session, row, details=False) for row in session.scalars(query)]

    def referrals(self, actor: Actor, *, limit: int = 200) -> list[CaseView]:
        """The newest referrals of a first responder's agency (everyone else is refused)."""
        return self.referral_page(actor, limit=limit)[0]

    def case(self, key: str) -> CaseView:
        """Status of a case: where it is, its open tasks, timers and flags."""
        with self.db.reading() as session:
            return case_view(session, self._case_row(session, key))

    def case_data(self, key: str, actor: Actor | None = None) -> dict[str, Any]:
        """The case data (personal data: callers decide who may see it). With `actor`, read for
        that person, and the look is recorded; without, the engine's own (or a test's) use."""
        with self.db.reading() as session:
            case = self._case_row(session, key)
            data = current_data(self._step(session, case, SYSTEM).load_workflow())
        if actor is not None:
            log_view(self.db, actor, case.id, ViewKind.CASE_DATA)
        return data

    def history(self, key: str) -> list[HistoryEntry]:
        with self.db.reading() as session:
            row = self._case_row(session, key)
            events = session.scalars(
                select(AuditEvent).where(AuditEvent.case_id == row.id).order_by(AuditEvent.id)
            )
            return [history_entry(e, row.data_key) for e in events]

    def documents(self, key: str) -> list[DocumentView]:
        with self.db.reading() as session:
            row = self._case_row(session, key)
            docs = session.scalars(
                select(CaseDocumentRow)
                .where(CaseDocumentRow.case_id == row.id)
                .order_by(CaseDocumentRow.created_at, CaseDocumentRow.kind)
            )
            return [document_view(d, row.data_key) for d in docs]

    # -- timers ----------------------------------------------------------------------------
    def fire_due_timers(self) -> int:
        """Fire every timer due by the engine clock, now, in this process; returns how many fired.

        The scheduler (`nrm scheduler`) does the same continuously; both claim each timer first, so
        running them side by side fires every timer once."""
        return self.timer_firing.drain()["fired"]

    def scheduler(self, node: str | None = None, *, keep_workflows: bool = True) -> TimerScheduler:
        """A timer scheduler for this process (not started); several may run on one database.

        `keep_workflows=False` for a process that only fires timers (`nrm scheduler`): a case's
        next step after its timer is nearly always a person's, in a web worker, so keeping the
        workflow would only cost memory and, in a burst, firing time (docs/performance.md)."""
        workflows = self.workflows if keep_workflows else WorkflowCache(0)
        firing = TimerFiring(self.db, self.definitions, self.config, node, workflows=workflows)
        return TimerScheduler(
            firing,
            poll_seconds=self.config.scheduler_poll_seconds,
            horizon_seconds=self.config.scheduler_horizon_seconds,
            workers=self.config.scheduler_workers,
            daily=self._daily_retention,
            daily_hour=self.config.retention_hour,
        )

    def _daily_retention(self) -> None:
        """The scheduler's daily retention run: erase the closed cases past their retention."""
        erased = self.run_retention()
        if erased:
            log.info("retention: the personal data of %d closed cases was erased", len(erased))

    def incidents(self, *, open_only: bool = True) -> list[IncidentView]:
        """Incidents (timers that kept failing), newest first."""
        return list_incidents(self.db, open_only)

    def retry_incident(self, incident_id: int, actor: Actor = SYSTEM) -> CaseView:
        """Put a failed timer back to waiting, with its attempts reset; it fires at the next poll."""
        with self._audited_refusals(actor):
            require_manager(actor, "incident_retried")
        return self.case(retry_incident(self.db, incident_id, actor))

    # -- helpers ---------------------------------------------------------------------------
    def _step(self, session: Session, case: Case, actor: Actor) -> Step:
        definition = self.definitions.get(session, case.definition_id)
        return Step(session, definition, case, actor, self.config.bank_holiday_region)

    @contextmanager
    def _audited_refusals(self, actor: Actor) -> Iterator[None]:
        """Every refusal is an audit row, written after the refused transaction has rolled back."""
        try:
            yield
        except Forbidden as refused:
            record_refusal(self.db, actor, refused.action, refused.target, str(refused))
            raise

    @staticmethod
    def _case_row(session: Session, key: str) -> Case:
        case = session.scalar(select(Case).where(Case.business_key == key))
        if case is None:
            raise CaseNotFound(f"no case {key}; list cases with `nrm status`")
        return case
