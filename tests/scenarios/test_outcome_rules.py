"""Issue 18 items 8 and 9: how a case ends when the person goes missing or leaves the UK, and
reconsideration of a negative decision within a time limit. Real diagrams, state reloaded each step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import Actor, CaseNotActive, Forbidden
from tests.scenarios.driver import CaseDriver

CASEWORKER = Actor("ca-worker", frozenset({"competent-authority-ukba"}))
MANAGER = Actor("manager", frozenset({"manager"}))
SUPPORT = Actor("support", frozenset({"support-provider"}))


def _negative_rg(case: CaseDriver) -> None:
    case.refer("adult")
    case.complete(
        "decide_reasonable_grounds",
        rg_decision="negative",
        rg_reasons="No indicators of trafficking; the account describes a labour dispute.",
    )


def test_no_reconsideration_request_within_the_limit_closes_the_case(drive):
    case = drive("CN")
    _negative_rg(case)
    limit = case.waiting_timers()["reconsideration_time_limit"]
    case.move_to(limit - timedelta(minutes=1))
    assert case.case().status == "active"  # still open the minute before the limit
    case.move_to(limit + timedelta(minutes=1))
    final = case.case()
    assert final.status == "completed" and final.outcome == "Negative reasonable grounds decision"
    assert final.open_tasks == [] and case.waiting_timers() == {}
    assert case.data()["reopen_decision"] is False


def test_the_support_provider_may_ask_for_reconsideration(drive):
    case = drive("CN")
    _negative_rg(case)
    task = case.open_tasks()["support_asks_for_reconsideration"]
    assert task.candidate_group == "support-provider"
    case.complete(
        "support_asks_for_reconsideration",
        reconsideration_requested=True,
        requested_by="support_provider",
        reconsideration_grounds="A medical report now shows signs of trauma consistent with the account.",
    )
    # the first responder's task and the time limit close: the request is with the competent authority
    assert set(case.open_tasks()) == {"decide_whether_to_reconsider"}
    assert "reconsideration_time_limit" not in case.waiting_timers()


def test_the_competent_authority_decides_whether_to_reconsider(drive):
    refused = drive("CN")
    _negative_rg(refused)
    refused.complete(
        "decide_on_reconsideration",
        reconsideration_requested=True,
        requested_by="first_responder",
        reconsideration_grounds="New witness statement.",
    )
    task = refused.open_tasks()["decide_whether_to_reconsider"]
    assert task.candidate_group == "competent-authority-ukba"
    final = refused.complete(
        "decide_whether_to_reconsider",
        reopen_decision=False,
        reconsideration_reasons="The statement adds nothing to the account already considered.",
    )
    assert final.status == "completed" and final.outcome == "Negative reasonable grounds decision"

    reopened = drive("CN")
    _negative_rg(reopened)
    reopened.complete(
        "decide_on_reconsideration",
        reconsideration_requested=True,
        requested_by="first_responder",
        reconsideration_grounds="New witness statement.",
    )
    reopened.complete("decide_whether_to_reconsider", reopen_decision=True)
    assert set(reopened.open_tasks()) == {"decide_reasonable_grounds"}
    # made again and negative again: the new time limit is counted afresh and closes it again
    reopened.complete("decide_reasonable_grounds", rg_decision="negative", rg_reasons="Still none.")
    limit = reopened.waiting_timers()["reconsideration_time_limit"]
    reopened.move_to(limit + timedelta(minutes=1))
    assert reopened.case().status == "completed"


def _in_reflection(case: CaseDriver) -> None:
    case.refer("adult")
    case.complete("decide_reasonable_grounds", rg_decision="positive")


def test_a_missing_persons_case_is_suspended_and_resumed_when_found(drive, moving_clock):
    case = drive("NG")
    _in_reflection(case)
    case.move(timedelta(days=30, minutes=1))
    case.complete("review_recovery_progress", extend_reflection=False, cooperating_with_police=False)
    timers = case.waiting_timers()
    period_end = timers["reflection_period_over"]
    case.move(timedelta(days=5))
    went_missing = moving_clock.now()
    missing = case._with_engine(lambda e: e.record_missing(case.key, "Left the safe house.", CASEWORKER))
    assert missing.status == "suspended" and missing.outcome == "Suspended (the person is missing)"
    # while missing no clock runs: past the period's end nothing fires and no task opens
    case.move_to(period_end + timedelta(days=1))
    assert case.case().status == "suspended" and case.waiting_timers() == timers
    assert "decide_conclusive_grounds" not in case.open_tasks()
    found = case._with_engine(lambda e: e.record_found(case.key, "Found by the police.", MANAGER))
    assert found.status == "active" and found.outcome is None
    away = moving_clock.now() - went_missing
    moved = case.waiting_timers()
    assert moved == {element: due + away for element, due in timers.items()}
    assert moved["reflection_period_over"] > period_end + timedelta(days=10)  # the period's clock stood still
    # a step before the moved end (support arranged) does not fire the timer at its old moment
    case.move_to(moved["reflection_period_over"] - timedelta(minutes=1))
    case.complete("arrange_support")
    assert "decide_conclusive_grounds" not in case.open_tasks()
    case.move_to(moved["reflection_period_over"] + timedelta(minutes=1))
    assert "decide_conclusive_grounds" in case.open_tasks()


def test_a_person_who_left_the_uk_is_withdrawn_and_the_case_ends(drive):
    case = drive("NG")
    _in_reflection(case)
    withdrawn = case._with_engine(lambda e: e.record_left_uk(case.key, "Flew to Lagos.", CASEWORKER))
    assert withdrawn.status == "completed" and withdrawn.outcome == "Withdrawn (left the UK)"
    assert withdrawn.ended_at is not None
    assert withdrawn.open_tasks == [] and case.waiting_timers() == {}
    with pytest.raises(CaseNotActive):
        case._with_engine(lambda e: e.record_missing(case.key, "Gone.", MANAGER))
    # a missing person later known to have left: suspended, then withdrawn
    other = drive("NG")
    _in_reflection(other)
    other._with_engine(lambda e: e.record_missing(other.key, "Not seen for a week.", MANAGER))
    ended = other._with_engine(lambda e: e.record_left_uk(other.key, "Seen leaving at Dover.", MANAGER))
    assert ended.status == "completed" and ended.outcome == "Withdrawn (left the UK)"


def test_only_managers_and_the_competent_authority_record_whereabouts(drive):
    case = drive("NG")
    _in_reflection(case)
    with pytest.raises(Forbidden):
        case._with_engine(lambda e: e.record_missing(case.key, "Gone.", SUPPORT))
    with pytest.raises(Forbidden):  # another competent authority's caseworkers
        other = Actor("other-ca", frozenset({"competent-authority-nca"}))
        case._with_engine(lambda e: e.record_left_uk(case.key, "Gone.", other))
    assert case.case().status == "active"
    with pytest.raises(ValueError):
        case._with_engine(lambda e: e.record_missing(case.key, "  ", MANAGER))
    assert case.case().status == "active"


def test_withdrawn_and_suspended_are_counted_in_the_statistics(drive):
    missing, withdrawn, decided = drive("NG"), drive("NG"), drive("NG")
    for case in (missing, withdrawn, decided):
        _in_reflection(case)
    missing._with_engine(lambda e: e.record_missing(missing.key, "Left the safe house.", MANAGER))
    withdrawn._with_engine(lambda e: e.record_left_uk(withdrawn.key, "Flew home.", MANAGER))

    def counted() -> dict:
        figures, _ = missing._with_engine(
            lambda e: e.statistics(
                MANAGER, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC), fresh=True
            )
        )
        figure = next(f for f in figures if f.key == "suspended-withdrawn")
        return dict(map(tuple, figure.rows))

    assert counted() == {"Suspended: the person is missing": 1, "Withdrawn: the person left the UK": 1}
    missing._with_engine(lambda e: e.record_found(missing.key, "Back at the safe house.", MANAGER))
    assert counted() == {"Suspended: the person is missing": 0, "Withdrawn: the person left the UK": 1}
