"""The record of every look (engine/runtime/record_views.py): each engine method that shows a
case's personal data to a person writes one row with its kind, the person's role and whether they
were at their own work on the case; refusals write none; managers read who has seen a case and
the people who opened many cases outside their work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from engine import Actor, Forbidden, ViewKind, clock
from engine.persistence.models import AuditEvent, RecordView
from tests.casework import refer_to_ukba as _refer
from tests.web.api_client import demo_user
from tests.web.evidence_files import PDF

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
SALVATION = Actor("fr-salvation", frozenset({"first-responder"}), agency="salvation_army")
UKBA = Actor("ca-ukba", frozenset({"competent-authority-ukba"}))
UKHTC = Actor("ca-ukhtc", frozenset({"competent-authority-ukhtc"}))
SUPPORT = Actor("support", frozenset({"support-provider"}))
MANAGER = Actor("manager", frozenset({"manager"}))
MANAGING_CASEWORKER = Actor("boss", frozenset({"manager", "competent-authority-ukba"}))
DECISION = "Make the reasonable grounds decision"


def _looks(nrm) -> list[RecordView]:
    with nrm.db.reading() as session:
        return list(session.scalars(select(RecordView).order_by(RecordView.id)))


def _only_look(nrm, before: int) -> RecordView:
    rows = _looks(nrm)[before:]
    assert len(rows) == 1, [(r.username, r.kind) for r in rows]
    return rows[0]


@pytest.fixture
def waiting(nrm):
    for name in ("fr-police", "ca-ukba", "manager"):
        demo_user(nrm, name)
    return _refer(nrm)


def test_a_managers_case_page_is_recorded_outside_their_work(nrm, waiting):
    before = len(_looks(nrm))
    nrm.case_detail(waiting, MANAGER)
    look = _only_look(nrm, before)
    assert (look.username, look.kind, look.groups) == ("manager", "case_page", "manager")
    assert look.within_own_work is False and look.at == clock.now()
    looks, total = nrm.record_views_of_case(waiting, MANAGER)
    assert looks[0].role == "Manager" and looks[0].looked_at == "Case page" and total == 1


def test_a_manager_with_a_task_on_the_case_looks_within_their_work(nrm, waiting):
    before = len(_looks(nrm))
    nrm.case_detail(waiting, MANAGING_CASEWORKER)
    assert _only_look(nrm, before).within_own_work is True
    role = nrm.record_views_of_case(waiting, MANAGER)[0][0].role
    assert role == "Manager and competent authority caseworker (UKBA)"


def test_a_process_owner_sees_no_personal_data_and_no_look_is_recorded(nrm, waiting):
    before = len(_looks(nrm))
    assert not nrm.case_detail(waiting, Actor("owner", frozenset({"process-owner"}))).personal_data_shown
    assert len(_looks(nrm)) == before


def test_the_decision_task_page_is_recorded_as_the_caseworkers_own_work(nrm, waiting):
    task = nrm.case(waiting).open_tasks[0]
    before = len(_looks(nrm))
    nrm.case_file(task.id, UKBA)
    look = _only_look(nrm, before)
    assert (look.kind, look.task_id, look.task_name, look.within_own_work) == (
        "task_page",
        task.id,
        DECISION,
        True,
    )
    assert nrm.record_views_of_case(waiting, MANAGER)[0][0].looked_at == f"Task: {DECISION}"
    assert nrm.record_views_of_case(waiting, MANAGER)[0][0].role == "Competent authority caseworker (UKBA)"


def test_a_manager_opening_another_teams_task_looks_outside_their_work(nrm, waiting):
    task = nrm.case(waiting).open_tasks[0]
    before = len(_looks(nrm))
    nrm.case_file(task.id, MANAGER)
    assert _only_look(nrm, before).within_own_work is False


def test_reading_a_form_or_draft_to_send_answers_is_no_look_but_showing_them_is(nrm):
    demo_user(nrm, "fr-police")
    case = nrm.start_case("nrm_pathway", actor=POLICE)
    task = nrm.case(case.key).open_tasks[0]
    nrm.save_task_draft(task.id, {"age_group": "adult"}, POLICE)
    before = len(_looks(nrm))
    nrm.task_form(task.id, POLICE)
    nrm.task_draft_for(task.id, POLICE)
    assert len(_looks(nrm)) == before
    nrm.task_draft_for(task.id, POLICE, seen_as=ViewKind.CHECK_ANSWERS)
    look = _only_look(nrm, before)
    assert (look.kind, look.within_own_work) == ("check_answers", True)
    nrm.task_form(task.id, POLICE, seen_as=ViewKind.API_TASK)
    assert _only_look(nrm, before + 1).kind == "api_task"


def test_a_first_responders_referral_and_its_letters_are_recorded(nrm):
    demo_user(nrm, "fr-police")
    demo_user(nrm, "ca-ukba")
    key = _refer(nrm, decide=True)
    before = len(_looks(nrm))
    nrm.referral_record(key, POLICE)
    nrm.referral_letter(key, 1, POLICE)
    nrm.referral(key, POLICE, seen_as=ViewKind.API_REFERRAL)
    rows = _looks(nrm)[before:]
    assert [(r.kind, r.groups, r.within_own_work) for r in rows] == [
        ("referral", "first-responder", True),  # they completed its forms
        ("letter", "first-responder", True),
        ("api_referral", "first-responder", True),
    ]
    words = [look.looked_at for look in nrm.record_views_of_case(key, MANAGER)[0]]
    assert words == ["Referral, through the API", "Letter", "Referral"]


def test_an_evidence_download_is_recorded_with_its_audit_row(nrm, waiting):
    evidence = nrm.add_evidence(waiting, "statement.pdf", PDF, "Signed statement", MANAGER)
    before = len(_looks(nrm))
    nrm.evidence_file(waiting, evidence, UKBA)
    look = _only_look(nrm, before)
    assert (look.kind, look.groups, look.within_own_work) == ("evidence", "competent-authority-ukba", True)


def test_case_data_read_for_a_person_is_recorded_and_the_engines_own_reads_are_not(nrm, waiting):
    before = len(_looks(nrm))
    nrm.case_data(waiting)
    assert len(_looks(nrm)) == before
    nrm.case_data(waiting, MANAGER)
    assert _only_look(nrm, before).kind == "case_data"


def test_refused_views_write_no_look_only_their_audit_row(nrm, waiting):
    task = nrm.case(waiting).open_tasks[0]
    evidence = nrm.add_evidence(waiting, "statement.pdf", PDF, "Signed statement", MANAGER)
    before = len(_looks(nrm))
    for refused in (
        lambda: nrm.case_file(task.id, SUPPORT),
        lambda: nrm.case_file(task.id, UKHTC),
        lambda: nrm.task_form(task.id, SALVATION, seen_as=ViewKind.API_TASK),
        lambda: nrm.referral_record(waiting, SALVATION),
        lambda: nrm.referral(waiting, SALVATION, seen_as=ViewKind.API_REFERRAL),
        lambda: nrm.evidence_file(waiting, evidence, SUPPORT),
        lambda: nrm.case_detail(waiting, SUPPORT),
        lambda: nrm.record_views_of_case(waiting, UKBA),
    ):
        with pytest.raises(Forbidden):
            refused()
    assert len(_looks(nrm)) == before


def test_the_record_is_append_only(nrm, waiting):
    nrm.case_detail(waiting, MANAGER)
    for statement in ("UPDATE record_views SET username = 'someone'", "DELETE FROM record_views"):
        with pytest.raises(DBAPIError), nrm.db.writing() as session:
            session.execute(text(statement))
    assert [look.username for look in _looks(nrm)] == ["manager"]


def test_who_has_seen_a_case_is_newest_first_and_limited(nrm, waiting, moving_clock):
    for _ in range(3):
        nrm.case_detail(waiting, MANAGER)
        moving_clock.move(timedelta(minutes=1))
    nrm.case_file(nrm.case(waiting).open_tasks[0].id, UKBA)
    looks, total = nrm.record_views_of_case(waiting, MANAGER, limit=2)
    assert total == 4 and [look.username for look in looks] == ["ca-ukba", "manager"]
    assert looks[0].at > looks[1].at


def test_the_report_finds_who_opened_eleven_cases_outside_their_work(nrm, moving_clock):
    for name in ("fr-police", "ca-ukba", "manager"):
        demo_user(nrm, name)
    keys = [_refer(nrm) for _ in range(11)]
    for key in keys:
        nrm.case_detail(key, MANAGER)  # no task of theirs on any of them
        nrm.case_file(nrm.case(key).open_tasks[0].id, UKBA)  # their own decision task
        nrm.referral_record(key, POLICE)  # their own agency's referral, forms they completed
    moving_clock.move(timedelta(days=1))
    now = clock.now()
    found = nrm.looks_outside_work(MANAGER, now - timedelta(days=30), now)
    assert [person.username for person in found] == ["manager"]
    assert found[0].role == "Manager" and sorted(c.case_key for c in found[0].cases) == sorted(keys)
    assert all(c.looks == 1 for c in found[0].cases)
    assert nrm.looks_outside_work(MANAGER, now - timedelta(days=30), now, threshold=12) == []
    assert nrm.looks_outside_work(MANAGER, now - timedelta(hours=1), now) == []  # outside the period


def test_only_managers_read_the_record_and_each_refusal_is_audited(nrm, waiting):
    now = clock.now()
    for actor in (POLICE, UKBA, SUPPORT, Actor("owner", frozenset({"process-owner"}))):
        with nrm.db.reading() as session:
            before = len(session.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).all())
        with pytest.raises(Forbidden):
            nrm.looks_outside_work(actor, now - timedelta(days=30), now)
        with nrm.db.reading() as session:
            after = len(session.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).all())
        assert after == before + 1, actor.username
