"""Write the reported facts of cases that have none (cases from before case_facts existed, or
after a process's reportedFields changed). Loads each workflow once; run by `nrm init`."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import exists, select

from engine.deploy.definitions import DefinitionCache
from engine.persistence.db import Database
from engine.persistence.models import Case, CaseFact
from engine.runtime.case_summary import facts_key
from engine.runtime.step import Step, current_data
from engine.runtime.step_writes import FACTS, StepWrites
from engine.spec.case_facts import facts_from
from engine.spec.serialization import EMPTY_STATE
from engine.views import SYSTEM

BATCH = 200


def backfill_facts(
    db: Database, definitions: DefinitionCache, region: str, progress: Callable[[int], None] | None = None
) -> int:
    """Facts for every case without any; returns how many cases got some."""
    done = 0
    last_id = 0
    while True:
        with db.writing() as session:
            cases = session.scalars(
                select(Case)
                .where(Case.id > last_id, ~exists().where(CaseFact.case_id == Case.id))
                .order_by(Case.id)
                .limit(BATCH)
            ).all()
            if not cases:
                return done
            writes = StepWrites()  # the batch's facts, and its summaries' fact sets, written together
            for case in cases:
                last_id = case.id
                definition = definitions.get(session, case.definition_id)
                if not definition.reported_fields or bytes(case.state) == EMPTY_STATE:
                    continue
                if case.personal_data_erased_at is not None:
                    continue  # its state no longer opens: it keeps the facts it had
                workflow = Step(session, definition, case, SYSTEM, region).load_workflow()
                facts = facts_from(current_data(workflow), definition.reported_fields)
                if facts:
                    writes.insert(FACTS, [{"case_id": case.id, "name": n, "value": v} for n, v in facts])
                    # the statistics row, if the case has one already
                    writes.set_summary("fact_set_id", case.id, facts_key(facts))
                    done += 1
            writes.execute(session.connection())
        if progress:
            progress(done)
