"""Issue 18 items 8 and 9: how a case ends when the person goes missing or leaves the UK, and
reconsideration of a negative decision within a time limit. Real diagrams, state reloaded each step."""

from __future__ import annotations

from datetime import timedelta

from tests.scenarios.driver import CaseDriver


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
