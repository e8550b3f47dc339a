"""What managers and process owners see of cases: the filtered list, the steps cases wait at,
and one case in full (diagram states, history, documents, data). Personal data only for the
roles allowed it; every refusal is audited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine import clock
from engine.case_facts import BPMN
from engine.case_list import CaseFilter, agencies, case_page, fact_values, waiting_steps
from engine.db import Database
from engine.definitions import DefinitionCache
from engine.diagram_state import element_states
from engine.errors import CaseNotFound, Forbidden
from engine.models import Case, DefinitionFile
from engine.runtime import Step, current_data
from engine.statistics import Figure, figures
from engine.task_claims import record_refusal
from engine.views import Actor, CaseRow
from engine.xml_guard import parse_untrusted_xml

CASE_VIEWERS = frozenset({"manager", "process-owner"})
PERSONAL_DATA_VIEWERS = frozenset({"manager"})


def may_view_cases(actor: Actor) -> bool:
    return actor.is_superuser or bool(CASE_VIEWERS & actor.groups)


def may_see_personal_data(actor: Actor) -> bool:
    return actor.is_superuser or bool(PERSONAL_DATA_VIEWERS & actor.groups)


@dataclass(frozen=True)
class CaseDiagram:
    """The case's definition version drawn with each element's state."""

    main_process: str
    diagrams: dict[str, str]  # process id -> BPMN XML of the file that holds it
    states: dict[str, dict[str, str]]  # process id -> element id -> state


@dataclass(frozen=True)
class CaseDetail:
    data: dict[str, Any]  # all of it, or only the reported facts
    personal_data_shown: bool
    diagram: CaseDiagram


class CaseBrowser:
    def __init__(self, db: Database, definitions: DefinitionCache, region: str):
        self.db = db
        self.definitions = definitions
        self.region = region

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
        """(element id, name, cases waiting) for every step cases wait at now."""
        self._allow(actor, "cases_listed")
        with self.db.reading() as session:
            return waiting_steps(session)

    def fact_values(self, name: str, actor: Actor) -> list[str]:
        self._allow(actor, "cases_listed")
        with self.db.reading() as session:
            return fact_values(session, name)

    def agencies(self, actor: Actor) -> list[str]:
        self._allow(actor, "cases_listed")
        with self.db.reading() as session:
            return agencies(session)

    def statistics(self, actor: Actor, since: datetime, until: datetime) -> list[Figure]:
        """The statistics figures for referrals made in [since, until)."""
        self._allow(actor, "statistics_viewed")
        with self.db.reading() as session:
            return figures(session, since, until, clock.now())

    def detail(self, key: str, actor: Actor) -> CaseDetail:
        """One case: its data (personal data only for managers), diagrams and element states."""
        with self.db.reading() as session:
            case_id = session.scalar(select(Case.id).where(Case.business_key == key))
        if case_id is None:
            raise CaseNotFound(f"no case {key}")
        self._allow(actor, "case_viewed", case_id)
        with self.db.reading() as session:
            case = session.get(Case, case_id)
            definition = self.definitions.get(session, case.definition_id)
            workflow = Step(session, definition, case, actor, self.region).load_workflow()
            data = current_data(workflow)
            personal = may_see_personal_data(actor)
            if not personal:
                data = {k: v for k, v in data.items() if k in definition.reported_fields}
            files = session.scalars(
                select(DefinitionFile).where(
                    DefinitionFile.definition_id == case.definition_id, DefinitionFile.path.like("%.bpmn")
                )
            )
            diagrams = {}
            for file in files:
                text = file.content.decode()
                for process_id in _process_ids(text):
                    diagrams[process_id] = text
            return CaseDetail(
                json.loads(json.dumps(data, default=str)),
                personal,
                CaseDiagram(definition.process_id, diagrams, element_states(workflow)),
            )


def _process_ids(text: str) -> list[str]:
    root = parse_untrusted_xml(text.encode(), "diagram")
    return [p.get("id") for p in root.iter(f"{{{BPMN}}}process") if p.get("id")]
