"""What managers and process owners see of cases: the filtered list, the steps cases wait at,
and one case in full (diagram states, history, documents, data). Personal data only for the
roles allowed it; every refusal is audited."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from engine import clock
from engine.access.rules import may_see_personal_data, may_view_cases
from engine.deploy.definitions import DefinitionCache
from engine.errors import CaseNotFound, Forbidden
from engine.persistence.db import Database
from engine.persistence.models import (
    Case,
    CaseFact,
    CaseStatus,
    DefinitionFile,
    DefinitionVersion,
    OpenTask,
    Timer,
    TimerState,
)
from engine.reporting.case_data import case_data_sections
from engine.reporting.case_list import CaseFilter, agencies, case_page, fact_values, waiting_steps
from engine.reporting.diagram_state import element_states, elements_inside_calls
from engine.reporting.fact_labels import fact_labels
from engine.reporting.statistics import Figure, figures
from engine.runtime.case_file import answered_forms
from engine.runtime.erasure import erasure_of, legal_hold_of
from engine.runtime.history_words import FOR_MANAGERS, history_lines
from engine.runtime.record_views import ViewKind, log_view
from engine.runtime.step import Step, current_data
from engine.runtime.task_claims import record_refusal
from engine.spec.case_facts import BPMN
from engine.spec.process_labels import in_words
from engine.spec.xml_guard import parse_untrusted_xml, xml_text
from engine.views import Actor, CaseFileSection, CaseHistoryLine, CaseRow, ErasureRecord, LegalHold

STATISTICS_SECONDS = 300
OPTIONS_SECONDS = 60


@dataclass(frozen=True)
class CaseDiagram:
    """The case's definition version drawn with each element's state."""

    main_process: str
    diagrams: dict[str, str]  # process id -> BPMN XML of the file that holds it
    states: dict[str, dict[str, str]]  # process id -> element id -> state
    names: dict[str, str] = field(default_factory=dict)  # process id -> its name in the diagram


@dataclass(frozen=True)
class VersionSummary:
    """A deployed definition version and its cases by status."""

    id: int
    process_id: str
    process_name: str
    version: int
    deployed_at: datetime
    deployed_by: str
    content_hash: str
    cases: dict[str, int]


@dataclass(frozen=True)
class CaseDetail:
    data: dict[str, Any]  # all of it, or only the reported facts
    personal_data_shown: bool
    diagram: CaseDiagram
    sections: tuple[CaseFileSection, ...] = ()  # the same data in words, by form
    process_name: str = ""  # the main process's name in its diagram
    history: tuple[CaseHistoryLine, ...] = ()  # what happened, in words, oldest first
    erasure: ErasureRecord | None = None  # its personal data was erased: only the skeleton is left
    legal_hold: LegalHold | None = None  # on legal hold: never erased until lifted


class CaseBrowser:
    def __init__(self, db: Database, definitions: DefinitionCache, region: str):
        self.db = db
        self.definitions = definitions
        self.region = region
        self._statistics: dict[tuple[datetime, datetime], tuple[list[Figure], datetime]] = {}
        self._statistics_lock = threading.Lock()
        self._option_cache: dict[tuple, tuple[object, datetime]] = {}

    def _allow(self, actor: Actor, action: str, case_id: int | None = None) -> None:
        if not may_view_cases(actor):
            reason = f"{actor.username} is not a manager or process owner"
            record_refusal(self.db, actor, action, (case_id, None, None), reason)
            raise Forbidden(reason, action=action)

    def page(
        self, wanted: CaseFilter, actor: Actor, *, offset: int = 0, limit: int = 50
    ) -> tuple[list[CaseRow], int, dict[str, int]]:
        """A page of the case list, how many match, and how many in each status."""
        self._allow(actor, "cases_listed")
        with self.db.reading() as session:
            return case_page(session, wanted, clock.now(), offset, limit)

    def steps(self, actor: Actor) -> list[tuple[str, str, int]]:
        """(element id, name, cases waiting) for every step cases wait at (at most a minute old)."""
        self._allow(actor, "cases_listed")
        return self._options(("steps",), waiting_steps)

    def fact_values(self, name: str, actor: Actor) -> list[str]:
        """Every value a reported fact has (at most a minute old): a filter's choices."""
        self._allow(actor, "cases_listed")
        return self._options(("fact", name), lambda session: fact_values(session, name))

    def agencies(self, actor: Actor) -> list[str]:
        self._allow(actor, "cases_listed")
        return self._options(("agencies",), agencies)

    def fact_labels(self, actor: Actor) -> dict[str, dict[str, str]]:
        """Field -> value -> its choice label in the newest forms (at most a minute old)."""
        self._allow(actor, "cases_listed")
        return self._options(("fact_labels",), fact_labels)

    def _options(self, key: tuple, compute):
        """A filter's choices, read at most once a minute per process: they change slowly, and
        reading them means scanning whole indexes (PostgreSQL has no skip scan for DISTINCT)."""
        now = clock.now()
        with self._statistics_lock:
            cached = self._option_cache.get(key)
        if cached and timedelta(0) <= now - cached[1] < timedelta(seconds=OPTIONS_SECONDS):
            return cached[0]
        with self.db.reading() as session:
            value = compute(session)
        with self._statistics_lock:
            self._option_cache[key] = (value, now)
        return value

    def statistics(
        self, actor: Actor, since: datetime, until: datetime, *, fresh: bool = False
    ) -> tuple[list[Figure], datetime]:
        """The statistics for referrals made in [since, until), and when they were counted.

        Counted at most once every STATISTICS_SECONDS per period and process (they aggregate the
        whole table, and managers read them far more often than they change); `fresh` recounts."""
        self._allow(actor, "statistics_viewed")
        now = clock.now()
        with self._statistics_lock:
            cached = self._statistics.get((since, until))
        if cached and not fresh and timedelta(0) <= now - cached[1] < timedelta(seconds=STATISTICS_SECONDS):
            return cached
        with self.db.reading() as session:
            counted = (figures(session, since, until, now), now)
        with self._statistics_lock:
            self._statistics[(since, until)] = counted
        return counted

    def overview(self, actor: Actor) -> list[VersionSummary]:
        """Every deployed version with its cases by status, newest first."""
        self._allow(actor, "processes_viewed")
        with self.db.reading() as session:
            counts: dict[int, dict[str, int]] = {}
            for definition_id, status, count in session.execute(
                select(Case.definition_id, Case.status, func.count()).group_by(
                    Case.definition_id, Case.status
                )
            ):
                counts.setdefault(definition_id, {})[status.value] = count
            rows = session.scalars(
                select(DefinitionVersion).order_by(
                    DefinitionVersion.process_id, DefinitionVersion.version.desc()
                )
            )
            return [
                VersionSummary(
                    r.id,
                    r.process_id,
                    r.process_name,
                    r.version,
                    r.deployed_at,
                    r.deployed_by,
                    r.content_hash,
                    counts.get(r.id, {}),
                )
                for r in rows
            ]

    def waiting_on(self, definition_id: int, actor: Actor) -> tuple[CaseDiagram, dict[str, int]]:
        """A version's diagrams and how many of its active cases wait at each element."""
        self._allow(actor, "processes_viewed")
        with self.db.reading() as session:
            definition = self.definitions.get(session, definition_id)
            waiting = union_all(
                select(OpenTask.case_id, OpenTask.element_id),
                select(Timer.case_id, Timer.element_id).where(Timer.state == TimerState.WAITING),
            ).subquery()
            active = (
                select(waiting.c.case_id, waiting.c.element_id)
                .join(Case, Case.id == waiting.c.case_id)
                .where(Case.definition_id == definition_id, Case.status == CaseStatus.ACTIVE)
                .subquery()
            )
            distinct_cases = func.count(func.distinct(active.c.case_id))
            counts = dict(
                session.execute(
                    select(active.c.element_id, distinct_cases).group_by(active.c.element_id)
                ).all()
            )
            diagrams = _diagrams(session, definition_id)
            for call, inside in elements_inside_calls(diagrams, definition.process_id).items():
                total = session.scalar(select(distinct_cases).where(active.c.element_id.in_(sorted(inside))))
                if total:
                    counts[call] = total
            return CaseDiagram(definition.process_id, diagrams, {}, _process_names(diagrams)), counts

    def detail(self, key: str, actor: Actor) -> CaseDetail:
        """One case: its data (personal data only for managers), diagrams and element states. A look
        at its personal data is recorded (engine/runtime/record_views.py)."""
        with self.db.reading() as session:
            case_id = session.scalar(select(Case.id).where(Case.business_key == key))
        if case_id is None:
            raise CaseNotFound(f"no case {key}")
        self._allow(actor, "case_viewed", case_id)
        with self.db.reading() as session:
            case = session.get_one(Case, case_id)  # found above; cases are never deleted
            definition = self.definitions.get(session, case.definition_id)
            erasure = erasure_of(case)
            personal = may_see_personal_data(actor) and erasure is None
            if erasure is None:  # the state opens with the case's key
                workflow = Step(session, definition, case, actor, self.region).load_workflow()
                states, data = element_states(workflow), current_data(workflow)
            else:  # erased: the reported facts (in clear) are all the data left, and no states
                states, data = {}, reported_facts(session, case_id)
            if not personal:
                data = {k: v for k, v in data.items() if k in definition.reported_fields}
            data = json.loads(json.dumps(data, default=str))
            answered = answered_forms(session, case_id, definition.task_forms)
            diagrams = _diagrams(session, case.definition_id)
            names = _process_names(diagrams)
            detail = CaseDetail(
                data,
                personal,
                CaseDiagram(definition.process_id, diagrams, states, names),
                case_data_sections(data, definition.schemas, answered, definition.labels),
                session.scalar(
                    select(DefinitionVersion.process_name).where(DefinitionVersion.id == case.definition_id)
                )
                or names.get(definition.process_id, ""),
                tuple(history_lines(session, case_id, case.data_key, FOR_MANAGERS, personal)),
                erasure,
                legal_hold_of(case) if personal else None,
            )
        if personal:
            log_view(self.db, actor, case_id, ViewKind.CASE_PAGE)
        return detail


