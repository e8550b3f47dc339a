"""What a case stores: its running tree only, compressed; a finished sub-process leaves only the
ids of what it completed, so the case page still draws it as done."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from engine.crypto.sealing import unseal
from engine.persistence.models import Case
from engine.reporting.diagram_state import element_states
from engine.runtime.step import Step
from engine.spec.serialization import state_dict
from engine.views import SYSTEM

STATE_LIMIT = 4096  # issue 7: the instance state under 4 KB at every wait state


def _stored(drive_case) -> tuple[int, dict, dict]:
    engine = drive_case.engine()
    try:
        with engine.db.reading() as session:
            case = session.scalar(select(Case).where(Case.business_key == drive_case.key))
            definition = engine.definitions.get(session, case.definition_id)
            workflow = Step(session, definition, case, SYSTEM, "england-and-wales").load_workflow()
            return (
                len(case.state),
                state_dict(unseal(case.data_key, case.id, "state", case.state)),
                element_states(workflow),
            )
    finally:
        engine.db.dispose()


def test_a_finished_sub_process_is_dropped_but_still_drawn_as_done(drive):
    case = drive("NG")
    case.refer("adult")
    size, state, states = _stored(case)
    running = {sub["spec"] for sub in state["subprocesses"].values()}
    assert running == {"nrm_reasonable_grounds"}  # the adult referral is finished and gone
    assert "complete_adult_referral" in state["finished"]["nrm_adult_referral"]
    assert states["nrm_adult_referral"]["complete_adult_referral"] == "completed"
    assert states["nrm_pathway"]["refer_adult"] == "completed"
    assert states["nrm_reasonable_grounds"]["decide_reasonable_grounds"] == "active"
    assert size < STATE_LIMIT


def test_the_state_stays_under_4_kb_at_every_wait_state_of_the_pathway(drive):
    case = drive("NG")
    sizes = []
    case.refer("adult")
    sizes.append(_stored(case)[0])
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    sizes.append(_stored(case)[0])
    case.through_reflection()
    sizes.append(_stored(case)[0])
    case.complete("decide_conclusive_grounds", cg_decision="positive")
    case.complete("record_persons_plans", cooperating_with_police=True, wishes_to_return_home=False)
    sizes.append(_stored(case)[0])
    case.complete("consider_discretionary_leave", dl_decision="granted")
    sizes.append(_stored(case)[0])  # waiting for the end of the move-on period
    final = case.through_move_on()
    assert final.status == "completed"
    size, state, states = _stored(case)
    assert state["subprocesses"] == {}
    assert states["nrm_discretionary_leave"]  # every finished part is still drawn
    assert states["nrm_reflection_recovery"]["reflection_period_over"] == "completed"
    assert case.data()["dl_decision"] == "granted"  # the final data survives the pruning
    assert max([*sizes, size]) < STATE_LIMIT, sizes


INTERRUPTED_CALL = Path(__file__).resolve().parents[1] / "fixtures" / "interrupted_call"


def test_a_sub_process_cancelled_by_an_interrupting_boundary_event_is_dropped(engine, moving_clock):
    """Its call activity is cancelled, never completed: nothing runs in it again, so it goes too
    (each such cancellation used to stay in the state for good)."""
    engine.deploy(INTERRUPTED_CALL)
    case = engine.start_case("interrupted_call")
    assert [t.element_id for t in case.open_tasks] == ["send_reply"]
    moving_clock.set(moving_clock.now() + timedelta(days=1, minutes=1))
    assert engine.fire_due_timers() == 1
    case = engine.case(case.key)
    assert [t.element_id for t in case.open_tasks] == ["chase_reply"]
    with engine.db.reading() as session:
        row = session.scalar(select(Case).where(Case.business_key == case.key))
        state = state_dict(unseal(row.data_key, row.id, "state", row.state))
    assert state["subprocesses"] == {}
    assert "send_reply" not in state["finished"].get("reply_process", [])  # cancelled, not done
    after = engine.complete_task(case.open_tasks[0].id, {"reply": "chased by phone"})
    assert after.status == "completed"
    assert after.outcome == "Chased"
