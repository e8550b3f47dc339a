"""The NRM engine: deploys BPMN bundles and runs cases on SpiffWorkflow with SQLAlchemy persistence.

This module is the facade: `web/` imports only what it exports (checked by import-linter, see
pyproject.toml); `tasks/` registers service tasks through `engine.spec.services`. SpiffWorkflow and
the ORM stay inside. The parts, bottom to top (docs/architecture.md): persistence, spec, sandbox,
access, deploy, runtime, then timers, authoring and reporting, and `engine.api.Engine` over them.
"""

from engine.access.api_tokens import TokenRefused, TokenView
from engine.access.rules import (
    GROUPS,
    WORKING_GROUPS,
    has_referrals_page,
    has_task_list,
    is_manager,
    may_edit_models,
    may_refer,
    may_see_personal_data,
    may_view_cases,
    may_work_on,
    only_refers,
)
from engine.access.users import SignInRefused, UserView
from engine.api import Engine
from engine.authoring.case_migration import MigrationRefused
from engine.authoring.drafts import DraftFileRefused, DraftView
from engine.authoring.model_versions import RunningCase, VersionView
from engine.clock import Clock, MovableClock, now
from engine.clock import use as use_clock
from engine.config import PROJECT_ROOT, EngineConfig
from engine.crypto.master_key import MasterKeyError, write_key_file
from engine.crypto.sealing import PersonalDataErased
from engine.deploy.model_checks import finding_counts
from engine.deploy.model_diff import ElementChange
from engine.errors import (
    CaseNotActive,
    CaseNotFound,
    Conflict,
    DeploymentError,
    DraftTooLong,
    EngineError,
    ErasureRefused,
    Forbidden,
    FormValidationError,
    NotFound,
    SandboxViolation,
    ScriptError,
    TaskAlreadyCompleted,
    TaskNotFound,
    UnsafeXml,
)
from engine.reporting.case_browser import CaseDetail, CaseDiagram
from engine.reporting.case_list import SORT_NAMES as CASE_SORTS
from engine.reporting.case_list import CaseFilter
from engine.reporting.record_view_report import CaseLooked, LooksOutsideWork, RecordLook
from engine.reporting.statistics import Figure
from engine.runtime.evidence_checks import EvidenceRefused
from engine.runtime.inbox import TaskFilter
from engine.runtime.information_views import FORMER_USER
from engine.runtime.record_views import ViewKind
from engine.sandbox.runner import stop_diagram_code
from engine.spec.bundle import read_bundle
from engine.spec.case_file import readable as answer_in_words
from engine.spec.forms import answers_from_user, check_form_schema, checks_answers
from engine.spec.json_input import MAX_DEPTH as JSON_MAX_DEPTH
from engine.spec.json_input import JsonRefused, read_json
from engine.timers.scheduler import TimerScheduler
from engine.views import (
    SYSTEM,
    Actor,
    CaseFile,
    CaseFileEvent,
    CaseFileLetter,
    CaseFileRow,
    CaseFileSection,
    CaseRow,
    CaseView,
    Deployment,
    DocumentView,
    DraftAnswers,
    ErasureRecord,
    EvidenceFile,
    EvidenceView,
    FormView,
    HistoryEntry,
    IncidentView,
    LegalHold,
    NoteView,
    ReferralDecision,
    ReferralLetter,
    ReferralRecord,
    RetentionDue,
    TaskView,
    UnfinishedReferral,
)
from engine.working_days import LONDON

__all__ = [
    "ErasureRecord",
    "ErasureRefused",
    "LegalHold",
    "RetentionDue",
    "CaseLooked",
    "LooksOutsideWork",
    "RecordLook",
    "ViewKind",
    "FORMER_USER",
    "CASE_SORTS",
    "RunningCase",
    "VersionView",
    "JSON_MAX_DEPTH",
    "LONDON",
    "PROJECT_ROOT",
    "MasterKeyError",
    "PersonalDataErased",
    "write_key_file",
    "JsonRefused",
    "TimerScheduler",
    "answer_in_words",
    "answers_from_user",
    "check_form_schema",
    "checks_answers",
    "DraftAnswers",
    "ReferralDecision",
    "ReferralLetter",
    "ReferralRecord",
    "UnfinishedReferral",
    "now",
    "use_clock",
    "finding_counts",
    "read_bundle",
    "read_json",
    "stop_diagram_code",
    "DraftFileRefused",
    "DraftView",
    "ElementChange",
    "MigrationRefused",
    "may_edit_models",
    "may_refer",
    "Figure",
    "CaseDetail",
    "CaseDiagram",
    "CaseFilter",
    "CaseRow",
    "may_see_personal_data",
    "may_view_cases",
    "GROUPS",
    "WORKING_GROUPS",
    "has_referrals_page",
    "has_task_list",
    "is_manager",
    "may_work_on",
    "only_refers",
    "SignInRefused",
    "TaskFilter",
    "UserView",
    "SYSTEM",
    "Actor",
    "CaseFile",
    "CaseFileEvent",
    "CaseFileLetter",
    "CaseFileRow",
    "CaseFileSection",
    "CaseNotActive",
    "CaseNotFound",
    "CaseView",
    "Clock",
    "Conflict",
    "DraftTooLong",
    "Deployment",
    "DeploymentError",
    "DocumentView",
    "Engine",
    "EngineConfig",
    "EvidenceFile",
    "EvidenceRefused",
    "EvidenceView",
    "NoteView",
    "EngineError",
    "Forbidden",
    "FormValidationError",
    "FormView",
    "HistoryEntry",
    "IncidentView",
    "MovableClock",
    "NotFound",
    "SandboxViolation",
    "ScriptError",
    "TaskAlreadyCompleted",
    "TokenRefused",
    "TokenView",
    "TaskNotFound",
    "TaskView",
    "UnsafeXml",
]
