"""A case's life through the engine API: timers on the engine clock, cancel, history, stored state."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from engine import Actor, CaseNotActive
from engine.crypto.sealing import unseal
from engine.persistence.models import AuditEvent, Case, DefinitionVersion, Timer
from engine.spec.serialization import SERIALIZER_VERSION, state_dict


def _start_and_greet(engine) -> str:
    case = engine.start_case("mini_process", business_key="NRM-2026-000123")
    engine.complete_task(case.open_tasks[0].id, {"name": "Ann", "team": "a"})
    return case.key


def test_a_timer_fires_only_when_the_engine_clock_passes_its_due_time(mini, moving_clock):
    key = _start_and_greet(mini)
    case = mini.case(key)
    assert case.open_tasks == [] and case.timers[0].state == "waiting"
    assert case.timers[0].due_at == moving_clock.now() + timedelta(days=2)
    moving_clock.move(timedelta(days=1, hours=23))
    assert mini.fire_due_timers() == 0
    assert mini.case(key).open_tasks == []
    moving_clock.move(timedelta(hours=1, seconds=1))
    assert mini.fire_due_timers() == 1
    case = mini.case(key)
    assert [t.name for t in case.open_tasks] == ["Confirm"]
    assert case.open_tasks[0].candidate_group == "team-a"
    assert case.timers[0].state == "fired"
    assert mini.fire_due_timers() == 0


def test_cancelling_a_case_closes_its_tasks_and_its_timer_never_fires(mini, moving_clock):
    key = _start_and_greet(mini)
    with pytest.raises(ValueError, match="reason"):
        mini.cancel_case(key, "")
    cancelled = mini.cancel_case(key, "referral withdrawn", Actor("maria", is_superuser=True))
    assert cancelled.status == "cancelled" and cancelled.open_tasks == []
    assert [t.state for t in cancelled.timers] == ["cancelled"]
    moving_clock.move(timedelta(days=10))
    assert mini.fire_due_timers() == 0
    with pytest.raises(CaseNotActive):
        mini.cancel_case(key, "again")
    entries = [(h.action, h.actor) for h in mini.history(key)]
    assert ("case_cancelled", "maria") in entries
    assert not any(action == "timer_fired" for action, _ in entries)


def test_the_business_key_is_given_or_the_next_free_one(mini):
    assert mini.start_case("mini_process").key == "NRM-2026-000001"
    assert mini.start_case("mini_process", business_key="NRM-2026-000500").key == "NRM-2026-000500"
    assert mini.start_case("mini_process").key == "NRM-2026-000501"
    with pytest.raises(ValueError, match="NRM-2026-000123"):
        mini.start_case("mini_process", business_key="../../etc")


def test_state_is_stored_without_the_spec_and_with_its_serializer_version(mini):
    key = _start_and_greet(mini)
    with mini.db.reading() as session:
        case = session.scalar(select(Case).where(Case.business_key == key))
        definition = session.get(DefinitionVersion, case.definition_id)
        state = state_dict(unseal(case.data_key, case.id, "state", case.state))
    assert case.serializer_version == SERIALIZER_VERSION
    assert "spec" not in state and "subprocess_specs" not in state
    assert "mini_process" in definition.spec_json


def test_history_records_who_did_what_without_personal_data(mini):
    key = _start_and_greet(mini)
    actions = [h.action for h in mini.history(key)]
    assert actions[:4] == ["case_started", "task_opened", "task_completed", "timer_set"]
    completed = next(h for h in mini.history(key) if h.action == "task_completed")
    assert completed.detail["fields"] == ["name", "team"]
    assert "Ann" not in json.dumps([h.detail for h in mini.history(key)])


def test_timer_rows_match_the_workflow(mini):
    key = _start_and_greet(mini)
    with mini.db.reading() as session:
        rows = session.scalars(select(Timer)).all()
    assert [(r.element_id, r.state.value) for r in rows] == [("wait_two_days", "waiting")]
    assert mini.case(key).current_step == "Two days"


def test_the_audit_trail_is_append_only_in_the_database(mini):
    _start_and_greet(mini)
    for statement in (update(AuditEvent).values(actor="someone else"), delete(AuditEvent)):
        with pytest.raises(DBAPIError, match="append-only"), mini.db.writing() as session:
            session.execute(statement)
    assert {h.actor for h in mini.history("NRM-2026-000123")} == {"system"}
