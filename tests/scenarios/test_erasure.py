"""Erasure by destroying a case's key: only managers, only closed cases not on legal hold; the
case keeps its skeleton (statistics unchanged) and no key in the system opens its data again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine import (
    Actor,
    CaseNotFound,
    ErasureRefused,
    Forbidden,
    PersonalDataErased,
)
from engine.crypto import case_keys
from engine.crypto.sealing import SealBroken, unseal, unseal_text
from engine.persistence.models import AuditEvent, Case, CaseNote, TaskDraft
from tests.scenarios.driver import CaseDriver, person

MANAGER = Actor("manager", frozenset({"manager"}))
NOT_MANAGERS = [
    Actor("fr-police", frozenset({"first-responder"}), agency="police"),
    Actor("ca-ukba", frozenset({"competent-authority-ukba"})),
    Actor("support", frozenset({"support-provider"})),
    Actor("owner", frozenset({"process-owner"})),
]
REASON = "The person asked for their data to be erased"
SINCE, UNTIL = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)


def referred(nrm, database_url, moving_clock) -> CaseDriver:
    case = CaseDriver(database_url, moving_clock, person("NG"))
    case.refer("adult")
    return case


def figures(nrm):
    counted, _at = nrm.statistics(MANAGER, SINCE, UNTIL, fresh=True)
    return [(f.key, f.rows) for f in counted]


def test_erasure_keeps_the_skeleton_and_statistics_and_no_key_opens_the_data(nrm, database_url, moving_clock):
    erased = referred(nrm, database_url, moving_clock)
    other = referred(nrm, database_url, moving_clock)
    nrm.add_note(erased.key, "She is staying with her aunt", MANAGER)
    nrm.cancel_case(erased.key, "Referred twice", MANAGER)
    before = figures(nrm)
    family_name = nrm.case_data(erased.key)["family_name"]
    assert erased.key in [c.key for c in nrm.find_cases_by_name(family_name, MANAGER)]
    with nrm.db.reading() as session:
        row = session.scalar(select(Case).where(Case.business_key == erased.key))
        case_id, key_id, state = row.id, row.data_key_id, bytes(row.state)
        notes = list(session.scalars(select(CaseNote.text).where(CaseNote.case_id == row.id)))
        others = select(Case.data_key).where(Case.data_key.is_not(None), Case.id != row.id)
        keys = list(session.scalars(others))

    view = nrm.erase_personal_data(erased.key, f"  {REASON}  ", MANAGER)
    assert erased.key not in [c.key for c in nrm.find_cases_by_name(family_name, MANAGER)]

    assert view.status == "cancelled" and view.ended_at is not None
    assert figures(nrm) == before
    with nrm.db.reading() as session:
        row = session.scalar(select(Case).where(Case.business_key == erased.key))
        assert row.data_key is None and row.data_key_id == key_id  # `nrm init` never gives it a new key
        assert (row.erasure_reason, row.erased_by) == (REASON, "manager")
        assert row.personal_data_erased_at == moving_clock.now()
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.case_id == case_id, AuditEvent.action == "personal_data_erased"
            )
        ).one()
        assert event.detail == {"reason": REASON} and event.actor == "manager"
    # every other case's key in the system, and the master key itself as a data key, fail
    master = case_keys.installed()
    candidates = keys + [case_keys.wrap(master.secret)]
    assert keys and notes
    for wrapped in candidates:
        with pytest.raises(SealBroken):
            unseal(wrapped, case_id, "state", state)
        for note in notes:
            with pytest.raises(SealBroken):
                unseal_text(wrapped, case_id, "note", note)
    with pytest.raises(PersonalDataErased):
        unseal(None, case_id, "state", state)
    with pytest.raises(PersonalDataErased):
        nrm.case_data(erased.key)
    # readers cope: the manager's case page, the history, the list
    detail = nrm.case_detail(erased.key, MANAGER)
    assert detail.erasure is not None and detail.erasure.reason == REASON
    assert detail.diagram.states == {} and not detail.personal_data_shown
    assert "age_group" in detail.data  # reported facts are kept
    assert [line.reason for line in detail.history if line.action == "case_cancelled"] == [""]
    assert [line.reason for line in detail.history if line.action == "personal_data_erased"] == [REASON]
    assert all(
        "reason" not in e.detail or e.action == "personal_data_erased" for e in nrm.history(erased.key)
    )
    assert erased.key in [c.key for c in nrm.cases()]
    assert nrm.case_data(other.key)  # the other case still reads


def test_erasure_refuses_running_held_and_erased_cases_and_empty_reasons(nrm, database_url, moving_clock):
    case = referred(nrm, database_url, moving_clock)
    with pytest.raises(ErasureRefused, match="cancel it first"):
        nrm.erase_personal_data(case.key, REASON, MANAGER)
    nrm.suspend_case(case.key, "Waiting for the police", MANAGER)
    with pytest.raises(ErasureRefused, match="suspended: cancel it first"):
        nrm.erase_personal_data(case.key, REASON, MANAGER)
    nrm.cancel_case(case.key, "Referred twice", MANAGER)
    with pytest.raises(ValueError):
        nrm.erase_personal_data(case.key, "   ", MANAGER)
    nrm.set_legal_hold(case.key, "Court order 12", MANAGER)
    with pytest.raises(ErasureRefused, match="lift the hold"):
        nrm.erase_personal_data(case.key, REASON, MANAGER)
    assert nrm.case_detail(case.key, MANAGER).legal_hold.reason == "Court order 12"
    nrm.lift_legal_hold(case.key, "The court case is over", MANAGER)
    assert nrm.case_data(case.key)  # nothing was erased
    nrm.erase_personal_data(case.key, REASON, MANAGER)
    with pytest.raises(ErasureRefused, match="erased already"):
        nrm.erase_personal_data(case.key, REASON, MANAGER)
    with pytest.raises(ErasureRefused, match="erased already"):
        nrm.set_legal_hold(case.key, "Court order 13", MANAGER)


def test_erasure_deletes_the_drafts(nrm, database_url, moving_clock):
    case = referred(nrm, database_url, moving_clock)
    task = next(t for t in case.case().open_tasks)
    with nrm.db.writing() as session:  # a draft left behind on a task of the case
        session.add(TaskDraft(task_id=task.id, username="ca", answers_json="{}", saved_at=moving_clock.now()))
    nrm.cancel_case(case.key, "Referred twice", MANAGER)
    nrm.erase_personal_data(case.key, REASON, MANAGER)
    with nrm.db.reading() as session:
        assert session.scalars(select(TaskDraft).where(TaskDraft.task_id == task.id)).all() == []


@pytest.mark.parametrize("actor", NOT_MANAGERS, ids=lambda a: a.username)
def test_only_managers_erase_and_hold_refused_before_the_case_is_looked_up(
    nrm, database_url, moving_clock, actor
):
    case = referred(nrm, database_url, moving_clock)
    nrm.cancel_case(case.key, "Referred twice", MANAGER)
    for key in (case.key, "NRM-2020-999999"):
        for attempt in (nrm.erase_personal_data, nrm.set_legal_hold, nrm.lift_legal_hold):
            with nrm.db.reading() as session:
                before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
            with pytest.raises(Forbidden):
                attempt(key, REASON, actor)
            with nrm.db.reading() as session:
                rows = session.scalars(select(AuditEvent).where(AuditEvent.id > before)).all()
            assert [r.action for r in rows] == ["refused"]
    assert nrm.case_data(case.key)
    with pytest.raises(CaseNotFound):
        nrm.erase_personal_data("NRM-2020-999999", REASON, MANAGER)


def test_subject_access_export_of_an_erased_case_is_refused(nrm, database_url, moving_clock):
    case = referred(nrm, database_url, moving_clock)
    nrm.cancel_case(case.key, "Referred twice", MANAGER)
    moving_clock.move(timedelta(days=1))
    nrm.erase_personal_data(case.key, REASON, MANAGER)
    with pytest.raises(PersonalDataErased, match="erased on 3 March 2026 because The person asked"):
        nrm.export_person(case.key, MANAGER)
