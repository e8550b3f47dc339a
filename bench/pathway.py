"""Benchmark 1: the full NRM pathway, in memory on plain SpiffWorkflow vs. through the engine.

Both run the same deployed diagrams, with the same sandbox and service tasks, on a moving clock:
adult referral -> positive RG -> 45-day reflection with day-30 review -> positive CG -> plans ->
discretionary leave granted, beside the move-on plan (11 user tasks, 3 timers). Through the engine
with personal data sealed (engine/crypto), and once more without, for the cost of encryption.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from random import Random

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import Actor, Engine, EngineConfig, MovableClock, clock
from engine.config import PROJECT_ROOT
from engine.crypto.sealing import in_clear_for_benchmark
from engine.deploy.bundle_parser import parse_bundle
from engine.persistence.models import Case
from engine.sandbox.script_engine import NrmScriptEngine
from engine.spec.bundle import read_bundle
from engine.spec.definition_files import DefinitionFiles
from engine.spec.services import ServiceContext, load_service_modules
from web.cli.demo_data import PEOPLE, form_payload

PERSON = next(p for p in PEOPLE if p.nationality == "NG")
CHOICES = {
    "age_group": "adult",
    "rg_decision": "positive",
    "cg_decision": "positive",
    "dl_decision": "granted",
}
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# tasks open while the case waits that nobody has to do (the support provider asking for more
# time): the benchmark's person never asks, so its case goes on when the period ends
OPTIONAL = ("ask_for_extension", "ask_to_return_home")


def answers(form: str) -> dict:
    data = form_payload(form, PERSON, Random(1))
    return {k: CHOICES.get(k, v) for k, v in data.items()}


@dataclass
class PathwayResult:
    name: str
    runs_per_second: list[float] = field(default_factory=list)
    state_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.runs_per_second)


def _rounds(name: str, run_once: Callable[[], None], runs: int, rounds: int, progress) -> PathwayResult:
    result = PathwayResult(name)
    run_once()  # warm up: specs parsed and cached, connections open
    for round_number in range(rounds):
        began = time.perf_counter()
        for _ in range(runs):
            run_once()
        result.runs_per_second.append(runs / (time.perf_counter() - began))
        progress(f"{name}: round {round_number + 1}/{rounds}: {result.runs_per_second[-1]:.1f} runs/s")
    return result


def in_memory(runs: int, rounds: int, progress) -> PathwayResult:
    """Plain SpiffWorkflow: parse once, run whole pathways in memory, nothing stored."""
    load_service_modules(["tasks"])
    bundle = read_bundle(PROJECT_ROOT / "bpmn")
    parsed = parse_bundle(bundle)
    files = DefinitionFiles(bundle.files)  # the letter templates and the diagrams' parameters
    movable = MovableClock(START)

    def run_once() -> None:
        movable.set(START)
        context = ServiceContext(now=START, case_key="NRM-2026-000001", data={}, definition=files)
        workflow = BpmnWorkflow(
            parsed.spec, dict(parsed.subprocess_specs), script_engine=NrmScriptEngine(context)
        )
        workflow.do_engine_steps()
        while not workflow.is_completed():
            ready = [
                t
                for t in workflow.get_tasks(state=TaskState.READY)
                if t.task_spec.manual and not t.task_spec.name.startswith(OPTIONAL)
            ]
            if ready:
                task = ready[0]
                task.data.update(answers(task.task_spec.extensions["properties"]["formJsonSchemaFilename"]))
                task.run()
            else:
                due = min(
                    TimerEventDefinition.get_datetime(t._get_internal_data("event_value"))
                    for t in workflow.event_manager.tasks.values()
                    if t.has_state(TaskState.WAITING)
                )
                movable.set(due + timedelta(seconds=1))
                workflow.refresh_timers()
            context.now = movable.now()
            workflow.do_engine_steps()

    previous = clock.use(movable)
    try:
        return _rounds("SpiffWorkflow in memory", run_once, runs, rounds, progress)
    finally:
        clock.use(previous)


def through_engine(
    name: str, database_url: str, runs: int, rounds: int, progress, sealed: bool = True
) -> PathwayResult:
    """The engine API: every task completion and timer firing is a transaction on the database;
    without `sealed`, nothing is encrypted (only to measure what encryption costs)."""
    movable = MovableClock(START)
    previous = clock.use(movable)
    engine = Engine(EngineConfig(database_url=database_url, service_modules=["tasks"]))
    engine.migrate()
    engine.deploy(PROJECT_ROOT / "bpmn")
    actor = Actor("bench", is_superuser=True)
    sizes: dict[str, int] = {}

    def run_once() -> None:
        movable.set(START)
        case = engine.start_case("nrm_pathway", actor=actor)
        while case.status == "active":
            waiting = [t for t in case.open_tasks if not t.element_id.startswith(OPTIONAL)]
            if waiting:
                task = waiting[0]
                case = engine.complete_task(task.id, answers(task.form), actor)
            else:
                due = min(t.due_at for t in case.timers if t.state == "waiting")
                movable.set(due + timedelta(seconds=1))
                engine.fire_due_timers()
                case = engine.case(case.key)
            if not sizes.get(case.current_step or case.outcome or ""):
                sizes[case.current_step or case.outcome or ""] = _state_bytes(engine, case.key)

    try:
        with nullcontext() if sealed else in_clear_for_benchmark():
            result = _rounds(name, run_once, runs, rounds, progress)
        result.state_bytes = sizes
        return result
    finally:
        clock.use(previous)
        engine.db.dispose()


def _state_bytes(engine: Engine, key: str) -> int:
    with engine.db.reading() as session:
        return len(session.scalar(select(Case.state).where(Case.business_key == key)))
