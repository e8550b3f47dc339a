"""The NRM engine: deploys BPMN bundles and runs cases on SpiffWorkflow with SQLAlchemy persistence.

`web/` and `tasks/` use only what this package exports (and `engine.services` for registering
service tasks); SpiffWorkflow and the ORM stay inside.
"""

from engine.api import Engine
from engine.api_tokens import TokenRefused, TokenView
from engine.case_browser import CaseDetail, CaseDiagram, may_see_personal_data, may_view_cases
from engine.case_list import CaseFilter
from engine.case_migration import MigrationRefused
from engine.clock import Clock, MovableClock
from engine.config import EngineConfig
from engine.drafts import DraftFileRefused, DraftView, may_edit_models
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
from engine.inbox import TaskFilter
from engine.model_diff import ElementChange
from engine.sandbox_runner import stop_diagram_code
from engine.statistics import Figure
from engine.users import GROUPS, SignInRefused, UserView
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
