"""The child's pathway of 2012/13 through the real diagrams: safeguarding runs beside the referral,
children's services are told at once with the concerns, the local authority arranges a child's
support and receives the letters meant for the child."""

from __future__ import annotations

from datetime import timedelta

from engine import Actor
from tests.scenarios.driver import CaseDriver

CONCERNS = "Was collected from school by an unknown adult; at risk of going missing tonight."


def _refer_child(case: CaseDriver) -> None:
    """Referred with the local authority named and the form sent; safeguarding left open."""
    case.start()
    case.complete("choose_referral_form", age_group="child")
    case.complete(
        "name_childs_local_authority",
        local_authority_name="Hillingdon",
        immediate_safeguarding_concerns=CONCERNS,
    )
    case.complete("complete_child_referral")


def test_a_childs_reasonable_grounds_decision_is_open_while_safeguarding_is_still_open(drive):
    case = drive("VN", adult=False)
    _refer_child(case)
    referred_at = case.clock.now()
    tasks = case.open_tasks()
    assert set(tasks) == {"decide_reasonable_grounds", "confirm_safeguarding"}
    assert tasks["decide_reasonable_grounds"].candidate_group == "competent-authority-ukba"
    due = tasks["decide_reasonable_grounds"].due_at
    # 5 working days from the referral (Monday 2 March 2026): the end of Monday 9 March, London time
    assert due is not None and (due - referred_at) < timedelta(days=8)
    assert due.date().isoformat() == "2026-03-09"

    case.move(timedelta(days=3))  # children's services answer three days later
    case.complete("confirm_safeguarding")
    assert case.open_tasks()["decide_reasonable_grounds"].due_at == due  # counted from the referral


def test_a_childs_case_does_not_end_while_safeguarding_is_still_open(drive):
    case = drive("AF", adult=False)
    _refer_child(case)
    case.complete(
        "decide_reasonable_grounds",
        rg_decision="negative",
        rg_reasons="No indicators of trafficking; the account describes a family dispute.",
    )
    waiting = case.complete("decide_on_reconsideration", reconsideration_requested=False)
    assert waiting.status == "active" and set(case.open_tasks()) == {"confirm_safeguarding"}
    final = case.complete("confirm_safeguarding")
    assert final.status == "completed" and final.outcome == "Negative reasonable grounds decision"
    data = case.data()
    assert data["rg_decision"] == "negative" and data["safeguarding_plan_in_place"] is True


def test_the_notice_to_childrens_services_carries_the_immediate_concerns(drive):
    case = drive("VN", adult=False)
    case.start()
    case.complete("choose_referral_form", age_group="child")
    case.complete(
        "name_childs_local_authority",
        local_authority_name="Hillingdon",
        immediate_safeguarding_concerns=CONCERNS,
    )
    [notice] = case.documents()
    assert notice.recipient == "local-authority"
    assert CONCERNS in notice.body and "Children's services, Hillingdon" in notice.body
    assert "name not yet recorded" in notice.body  # told before the form, so before the name

    case.complete("complete_child_referral")
    task = case.open_tasks()["confirm_safeguarding"]
    local_authority = Actor("la", frozenset({"local-authority"}))
    case_file = case._with_engine(lambda e: e.case_file(task.id, local_authority))
    answers = {row.label: row.value for section in case_file.sections for row in section.rows}
    assert answers["Given names"] == case.person.given_names
    assert answers["Immediate safeguarding concerns"] == CONCERNS


def test_a_childs_support_is_arranged_by_the_local_authority(drive):
    child = drive("VN", adult=False)
    child.refer("child")
    child.complete("decide_reasonable_grounds", rg_decision="positive")
    assert child.open_tasks()["arrange_support"].candidate_group == "local-authority"

    adult = drive("NG")
    adult.refer("adult")
    adult.complete("decide_reasonable_grounds", rg_decision="positive")
    assert adult.open_tasks()["arrange_support"].candidate_group == "support-provider"


def test_a_letter_about_a_child_goes_to_the_local_authority(drive):
    case = drive("VN", adult=False)
    _refer_child(case)
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    [letter] = [d for d in case.documents() if d.kind == "rg_positive_letter"]
    name = f"{case.person.given_names} {case.person.family_name}"
    assert letter.recipient == "local-authority"
    assert "To: Children's services, Hillingdon" in letter.body
    assert f"Dear {name}" not in letter.body and "Dear colleague," in letter.body
    assert f"Child: {name}" in letter.body

    adult = drive("NG")
    adult.refer("adult")
    adult.complete("decide_reasonable_grounds", rg_decision="positive")
    [adult_letter] = [d for d in adult.documents() if d.kind == "rg_positive_letter"]
    assert adult_letter.recipient == "person" and "Dear " in adult_letter.body
