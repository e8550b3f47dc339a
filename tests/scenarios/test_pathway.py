"""The whole NRM pathway through the real diagrams, one scenario per route, state reloaded each step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.scenarios.driver import CaseDriver

UKBA = "competent-authority-ukba"
UKHTC = "competent-authority-ukhtc"


def _positive_rg_and_cg(case: CaseDriver, review: dict | None = None, group: str = UKBA) -> None:
    assert case.open_tasks()["decide_reasonable_grounds"].candidate_group == group
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    case.through_reflection(review)
    case.complete("decide_conclusive_grounds", cg_decision="positive")


def _kinds(case: CaseDriver) -> list[str]:
    return [d.kind for d in case.documents()]


def test_adult_consents_positive_rg_45_days_positive_cg_discretionary_leave(drive):
    case = drive("NG")
    case.refer("adult")
    data = case.data()
    assert (data["competent_authority"], data["nationality_group"]) == ("UKBA", "non-EEA")
    assert data["allocation"]["queue"] == UKBA
    _positive_rg_and_cg(case)
    case.complete("record_persons_plans", cooperating_with_police=True, wishes_to_return_home=False)
    assert case.open_tasks()["consider_discretionary_leave"].candidate_group == "immigration"
    decided = case.complete("consider_discretionary_leave", dl_decision="granted")
    assert decided.status == "active"  # support goes on for the move-on period
    assert set(case.open_tasks()) == {"help_person_move_on"}
    final = case.through_move_on(move_on_accommodation="own_tenancy")
    assert final.status == "completed" and final.outcome == "Discretionary leave decided"
    assert case.data()["outcome_route"] == "discretionary_leave"
    kinds = _kinds(case)
    for kind in (
        "rg_positive_letter",
        "rg_positive_first_responder_notice",
        "rg_positive_support_provider_notice",
        "cg_positive_letter",
        "dl_granted_letter",
    ):
        assert kind in kinds
    assert final.open_tasks == []
    assert {t.element_id: t.state for t in final.timers} == {
        "rg_target_passed": "cancelled",  # decided in time: the overdue timer closes with the task
        "progress_review_due": "fired",
        "reflection_period_over": "fired",
        "move_on_period_over": "cancelled",  # the move-on plan was sent before the period ended
    }


def test_adult_positive_decisions_then_assisted_voluntary_return(drive):
    case = drive("AL")
    case.refer("adult")
    _positive_rg_and_cg(case, review={"wishes_to_return_home": True})
    case.complete("record_persons_plans", wishes_to_return_home=True, wants_help_to_return=True)
    assert case.data()["outcome_route"] == "avrim"
    assert case.open_tasks()["arrange_voluntary_return"].candidate_group == "returns"
    case.complete("arrange_voluntary_return")
    assert "avr_arranged_letter" in _kinds(case)
    case.complete("confirm_departure", departed=True)
    final = case.through_move_on(move_on_accommodation="returning_home")
    assert final.outcome == "Assisted voluntary return closed"


def test_eea_national_goes_to_ukhtc_and_is_put_in_touch_with_their_embassy(drive):
    case = drive("PL")
    case.refer("adult")
    assert case.data()["competent_authority"] == "UKHTC"
    _positive_rg_and_cg(case, group=UKHTC)
    case.complete("record_persons_plans", wishes_to_return_home=True, wants_help_to_return=True)
    assert case.data()["outcome_route"] == "embassy_contact"
    case.complete("contact_embassy")
    final = case.through_move_on()
    assert final.outcome == "Put in touch with embassy (EEA national)"


def test_uk_national_goes_to_ukhtc_and_support_continues(drive):
    case = drive("GB", adult=False)
    case.refer("child")
    assert case.data()["competent_authority"] == "UKHTC"
    _positive_rg_and_cg(case, group=UKHTC)
    final = case.complete("record_persons_plans", wishes_to_return_home=False)
    assert final.outcome == "Support continues (no immigration action)"  # a child's support goes on


def test_child_needs_no_consent_and_childrens_services_are_notified_first(drive):
    case = drive("VN", adult=False)
    case.start()
    case.complete("choose_referral_form", age_group="child")
    assert set(case.open_tasks()) == {"name_childs_local_authority"}
    case.complete("name_childs_local_authority", local_authority_name="Hillingdon")
    assert _kinds(case) == ["childrens_services_notification"]
    assert set(case.open_tasks()) == {"complete_child_referral"}
    case.complete("complete_child_referral")
    assert set(case.open_tasks()) == {"decide_reasonable_grounds", "confirm_safeguarding"}
    assert case.open_tasks()["confirm_safeguarding"].candidate_group == "local-authority"
    case.complete("confirm_safeguarding")
    assert "decide_reasonable_grounds" in case.open_tasks()
    assert "consent_given" not in case.data()
    assert not any(h.element_id == "ask_adult_consent" for h in case.history())


def test_an_age_disputed_person_is_treated_as_a_child(drive):
    case = drive("AF", adult=False)
    case.start()
    case.complete("choose_referral_form", age_group="age_disputed")
    assert set(case.open_tasks()) == {"name_childs_local_authority"}
    case.complete("name_childs_local_authority")
    assert "childrens_services_notification" in _kinds(case)


def test_an_adult_who_does_not_consent_is_not_referred(drive):
    case = drive("NG")
    case.start()
    case.complete("choose_referral_form", age_group="adult")
    final = case.complete(
        "ask_adult_consent",
        consent_given=False,
        consent_signed_date=None,
        no_consent_reason="Afraid of reprisals against family.",
    )
    assert final.status == "completed" and final.outcome == "Not referred: no consent"
    assert final.open_tasks == [] and case.documents() == []
    assert "competent_authority" not in case.data()


def test_negative_rg_ends_with_a_letter_when_no_reconsideration_is_asked(drive):
    case = drive("CN")
    case.refer("adult")
    case.complete(
        "decide_reasonable_grounds",
        rg_decision="negative",
        rg_reasons="No indicators of trafficking; the account describes a labour dispute.",
    )
    assert set(case.open_tasks()) == {"decide_on_reconsideration", "support_asks_for_reconsideration"}
    assert {"rg_negative_letter", "rg_negative_first_responder_notice"} <= set(_kinds(case))
    final = case.complete("decide_on_reconsideration", reconsideration_requested=False)
    assert final.outcome == "Negative reasonable grounds decision"
    assert final.open_tasks == [] and {t.state for t in final.timers} == {"cancelled"}


def test_negative_cg_then_reconsideration_reopens_the_decision(drive):
    case = drive("ER")
    case.refer("adult")
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    case.through_reflection()
    case.complete("decide_conclusive_grounds", cg_decision="negative", cg_reasons="Account inconsistent.")
    assert "cg_negative_letter" in _kinds(case)
    case.complete(
        "decide_on_reconsideration",
        reconsideration_requested=True,
        requested_by="support_provider",
        reconsideration_grounds="New medical evidence of trauma explains the inconsistencies.",
    )
    case.complete("decide_whether_to_reconsider", reopen_decision=True)
    assert set(case.open_tasks()) == {"decide_conclusive_grounds"}
    case.complete("decide_conclusive_grounds", cg_decision="positive")
    assert "cg_positive_letter" in _kinds(case)
    case.complete("record_persons_plans", wishes_to_return_home=False)
    case.complete(
        "consider_discretionary_leave",
        dl_decision="refused",
        dl_grounds=[],
        dl_leave_months=None,
        dl_reasons="Circumstances do not warrant leave.",
    )
    final = case.through_move_on()
    assert final.outcome == "Discretionary leave decided"
    completions = [h.element_id for h in case.history() if h.action == "task_completed"]
    assert completions.count("decide_conclusive_grounds") == 2


def test_rg_not_decided_in_5_working_days_over_easter_is_flagged_not_blocked(drive, moving_clock):
    moving_clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=UTC))  # Thursday before Good Friday
    case = drive("VN")
    case.refer("adult")
    rg = case.open_tasks()["decide_reasonable_grounds"]
    # Good Friday 3 April and Easter Monday 6 April are bank holidays in England and Wales:
    # the 5th working day is Monday 13 April (end of day, London time), not Thursday 9 April.
    assert rg.due_at == datetime(2026, 4, 13, 22, 59, 59, tzinfo=UTC)
    assert case.waiting_timers()["rg_target_passed"] == rg.due_at
    case.move_to(datetime(2026, 4, 10, 12, 0, tzinfo=UTC))
    assert case.case().flags == []
    case.move_to(datetime(2026, 4, 14, 0, 30, tzinfo=UTC))
    status = case.case()
    assert [f.kind for f in status.flags] == ["overdue_reasonable_grounds"]
    assert "decide_reasonable_grounds" in case.open_tasks()  # flagged and escalated, not blocked
    assert "overdue_reasonable_grounds_escalation" in _kinds(case)
    case.move(timedelta(days=3))
    assert len(case.case().flags) == 1
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    assert "arrange_support" in case.open_tasks()


def test_the_cg_task_does_not_exist_before_day_45_and_does_after(drive, moving_clock):
    case = drive("NG")
    case.refer("adult")
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    decided = moving_clock.now()
    case.complete("arrange_support")
    assert "review_recovery_progress" not in case.open_tasks()
    case.move_to(decided + timedelta(days=29, hours=23))
    assert "review_recovery_progress" not in case.open_tasks()
    case.move_to(decided + timedelta(days=30, minutes=1))
    case.complete("review_recovery_progress")
    case.move_to(decided + timedelta(days=44, hours=23))
    assert "decide_conclusive_grounds" not in case.open_tasks()
    case.move_to(decided + timedelta(days=45, minutes=1))
    cg = case.open_tasks()["decide_conclusive_grounds"]
    assert cg.due_at == decided + timedelta(days=45)


def test_the_reflection_period_can_be_extended(drive, moving_clock):
    case = drive("GH")
    case.refer("adult")
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    decided = moving_clock.now()
    case.complete("arrange_support")
    case.move_to(decided + timedelta(days=30, minutes=1))
    case.complete(
        "review_recovery_progress", extend_reflection=True, extension_days=14, extension_reason="trauma"
    )
    reflection = case.data()["reflection"]
    assert reflection["days"] == 59 and reflection["extensions"][0]["reason"] == "trauma"
    assert case.waiting_timers()["reflection_period_over"] == decided + timedelta(days=59)
    case.move_to(decided + timedelta(days=45, minutes=1))
    assert "decide_conclusive_grounds" not in case.open_tasks()
    case.move_to(decided + timedelta(days=59, minutes=1))
    assert "decide_conclusive_grounds" in case.open_tasks()
