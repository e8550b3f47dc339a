"""Rules of the reflection and recovery period (issue 18 items 4, 10 and 12), on the real diagrams."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Actor, FormValidationError
from engine.spec.bundle import Bundle, read_bundle
from tests.conftest import BUNDLE
from tests.scenarios.driver import CaseDriver


def _positive_rg(case: CaseDriver) -> None:
    case.refer("adult")
    case.complete("decide_reasonable_grounds", rg_decision="positive")


ASKING = ("ask_for_extension", "ask_for_extension_after_review")


def test_the_conclusive_grounds_decision_does_not_wait_for_support(drive, moving_clock):
    case = drive("NG")
    _positive_rg(case)
    decided = moving_clock.now()
    case.move_to(decided + timedelta(days=30, minutes=1))
    case.complete("review_recovery_progress", extend_reflection=False, cooperating_with_police=False)
    assert "arrange_support" in case.open_tasks()  # the support provider never sent the form
    case.move_to(decided + timedelta(days=44, hours=23))
    assert "decide_conclusive_grounds" not in case.open_tasks()
    case.move_to(decided + timedelta(days=45, minutes=1))
    tasks = case.open_tasks()
    assert "decide_conclusive_grounds" in tasks
    assert not {"arrange_support", *ASKING} & set(tasks)  # the period is over: its tasks close
    data = case.data()  # what the period wrote reaches the decision
    assert data["reflection"]["ends_at"] == (decided + timedelta(days=45)).isoformat()
    assert data["cooperating_with_police"] is False and data["extend_reflection"] is False


def test_the_support_provider_asks_for_an_extension_with_reasons(drive, moving_clock):
    case = drive("GH")
    _positive_rg(case)
    decided = moving_clock.now()
    asked = case.open_tasks()["ask_for_extension"]
    assert asked.candidate_group == "support-provider" and asked.form == "extension-request.json"
    case.move_to(decided + timedelta(days=10))
    with pytest.raises(FormValidationError):
        case.complete("ask_for_extension", requested_days=20, requested_reasons=["holiday"])
    with pytest.raises(FormValidationError):
        case.complete("ask_for_extension", requested_days=20, requested_reasons=[])
    assert case.data()["reflection"]["extensions"] == []  # a refused request changes nothing
    case.complete(
        "ask_for_extension",
        requested_days=20,
        requested_reasons=["health", "intimidation"],
        request_details="Hospital treatment until next month.",
    )
    extension = case.data()["reflection"]["extensions"][0]
    assert extension["reasons"] == ["health", "intimidation"] and extension["days"] == 20
    assert extension["asked_by"] == "support_provider"
    assert extension["details"] == "Hospital treatment until next month."
    assert "ask_for_extension" in case.open_tasks()  # they may ask again
    assert case.waiting_timers()["progress_review_due"] == decided + timedelta(days=30)  # review unmoved
    case.move_to(decided + timedelta(days=30, minutes=1))
    assert not set(ASKING) & set(case.open_tasks())  # the review decides first
    case.complete("review_recovery_progress", extend_reflection=False)
    assert "ask_for_extension_after_review" in case.open_tasks()
    assert case.waiting_timers()["reflection_period_over"] == decided + timedelta(days=65)
    case.move_to(decided + timedelta(days=45, minutes=1))
    assert "decide_conclusive_grounds" not in case.open_tasks()
    case.move_to(decided + timedelta(days=65, minutes=1))
    assert "decide_conclusive_grounds" in case.open_tasks()


def test_a_second_extension_moves_the_period_end_again(drive, moving_clock):
    case = drive("GH")
    _positive_rg(case)
    decided = moving_clock.now()
    case.complete("arrange_support")
    case.complete("ask_for_extension", requested_days=10, requested_reasons=["trauma"])
    case.move_to(decided + timedelta(days=30, minutes=1))
    case.complete(
        "review_recovery_progress",
        extend_reflection=True,
        extension_days=14,
        extension_reason="health",
        cooperating_with_police=True,
        police_force="Kent Police",
    )
    reflection = case.data()["reflection"]
    assert [e["days"] for e in reflection["extensions"]] == [10, 14]
    assert reflection["days"] == 45 + 10 + 14
    assert case.waiting_timers()["reflection_period_over"] == decided + timedelta(days=69)
    case.move_to(decided + timedelta(days=60))
    case.complete("ask_for_extension_after_review", requested_days=5, requested_reasons=["other"])
    assert case.waiting_timers()["reflection_period_over"] == decided + timedelta(days=74)
    case.move_to(decided + timedelta(days=69, minutes=1))
    assert "decide_conclusive_grounds" not in case.open_tasks()
    case.move_to(decided + timedelta(days=74, minutes=1))
    assert "decide_conclusive_grounds" in case.open_tasks()
    data = case.data()
    assert [e["reason"] for e in data["reflection"]["extensions"]] == ["trauma", "health", "other"]
    assert data["police_force"] == "Kent Police"  # the review's answers reach the decision


def test_cooperation_with_police_reaches_the_discretionary_leave_decision(drive):
    case = drive("NG")
    _positive_rg(case)
    case.through_reflection(
        {
            "cooperating_with_police": True,
            "police_force": "Kent Police",
            "police_crime_reference": "KP/123/13",
        }
    )
    case.complete("decide_conclusive_grounds", cg_decision="positive")
    case.complete("record_persons_plans", cooperating_with_police=True, wishes_to_return_home=False)
    task = case.open_tasks()["consider_discretionary_leave"]
    shown = str(case._with_engine(lambda e: e.case_file(task.id, _immigration())))
    assert "Kent Police" in shown and "KP/123/13" in shown
    case.complete(
        "consider_discretionary_leave", dl_decision="granted", dl_grounds=["cooperating_with_police"]
    )
    final = case.through_move_on()
    assert final.outcome == "Discretionary leave decided"


def _immigration():
    from engine import Actor

    return Actor("user-immigration", frozenset({"immigration"}))


# -- item 4, second half: the move-on period after the conclusive grounds decision -----------------


def _to_the_decision(case: CaseDriver, moving_clock, decision: str = "positive", **answers):
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    case.through_reflection()
    decided = moving_clock.now()
    case.complete("decide_conclusive_grounds", cg_decision=decision, **answers)
    return decided


def test_support_goes_on_for_a_move_on_period_after_the_decision(drive, moving_clock):
    case = drive("NG")
    case.refer("adult")
    decided = _to_the_decision(case, moving_clock)
    tasks = case.open_tasks()
    assert {"help_person_move_on", "record_persons_plans"} <= set(tasks)  # neither waits for the other
    move_on = tasks["help_person_move_on"]
    assert move_on.candidate_group == "support-provider"
    assert move_on.due_at == decided + timedelta(days=14)  # the diagram's parameter
    assert case.waiting_timers()["move_on_period_over"] == decided + timedelta(days=14)
    case.complete("record_persons_plans", cooperating_with_police=True, wishes_to_return_home=False)
    case.complete("consider_discretionary_leave", dl_decision="granted")
    assert case.case().status == "active"  # the support provider has not sent the plan yet
    case.move_to(decided + timedelta(days=14, minutes=1))  # nor ever does: the period ends anyway
    final = case.case()
    assert final.status == "completed" and final.outcome == "Discretionary leave decided"
    assert {t.element_id: t.state for t in final.timers}["move_on_period_over"] == "fired"


def test_the_move_on_period_follows_a_negative_decision_too(drive, moving_clock):
    case = drive("AL")
    case.refer("adult")
    _to_the_decision(case, moving_clock, "negative", cg_reasons="Account inconsistent.")
    assert "help_person_move_on" not in case.open_tasks()  # reconsideration may still reopen it
    case.complete("decide_on_reconsideration", reconsideration_requested=False)
    assert set(case.open_tasks()) == {"help_person_move_on"}
    final = case.through_move_on(move_on_accommodation="other_support_service")
    assert final.status == "completed" and final.outcome == "Negative conclusive grounds decision"
    assert case.data()["move_on_accommodation"] == "other_support_service"


def test_a_childs_support_has_no_move_on_period(drive, moving_clock):
    case = drive("VN", adult=False)
    case.refer("child")
    _to_the_decision(case, moving_clock)
    assert "help_person_move_on" not in case.open_tasks()  # the local authority's duty goes on
    final = case.complete("record_persons_plans", wishes_to_return_home=False)
    assert "consider_discretionary_leave" in case.open_tasks()
    final = case.complete("consider_discretionary_leave", dl_decision="granted")
    assert final.status == "completed" and "move_on" not in case.data()


def test_the_move_on_period_length_is_a_diagram_parameter(drive, nrm, moving_clock):
    files = dict(read_bundle(BUNDLE).files)
    pathway = files["nrm_pathway.bpmn"]
    parameter = b'<spiffworkflow:parameter id="days" type="int" value="14" />'
    assert pathway.count(parameter) == 1
    files["nrm_pathway.bpmn"] = pathway.replace(parameter, parameter.replace(b"14", b"7"))
    assert nrm.deploy(Bundle(files), Actor("owen", frozenset({"process-owner"}))).created
    case = drive("NG")
    case.refer("adult")
    decided = _to_the_decision(case, moving_clock)
    assert case.open_tasks()["help_person_move_on"].due_at == decided + timedelta(days=7)


def test_the_support_providers_answers_outlive_the_period(drive, moving_clock):
    """The support branch ends before the period's timer does: its answers still reach the case
    (the move-on task's case file shows them) once the period is over."""
    case = drive("NG")
    _positive_rg(case)
    case.complete("arrange_support", support_provider="medaille_trust", support_needs="GP and counselling.")
    started = moving_clock.now()
    case.move_to(started + timedelta(days=30, minutes=1))
    case.complete("review_recovery_progress", extend_reflection=False, cooperating_with_police=False)
    case.move_to(case.waiting_timers()["reflection_period_over"] + timedelta(minutes=1))
    data = case.data()
    assert data["support_provider"] == "medaille_trust" and data["support_needs"] == "GP and counselling."
    case.complete("decide_conclusive_grounds", cg_decision="positive")
    task = case.open_tasks()["help_person_move_on"]
    shown = str(
        case._with_engine(lambda e: e.case_file(task.id, Actor("s", frozenset({"support-provider"}))))
    )
    assert "Medaille Trust" in shown and "GP and counselling." in shown
