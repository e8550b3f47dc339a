"""Workflows kept between steps (engine/runtime/workflow_cache.py): the same results as restoring the
stored state every time, never used once the case has changed elsewhere, never kept after a
failed step."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from random import Random

from sqlalchemy import select

from engine import Actor, Engine, EngineConfig
from engine.persistence.models import Case
from engine.runtime.step_writes import KnownRows
from engine.runtime.workflow_cache import CachedWorkflow, WorkflowCache
from tests.conftest import MINI
from tests.timers.test_scheduler import FLAKY_FAILURES
from web.cli.demo_data import PEOPLE, form_payload

ADMIN = Actor("admin", is_superuser=True)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REFERRED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHOICES = {"age_group": "adult", "rg_decision": "positive", "cg_decision": "positive"}


def _engine(url: str, cache_size: int | None = None) -> Engine:
    built = Engine(EngineConfig(database_url=url, service_modules=["tasks"]))
    if cache_size is not None:
        built.workflows = built.timer_firing.workflows = WorkflowCache(cache_size)
    return built


def _answers(form: str) -> dict:
    data = form_payload(form, PEOPLE[0], Random(7))
    return {k: CHOICES.get(k, v) for k, v in data.items()}


def _whole_pathway(engine: Engine, clock) -> list:
    """Every wait state of one case from referral to its end, without ids or the case key."""
    clock.set(REFERRED)
    case = engine.start_case("nrm_pathway", actor=ADMIN)
    seen = []
    while case.status == "active":
        seen.append(
            (
                sorted((t.element_id, t.candidate_group, t.due_at) for t in case.open_tasks),
                sorted((t.element_id, t.due_at, t.state) for t in case.timers),
                case.current_step,
            )
        )
        # the support provider may ask for more time whenever they like: this case never does
        waiting = [t for t in case.open_tasks if not t.element_id.startswith("ask_for_extension")]
        if waiting:
            task = waiting[0]
            case = engine.complete_task(task.id, _answers(task.form), ADMIN)
        else:
            clock.set(min(t.due_at for t in case.timers if t.state == "waiting") + timedelta(seconds=1))
            engine.fire_due_timers()
            case = engine.case(case.key)
    seen.append((case.status, case.outcome))
    seen.append([(h.action, h.element_id) for h in engine.history(case.key)])
    data = json.dumps(engine.case_data(case.key), default=str).replace(case.key, "KEY")
    seen.append(json.loads(UUID.sub("ID", data)))  # documents' ids are random
    return seen


def test_a_case_run_with_kept_workflows_ends_exactly_as_one_restored_at_every_step(nrm, moving_clock):
    kept, restored = _engine(nrm.config.database_url), _engine(nrm.config.database_url, cache_size=0)
    with_cache = _whole_pathway(kept, moving_clock)
    assert with_cache == _whole_pathway(restored, moving_clock)
    steps = len(with_cache) - 3  # a step from each wait state; then the end, history and data
    assert kept.workflows.hits == steps and kept.workflows.misses == 0
    assert restored.workflows.hits == 0


def test_a_workflow_kept_in_one_process_is_not_used_after_another_changed_the_case(mini, moving_clock):
    here, elsewhere = mini, _engine(mini.config.database_url)
    case = here.start_case("mini_process")  # kept here at the case's new version
    elsewhere.complete_task(case.open_tasks[0].id, {"name": "Ann", "team": "a"})
    moving_clock.move(timedelta(days=2, seconds=1))
    misses = here.workflows.misses
    assert here.fire_due_timers() == 1  # a stale workflow would not even have the timer waiting
    assert here.workflows.misses == misses + 1
    assert [t.element_id for t in here.case(case.key).open_tasks] == ["confirm"]
    assert here.case_data(case.key)["name"] == "Ann"


def test_a_step_that_fails_keeps_nothing_and_the_next_attempt_restores_the_stored_state(engine, moving_clock):
    engine.deploy(MINI.parent / "flaky_timer")
    FLAKY_FAILURES["left"] = 1
    key = engine.start_case("flaky_timer", {"due": moving_clock.now().isoformat()}).key
    case_id = _case_id(engine, key)
    assert case_id in engine.workflows  # kept by the start
    moving_clock.move(timedelta(seconds=1))
    engine.fire_due_timers()  # the service fails: the half-run workflow must not be kept
    assert case_id not in engine.workflows
    moving_clock.move(timedelta(minutes=5))
    assert engine.fire_due_timers() == 1
    assert [t.element_id for t in engine.case(key).open_tasks] == ["after_timer"]
    actions = [h.action for h in engine.history(key)]
    assert actions.count("timer_fired") == 1 and actions.count("timer_failed") == 1


def test_script_results_are_shaped_as_stored_so_kept_and_restored_cases_decide_alike(
    engine, moving_clock, tmp_path
):
    bundle = tmp_path / "mini"
    shutil.copytree(MINI, bundle)
    diagram = bundle / "mini.bpmn"
    text = diagram.read_text()
    text = text.replace(
        "<bpmn:script>greeting = 'hello ' + name</bpmn:script>",
        "<bpmn:script>greeting = 'hello ' + name\npair = (1, 2)\nby_number = {1: 'x'}</bpmn:script>",
    )
    diagram.write_text(
        text.replace(
            "ok == True</bpmn:conditionExpression>",
            "ok == True and pair == [1, 2]</bpmn:conditionExpression>",
        )
    )
    engine.deploy(bundle)

    def outcome(cache_size: int) -> tuple:
        engine.workflows = engine.timer_firing.workflows = WorkflowCache(cache_size)
        case = engine.start_case("mini_process")
        case = engine.complete_task(case.open_tasks[0].id, {"name": "Ann", "team": "a"})
        moving_clock.move(timedelta(days=2, seconds=1))
        engine.fire_due_timers()
        case = engine.complete_task(engine.case(case.key).open_tasks[0].id, {"ok": True})
        return case.outcome, engine.case_data(case.key)["by_number"]

    assert outcome(500) == outcome(0) == ("Confirmed", {"1": "x"})
    assert engine.workflows.hits == 0  # the second run had no cache


def test_retrying_an_incident_changes_the_case_version(engine, moving_clock):
    engine.deploy(MINI.parent / "flaky_timer")
    FLAKY_FAILURES["left"] = 10
    key = engine.start_case("flaky_timer", {"due": moving_clock.now().isoformat()}).key
    for _ in range(engine.config.timer_max_attempts):
        moving_clock.move(timedelta(hours=1))
        engine.fire_due_timers()
    case = engine.case(key)
    assert case.incidents, "the timer should have become an incident"
    failed_version = case.version
    FLAKY_FAILURES["left"] = 0
    assert engine.retry_incident(case.incidents[0].id, ADMIN).version == failed_version + 1
    assert engine.fire_due_timers() == 1
    assert [t.element_id for t in engine.case(key).open_tasks] == ["after_timer"]


def test_the_cache_holds_at_most_its_size_dropping_the_least_recently_used():
    cache = WorkflowCache(2)

    def entry(version: int) -> CachedWorkflow:
        return CachedWorkflow(version, 1, b"state", object(), KnownRows(), set())

    cache.keep(1, entry(5))
    cache.keep(2, entry(5))
    cache.keep(1, entry(6))  # case 1 used again: case 2 is now the oldest
    cache.keep(3, entry(5))
    assert len(cache) == 2 and cache.take(2, 5, 1, b"state") is None
    assert cache.take(1, 5, 1, b"state") is None  # read before the entry was kept: it stays
    assert cache.take(1, 6, 1, b"other") is None  # same version, other content: dropped
    assert 1 not in cache
    assert cache.take(3, 5, 2, b"state") is None  # another definition version (a migrated case)
    cache.keep(3, entry(5))
    assert cache.take(3, 5, 1, b"state").version == 5 and 3 not in cache
    off = WorkflowCache(0)
    off.keep(1, entry(1))
    assert len(off) == 0


def test_the_cache_size_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("NRM_WORKFLOW_CACHE", "0")
    assert WorkflowCache.from_environment().size == 0
    monkeypatch.delenv("NRM_WORKFLOW_CACHE")
    assert WorkflowCache.from_environment().size == 500


def _case_id(engine: Engine, key: str) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(Case.id).where(Case.business_key == key))
