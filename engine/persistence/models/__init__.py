"""ORM models: one table per file."""

from engine.persistence.models.api_token import ApiToken
from engine.persistence.models.audit import AuditEvent
from engine.persistence.models.base import Base
from engine.persistence.models.case import Case, CaseStatus
from engine.persistence.models.case_fact import CaseFact
from engine.persistence.models.case_summary import CaseSummary
from engine.persistence.models.definition import DefinitionFile, DefinitionVersion
from engine.persistence.models.document import CaseDocumentRow, CaseFlagRow
from engine.persistence.models.evidence import CaseEvidence, CaseNote
from engine.persistence.models.fact_set import FactSet
from engine.persistence.models.incident import Incident
from engine.persistence.models.model_draft import ModelDraft
from engine.persistence.models.name_index import CaseNameToken, IndexKey
from engine.persistence.models.open_task import OpenTask
from engine.persistence.models.record_view import RecordView
from engine.persistence.models.task_draft import TaskDraft
from engine.persistence.models.timer import Timer, TimerState
from engine.persistence.models.user import User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Case",
    "CaseDocumentRow",
    "CaseEvidence",
    "CaseNote",
    "CaseFact",
    "CaseNameToken",
    "CaseSummary",
    "CaseFlagRow",
    "CaseStatus",
    "DefinitionFile",
    "DefinitionVersion",
    "FactSet",
    "Incident",
    "IndexKey",
    "ModelDraft",
    "OpenTask",
    "RecordView",
    "TaskDraft",
    "Timer",
    "TimerState",
    "User",
]
