"""Code that is harmless or hostile by the case's data, in every place code can sit: when a
person's answers make it hostile, the step stops within the budget with a clear error naming the
element, nothing of the step is written, the case gets an incident for managers, and the same
worker completes the same task with ordinary answers straight after."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from engine import SYSTEM
from engine.errors import CodeBudgetExceeded, SandboxViolation, ScriptError
from engine.persistence.models import Case, DefinitionVersion, Incident
from engine.spec.bundle import Bundle
from tests.conftest import DATABASES, make_engine
from tests.sandbox.conftest import WITHIN
from tests.sandbox.corpus import FINE, RUNTIME, RUNTIME_KINDS, RUNTIME_SCRIPT
from tests.sandbox.places import PLACES, bundle

SCRIPT_PLACES = ("script", "preScript", "postScript")
pytestmark = pytest.mark.parametrize("database_url", [DATABASES[0]], indirect=True)


def _code(place: str) -> str:
    if place in SCRIPT_PLACES:
        return RUNTIME_SCRIPT.format(fine="1")
    return RUNTIME.format(fine=FINE[place])


def _input_task(engine, key: str):
    return next(t for t in engine.tasks(case_key=key) if t.element_id == "give_input")


@pytest.mark.parametrize("place", PLACES)
def test_hostile_answers_stop_the_step_and_open_an_incident(engine, place):
    engine.deploy(bundle(place, [_code(place)]))
    kinds = dict(RUNTIME_KINDS)
    if place not in (*SCRIPT_PLACES, "dmn output cell"):
        del kinds["unstorable"]  # a value used, never stored (a condition may be a set, say)
    if place in SCRIPT_PLACES:
        kinds["loop"] = ({"kind": "fine", "n": 1, "keep_going": True}, "processor time")
    for kind, (answers, expected) in kinds.items():
        case = engine.start_case("hostile", {})
        task = _input_task(engine, case.key)
        before = engine.case(case.key)
        started = time.monotonic()
        with pytest.raises(ScriptError) as stopped:
            engine.complete_task(task.id, {"keep_going": False, **answers}, SYSTEM)
        assert time.monotonic() - started < WITHIN, kind
        assert expected in str(stopped.value), (kind, str(stopped.value))
        element = "code_0_cycle" if place == "timeCycle" else "code_0"  # the boundary event
        assert element in str(stopped.value) and stopped.value.element_id == element
        after = engine.case(case.key)
        assert [t.id for t in after.open_tasks] == [task.id]  # nothing of the step was written
        assert after.current_step == before.current_step
        assert not [h for h in engine.history(case.key) if h.action == "task_completed"]
        with engine.db.reading() as session:
            incident = session.scalars(
                select(Incident).where(Incident.case_id == _case_id(engine, case.key))
            ).one()
        assert (incident.kind, incident.element_id, incident.resolved_at) == ("script", element, None)
        assert incident.message.startswith("nrm1:")  # sealed: an error may quote the answers
        (shown,) = [i for i in engine.incidents() if i.case_key == case.key]
        assert expected in shown.message  # as managers read it
        assert [i.element_id for i in after.incidents] == [element]

    case = engine.start_case("hostile", {})  # the same worker, ordinary answers: the case moves on
    moved = engine.complete_task(
        _input_task(engine, case.key).id, {"kind": "fine", "n": 2, "keep_going": False}
    )
    assert moved.open_tasks or moved.timers
    assert all(t.element_id != "give_input" for t in moved.open_tasks)


def _case_id(engine, key: str) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(Case.id).where(Case.business_key == key))


def test_code_refused_by_todays_rules_in_an_older_version_opens_an_incident(engine):
    """A version deployed before a rule was added still runs: its code is refused when reached."""
    engine.deploy(bundle("script", ["x = n"]))
    with engine.db.writing() as session:
        version = session.scalars(select(DefinitionVersion)).one()
        version.spec_json = version.spec_json.replace("x = n", "x = __import__('os')")
    older = make_engine(engine.config.database_url)  # restores the changed spec
    case = older.start_case("hostile", {})
    with pytest.raises(SandboxViolation) as refused:
        older.complete_task(_input_task(older, case.key).id, {"n": 1})
    assert refused.value.element_id == "code_0" and "'__import__' is not allowed" in str(refused.value)
    assert [i.element_id for i in older.case(case.key).incidents] == ["code_0"]
    older.db.dispose()


def _each_item(engine) -> None:
    """The script at code_0 runs once for each item of the case's `items`, all at once."""
    hostile = bundle("script", ["done = item"])
    xml = hostile.files["hostile.bpmn"].decode()
    start = xml.index('<bpmn:scriptTask id="code_0"')
    at = xml.index("<bpmn:script>", start)
    each = (
        "<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>items</bpmn:loopDataInputRef>"
        '<bpmn:inputDataItem id="item" name="item" /></bpmn:multiInstanceLoopCharacteristics>'
    )
    engine.deploy(Bundle({**hostile.files, "hostile.bpmn": (xml[:at] + each + xml[at:]).encode()}))


def test_a_parallel_multi_instance_over_a_long_list_stops_before_making_its_tasks(engine):
    _each_item(engine)
    case = engine.start_case("hostile", {"items": list(range(100_000))})
    started = time.monotonic()
    with pytest.raises(CodeBudgetExceeded) as stopped:
        engine.complete_task(_input_task(engine, case.key).id, {"n": 1})
    assert time.monotonic() - started < WITHIN
    assert stopped.value.element_id == "code_0" and "from 0 to 100" in str(stopped.value)
    assert [i.element_id for i in engine.case(case.key).incidents] == ["code_0"]
    short = engine.start_case("hostile", {"items": [1, 2, 3]})
    moved = engine.complete_task(_input_task(engine, short.key).id, {"n": 1})
    assert [t.element_id for t in moved.open_tasks] == ["after"]
