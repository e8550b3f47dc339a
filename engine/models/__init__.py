"""ORM models: one table per file."""

from engine.models.api_token import ApiToken
from engine.models.audit import AuditEvent
from engine.models.base import Base
from engine.models.case import Case, CaseStatus
from engine.models.case_fact import CaseFact
from engine.models.case_summary import CaseSummary
from engine.models.definition import DefinitionFile, DefinitionVersion
from engine.models.document import CaseDocumentRow, CaseFlagRow
from engine.models.fact_set import FactSet
from engine.models.incident import Incident
from engine.models.model_draft import ModelDraft
from engine.models.open_task import OpenTask
from engine.models.timer import Timer, TimerState
from engine.models.user import User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Case",
    "CaseDocumentRow",
    "CaseFact",
    "CaseSummary",
    "CaseFlagRow",
    "CaseStatus",
    "DefinitionFile",
    "DefinitionVersion",
    "FactSet",
    "Incident",
    "ModelDraft",
    "OpenTask",
    "Timer",
    "TimerState",
    "User",
]
