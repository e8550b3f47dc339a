"""Returning home (issue 18 item 7), on the real diagrams: chosen during the reflection period,
embassy contact only for EEA nationals who want help, and a child's return not an AVRIM case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine import Actor
from tests.scenarios.driver import CaseDriver

PERIOD_TASKS = {"ask_for_extension", "ask_for_extension_after_review", "review_recovery_progress"}


def _positive_rg(case: CaseDriver, age_group: str = "adult") -> None:
    case.refer(age_group)
    case.complete("decide_reasonable_grounds", rg_decision="positive")


def test_the_person_may_choose_to_return_home_during_reflection(drive, moving_clock):
    case = drive("NG")
    _positive_rg(case)
    started = moving_clock.now()
    asking = case.open_tasks()["ask_to_return_home"]
    assert asking.candidate_group == "support-provider"
    case.move_to(started + timedelta(days=10))
    case.complete("ask_to_return_home", return_details="Wants to go back to her mother in Lagos.")
    tasks = case.open_tasks()
    assert not (PERIOD_TASKS | {"arrange_support", "decide_conclusive_grounds"}) & set(tasks)
    assert not case.waiting_timers()  # the period's review and end timers are cancelled
    assert case.data()["outcome_route"] == "avrim"
    assert tasks["arrange_voluntary_return"].candidate_group == "returns"
    case.complete("arrange_voluntary_return")
    final = case.complete("confirm_departure", departed=True)
    assert final.status == "completed" and final.outcome == "Assisted voluntary return closed"
    assert "cg_decision" not in case.data()  # no conclusive decision follows a return
    assert "help_person_move_on" not in {h.element_id for h in case.history()}


def test_the_return_home_task_closes_when_the_period_ends(drive, moving_clock):
    case = drive("NG")
    _positive_rg(case)
    assert "ask_to_return_home" in case.open_tasks()
    case.through_reflection()
    tasks = case.open_tasks()
    assert "decide_conclusive_grounds" in tasks and "ask_to_return_home" not in tasks


def test_an_eea_national_who_chooses_to_return_during_reflection_is_put_in_touch_with_their_embassy(drive):
    case = drive("PL")
    _positive_rg(case)
    case.complete("ask_to_return_home", return_details="Wants to go home to Gdansk next month.")
    assert case.data()["outcome_route"] == "embassy_contact"
    final = case.complete("contact_embassy")
    assert final.outcome == "Put in touch with embassy (EEA national)"


def test_embassy_contact_is_only_for_eea_nationals_who_want_help_to_return(drive):
    routes = {}
    for plans in (
        {"wishes_to_return_home": True, "wants_help_to_return": True},
        {"wishes_to_return_home": True, "wants_help_to_return": False},
        {"wishes_to_return_home": False},
    ):
        case = drive("PL")
        _positive_rg(case)
        case.through_reflection()
        case.complete("decide_conclusive_grounds", cg_decision="positive")
        case.complete("record_persons_plans", **plans)
        routes[tuple(plans.values())] = case.data()["outcome_route"]
        assert ("contact_embassy" in case.open_tasks()) == (
            routes[tuple(plans.values())] == "embassy_contact"
        )
    assert routes == {
        (True, True): "embassy_contact",
        (True, False): "no_immigration_action",
        (False,): "no_immigration_action",
    }


def test_a_child_who_wishes_to_return_home_is_not_an_avrim_case(drive):
    case = drive("VN", adult=False)
    _positive_rg(case, "child")
    case.through_reflection()
    case.complete("decide_conclusive_grounds", cg_decision="positive")
    case.complete("record_persons_plans", wishes_to_return_home=True, wants_help_to_return=True)
    assert case.data()["outcome_route"] == "childs_return"
    tasks = case.open_tasks()
    assert "arrange_voluntary_return" not in tasks
    assert tasks["assess_childs_return"].candidate_group == "local-authority"
    final = case.complete("assess_childs_return")
    assert final.status == "completed" and final.outcome == "Child's return assessed by the local authority"


def test_a_childs_return_chosen_during_reflection_goes_to_the_local_authority(drive):
    case = drive("VN", adult=False)
    _positive_rg(case, "child")
    assert case.open_tasks()["ask_to_return_home"].candidate_group == "local-authority"
    case.complete("ask_to_return_home", return_details="Asked to go back to his grandparents.")
    assert set(case.open_tasks()) == {"assess_childs_return"}


def test_returns_home_are_counted_in_the_statistics(drive):
    during, child = drive("NG"), drive("VN", adult=False)
    _positive_rg(during)
    during.complete("ask_to_return_home", return_details="Wants to go home now.")
    _positive_rg(child, "child")
    child.through_reflection()
    child.complete("decide_conclusive_grounds", cg_decision="positive")
    child.complete("record_persons_plans", wishes_to_return_home=True, wants_help_to_return=False)
    manager = Actor("mary", frozenset({"manager"}))
    figures, _ = during._with_engine(
        lambda e: e.statistics(
            manager, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC), fresh=True
        )
    )
    routes = next(f for f in figures if f.key == "outcome-routes")
    assert dict(map(tuple, routes.rows)) == {
        "Assisted voluntary return": 1,
        "A child's return, assessed by the local authority": 1,
    }
    assert "return home chosen during the reflection and recovery period: 1 case of these" in routes.note