def reported_facts(session: Session, case_id: int) -> dict[str, Any]:
    """The case's reported facts as data: a field reported more than once is a list."""
    facts: dict[str, list[str]] = {}
    for name, value in session.execute(
        select(CaseFact.name, CaseFact.value).where(CaseFact.case_id == case_id).order_by(CaseFact.value)
    ):
        facts.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in facts.items()}


def _diagrams(session: Session, definition_id: int) -> dict[str, str]:
    """Process id -> the BPMN XML of the version's file that holds it."""
    files = session.scalars(
        select(DefinitionFile).where(
            DefinitionFile.definition_id == definition_id, DefinitionFile.path.like("%.bpmn")
        )
    )
    diagrams = {}
    for file in files:
        text = xml_text(file.content, file.path)
        for process_id in _process_ids(text):
            diagrams[process_id] = text
    return diagrams


def _process_ids(text: str) -> list[str]:
    root = parse_untrusted_xml(text.encode(), "diagram")
    return [process_id for p in root.iter(f"{{{BPMN}}}process") if (process_id := p.get("id"))]


def _process_names(diagrams: dict[str, str]) -> dict[str, str]:
    """Process id -> the `name` its diagram gives it (the id's words when it has none)."""
    names: dict[str, str] = {}
    for text in set(diagrams.values()):
        for process in parse_untrusted_xml(text.encode(), "diagram").iter(f"{{{BPMN}}}process"):
            process_id = process.get("id") or ""
            if process_id in diagrams:
                names[process_id] = process.get("name") or in_words(process_id)
    return names
