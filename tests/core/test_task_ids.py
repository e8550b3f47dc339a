"""Task ids rebuilt from a per-case seed (engine/spec/task_ids.py): stored as numbers, read back
as the same UUIDs, and a case stored with random ids still reads and runs."""

from __future__ import annotations

import json
import re
import zlib
from uuid import UUID

from sqlalchemy import select, update

from engine import Actor
from engine.crypto.sealing import seal, unseal
from engine.persistence.models import Case
from engine.spec.serialization import state_dict
from engine.spec.task_ids import TaskIds
from web.cli.demo_data import form_payload

FR = Actor("fr", frozenset({"first-responder"}), agency="police")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _stored(engine, key: str) -> bytes:
    """The case's stored state, unsealed with its data key (engine/crypto)."""
    with engine.db.reading() as session:
        case = session.scalar(select(Case).where(Case.business_key == key))
        return unseal(case.data_key, case.id, "state", case.state)


def _all_tasks(state: dict) -> dict[str, dict]:
    """Every task of the state, the running sub-processes' too, by id."""
    tasks = dict(state["tasks"])
    for sub in state["subprocesses"].values():
        tasks.update(sub["tasks"])
    return tasks


def _complete(engine, key: str, element_id: str, **answers):
    task = next(t for t in engine.case(key).open_tasks if t.element_id == element_id)
    actor = Actor("u", frozenset({task.candidate_group}), agency="police")
    return engine.complete_task(task.id, form_payload(task.form, **answers), actor)


def test_task_ids_are_stored_as_numbers_and_read_back_whole(nrm):
    case = nrm.start_case("nrm_pathway", actor=FR)
    _complete(nrm, case.key, "choose_referral_form", age_group="adult")
    opened = nrm.case(case.key).open_tasks
    raw = zlib.decompress(_stored(nrm, case.key)).decode()
    assert not UUID_TEXT.search(raw)  # every id is a number: the seed is written once
    state = state_dict(_stored(nrm, case.key))
    tasks = _all_tasks(state)
    assert {t.id for t in opened} <= set(tasks)  # the open tasks' rows name the same ids
    seed = state["nrm_task_ids"]
    ids = TaskIds(bytes.fromhex(seed["seed"]), seed["issued"])
    assert set(tasks) <= {str(ids.derive(n)) for n in range(seed["issued"])}


def test_ids_stay_the_same_from_step_to_step_and_differ_between_cases(nrm):
    first = nrm.start_case("nrm_pathway", actor=FR)
    second = nrm.start_case("nrm_pathway", actor=FR)
    _complete(nrm, first.key, "choose_referral_form", age_group="adult")
    before = _all_tasks(state_dict(_stored(nrm, first.key)))
    _complete(nrm, first.key, "ask_adult_consent")
    after = _all_tasks(state_dict(_stored(nrm, first.key)))
    done = [i for i, t in before.items() if t["task_spec"] in ("choose_referral_form", "ask_adult_consent")]
    assert len(done) == 2 and all(after[i]["task_spec"] == before[i]["task_spec"] for i in done)
    assert not set(_all_tasks(state_dict(_stored(nrm, second.key)))) & set(after)
    assert all(UUID(task_id).version == 4 for task_id in after)  # they look like any other


def test_a_case_stored_with_random_ids_still_reads_and_runs(nrm):
    case = nrm.start_case("nrm_pathway", actor=FR)
    state = state_dict(_stored(nrm, case.key))
    del state["nrm_task_ids"]  # as stored before ids were rebuilt: every id in full, random
    old = zlib.compress(json.dumps(state, separators=(",", ":")).encode())
    with nrm.db.writing() as session:
        row = session.scalar(select(Case).where(Case.business_key == case.key))
        sealed = seal(row.data_key, row.id, "state", old)
        session.execute(update(Case).where(Case.business_key == case.key).values(state=sealed))
    chosen = next(i for i, t in state["tasks"].items() if t["task_spec"] == "choose_referral_form")
    _complete(nrm, case.key, "choose_referral_form", age_group="adult")
    stored = state_dict(_stored(nrm, case.key))
    assert stored["tasks"][chosen]["task_spec"] == "choose_referral_form"  # an old id, kept in full
    assert chosen in zlib.decompress(_stored(nrm, case.key)).decode()
    assert stored["nrm_task_ids"]["issued"] > 0  # the new tasks got rebuilt ids
    assert "ask_adult_consent" in {t.element_id for t in nrm.case(case.key).open_tasks}
