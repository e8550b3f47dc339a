"""Write the reported facts of cases that have none (cases from before case_facts existed, or
after a process's reportedFields changed). Loads each workflow once; run by `nrm init`."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import exists, insert, select, update

from engine.case_facts import facts_from
from engine.case_summary import fact_set_ids, facts_key
from engine.db import Database
from engine.definitions import DefinitionCache
from engine.models import Case, CaseFact, CaseSummary
from engine.runtime import Step, current_data
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
            for case in cases:
                last_id = case.id
                definition = definitions.get(session, case.definition_id)
                if not definition.reported_fields or not case.state_json.strip("{} "):
                    continue
                workflow = Step(session, definition, case, SYSTEM, region).load_workflow()
                facts = facts_from(current_data(workflow), definition.reported_fields)
                if facts:
                    session.execute(
                        insert(CaseFact), [{"case_id": case.id, "name": n, "value": v} for n, v in facts]
                    )
                    key = facts_key(facts)  # the statistics row, if the case has one already
                    session.execute(
                        update(CaseSummary)
                        .where(CaseSummary.case_id == case.id)
                        .values(fact_set_id=fact_set_ids(session.connection(), {key})[key])
                    )
                    done += 1
        if progress:
            progress(done)
