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
    is_manager,
    may_edit_models,
    may_see_personal_data,
    may_view_cases,
    may_work_on,
    only_refers,
)
from engine.access.users import SignInRefused, UserView
from engine.api import Engine
from engine.authoring.case_migration import MigrationRefused
from engine.authoring.drafts import DraftFileRefused, DraftView
from engine.clock import Clock, MovableClock
from engine.config import EngineConfig
from engine.deploy.model_diff import ElementChange
from engine.errors import (
    CaseNotActive,
    CaseNotFound,
    Conflict,
    DeploymentError,
    EngineError,
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
from engine.reporting.case_list import CaseFilter
from engine.reporting.statistics import Figure
from engine.runtime.inbox import TaskFilter
from engine.sandbox.runner import stop_diagram_code
from engine.views import (
    SYSTEM,
    Actor,
    CaseRow,
    CaseView,
    Deployment,
    DocumentView,
    FormView,
    HistoryEntry,
    IncidentView,
    TaskView,
)

__all__ = [
    "stop_diagram_code",
    "DraftFileRefused",
    "DraftView",
    "ElementChange",
    "MigrationRefused",
    "may_edit_models",
    "Figure",
    "CaseDetail",
    "CaseDiagram",
    "CaseFilter",
    "CaseRow",
    "may_see_personal_data",
    "may_view_cases",
    "GROUPS",
    "WORKING_GROUPS",
    "is_manager",
    "may_work_on",
    "only_refers",
    "SignInRefused",
    "TaskFilter",
    "UserView",
    "SYSTEM",
    "Actor",
    "CaseNotActive",
    "CaseNotFound",
    "CaseView",
    "Clock",
    "Conflict",
    "Deployment",
    "DeploymentError",
    "DocumentView",
    "Engine",
    "EngineConfig",
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
