"""Rules of the reflection and recovery period (issue 18 item 12), on the real diagrams."""

from __future__ import annotations

from tests.scenarios.driver import CaseDriver


def _positive_rg(case: CaseDriver) -> None:
    case.refer("adult")
    case.complete("decide_reasonable_grounds", rg_decision="positive")


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
    final = case.complete(
        "consider_discretionary_leave", dl_decision="granted", dl_grounds=["cooperating_with_police"]
    )
    assert final.outcome == "Discretionary leave decided"


def _immigration():
    from engine import Actor

    return Actor("user-immigration", frozenset({"immigration"}))
