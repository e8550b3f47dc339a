"""Plain data the engine returns: no SpiffWorkflow objects and no ORM rows leave the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user (with groups) or a system such as the scheduler or the CLI."""

    username: str
    groups: frozenset[str] = frozenset()
    is_superuser: bool = False
    agency: str | None = None  # a first responder's agency: they see only its referrals


SYSTEM = Actor("system", is_superuser=True)


@dataclass(frozen=True)
class Deployment:
    id: int
    process_id: str
    process_name: str
    version: int
    content_hash: str
    deployed_at: datetime
    deployed_by: str
    created: bool


@dataclass(frozen=True)
class TaskView:
    id: str
    case_key: str
    element_id: str
    name: str
    process_id: str
    lane: str | None
    candidate_group: str
    form: str | None
    assignee: str | None
    created_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class TimerView:
    id: str
    element_id: str
    name: str
    due_at: datetime
    state: str


@dataclass(frozen=True)
class DocumentView:
    id: str
    kind: str
    title: str
    recipient: str
    element_id: str | None
    created_at: datetime
    body: str


@dataclass(frozen=True)
class FlagView:
    kind: str
    message: str
    raised_at: datetime


@dataclass(frozen=True)
class IncidentView:
    """Something a case could not do on its own, for a manager to look at and retry."""

    id: int
    case_key: str
    kind: str
    element_id: str | None
    message: str
    attempts: int
    created_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class CaseView:
    key: str
    status: str
    process_id: str
    definition_version: int
    current_step: str | None
    outcome: str | None
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    version: int
    agency: str | None = None
    open_tasks: list[TaskView] = field(default_factory=list)
    timers: list[TimerView] = field(default_factory=list)
    flags: list[FlagView] = field(default_factory=list)
    incidents: list[IncidentView] = field(default_factory=list)


@dataclass(frozen=True)
class CaseRow:
    """One line of the managers' case list (from indexed tables only)."""

    key: str
    status: str
    current_step: str | None
    outcome: str | None
    agency: str | None
    created_at: datetime
    updated_at: datetime
    overdue: bool
    facts: dict[str, list[str]]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    element_id: str | None
    task_id: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class FormView:
    """A task with the JSON Schema its form is rendered from and validated against."""

    task: TaskView
    schema: dict[str, Any]


@dataclass(frozen=True)
class CaseFileRow:
    """One answer of a case file: the question's title and the answer in words."""

    label: str
    value: str


@dataclass(frozen=True)
class CaseFileSection:
    """The answers of one form that a task's worker may read, titled by the form's title."""

    title: str
    rows: tuple[CaseFileRow, ...]


@dataclass(frozen=True)
class CaseFileLetter:
    title: str
    created_at: datetime


@dataclass(frozen=True)
class CaseHistoryLine:
    """One thing that happened to a case, in words; `actor` is a username (the page names them)."""

    at: datetime
    actor: str
    action: str
    text: str
    reason: str = ""


@dataclass(frozen=True)
class CaseFileEvent:
    """One line of a case's history, in words."""

    at: datetime
    text: str


@dataclass(frozen=True)
class EvidenceView:
    """A file added to a case as evidence (its bytes come only with a download)."""

    id: int
    description: str
    type_name: str  # in words: "PDF", "Word document"
    size: int  # bytes
    added_by: str  # the person's name
    added_at: datetime


@dataclass(frozen=True)
class NoteView:
    """A note written on a case (kept as written, line breaks and all)."""

    id: int
    text: str
    written_by: str  # the person's name
    written_at: datetime


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence file to download: the name to save it as, its type (by content) and bytes."""

    download_name: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class CaseFile:
    """What a task's worker may read of its case, as the task's `caseFile` declares
    (docs/modelling.md#case-files). `letters`, `history`, `evidence` and `notes` are None when not
    declared."""

    sections: tuple[CaseFileSection, ...] = ()
    letters: tuple[CaseFileLetter, ...] | None = None
    history: tuple[CaseFileEvent, ...] | None = None
    evidence: tuple[EvidenceView, ...] | None = None
    notes: tuple[NoteView, ...] | None = None

    @property
    def empty(self) -> bool:
        parts = (self.letters, self.history, self.evidence, self.notes)
        return not self.sections and all(part is None for part in parts)


@dataclass(frozen=True)
class DraftAnswers:
    """Someone's answers to a task's form, saved before they sent them (only ever shown to them)."""

    answers: dict[str, Any]
    saved_at: datetime


@dataclass(frozen=True)
class ReferralDecision:
    """A decision made on a referral: its title, when, and its outcome in words."""

    title: str
    at: datetime
    outcome: str


@dataclass(frozen=True)
class ReferralLetter:
    """A letter on a referral addressed to its first responder (numbered from 1, oldest first)."""

    number: int
    title: str
    created_at: datetime


@dataclass(frozen=True)
class ReferralRecord:
    """A referral as its agency reads it: the case, the decisions so far and its letters."""

    case: CaseView
    decisions: tuple[ReferralDecision, ...]
    letters: tuple[ReferralLetter, ...]


@dataclass(frozen=True)
class UnfinishedReferral:
    """A referral whose first responder's form is still open, and who has it if anyone."""

    case_key: str
    task_id: str
    task_name: str
    started_at: datetime
    assignee: str | None
    assignee_name: str | None


@dataclass(frozen=True)
class ErasureRecord:
    """When, why (in clear: the reason is about the erasure) and by whom a case's personal data
    was erased."""

    at: datetime
    reason: str
    by: str


@dataclass(frozen=True)
class LegalHold:
    """A case on legal hold: never erased, by retention or by hand, until the hold is lifted."""

    at: datetime
    by: str
    reason: str


@dataclass(frozen=True)
class RetentionDue:
    """A closed case past its process's retention: `years` after `ended_at`."""

    key: str
    ended_at: datetime
    years: int
