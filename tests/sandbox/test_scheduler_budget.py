"""A real `nrm scheduler` with a case whose timer leads to code that never ends, beside 100
ordinary timers due at the same moment: the ordinary ones fire on time, the bad one becomes an
incident at once, and SIGTERM stops the scheduler within 10 s, even while the code is running.

"On time" here: no later than one piece of code's budget (its wait, 2.1 s for the default 1 s of
processor time) plus two polls after its due time. A scheduler fires a burst in one thread, so
code that uses its whole budget delays the timers behind it in the batch by that much, and no
more; docs/sandbox.md says so.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import Clock, Engine, EngineConfig, IncidentView, MovableClock, clock
from engine.persistence.models import AuditEvent, Timer, TimerState
from engine.sandbox.runner import CodeBudget
from engine.spec.bundle import Bundle
from tests.conftest import ROOT
from tests.processes import children, command, running
from tests.sandbox.drawing import draw
from tests.timers.conftest import FIXTURES, eventually, fired_count

ORDINARY = 100
POLL_SECONDS = 0.5
BUDGET = CodeBudget()  # the default: 1 s of processor time
DONE_FORM = {"type": "object", "title": "Done", "additionalProperties": False, "properties": {}}


def _endless_timer(code: str) -> Bundle:
    """start → a timer at `due` → a script running `code` → a user task → end."""
    process = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="endless_definitions"
    targetNamespace="http://example.org/endless">
  <bpmn:process id="endless_timer" name="A timer, then code that never ends" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane_ca" name="Competent authority UKBA">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>wait</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>endless</bpmn:flowNodeRef><bpmn:flowNodeRef>after</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait" name="Due">
      <bpmn:timerEventDefinition id="wait_timer">
        <bpmn:timeDate>due</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="endless" />
    <bpmn:scriptTask id="endless" name="Never ends"><bpmn:script>{code}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="endless" targetRef="after" />
    <bpmn:userTask id="after" name="After"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="done.json" />
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f4" sourceRef="after" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>"""
    return Bundle({"endless.bpmn": draw(process.encode()), "forms/done.json": json.dumps(DONE_FORM).encode()})


PYTHON_LOOP = "x = 0\nwhile keep_going:\n    x += 1"  # stopped by the child's own timer
ONE_LONG_C_CALL = "x = sum(range(n))"  # does not see a signal: the child is killed


@pytest.fixture
def cases(tmp_path):
    """An engine on a SQLite file, with the two processes deployed; cases are started on an engine
    clock an hour behind real time, so that none is due before the scheduler starts."""
    url = f"sqlite:///{tmp_path / 'nrm.sqlite3'}"
    previous = clock.use(MovableClock(Clock().now() - timedelta(hours=1)))
    engine = Engine(EngineConfig(database_url=url, service_modules=["tasks"]))
    engine.migrate()
    engine.deploy(FIXTURES / "quick_timer")
    engine.deploy(_endless_timer(PYTHON_LOOP))
    yield engine
    engine.db.dispose()
    clock.use(previous)


def _scheduler(engine: Engine, log, **env: str) -> subprocess.Popen:
    settings = dict(
        os.environ,
        NRM_DATABASE_URL=engine.config.database_url,
        NRM_SCHEDULER_POLL_SECONDS=str(POLL_SECONDS),
        NRM_TIMER_LEASE_SECONDS="60",
        **env,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "web.cli", "scheduler", "--node", "budget"],
        cwd=ROOT,
        env=settings,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _stops_within(process: subprocess.Popen, seconds: float) -> float:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail(f"the scheduler did not stop within {seconds} s of SIGTERM")
    return time.monotonic() - started


def _incidents(engine: Engine) -> list[IncidentView]:
    return engine.incidents()  # their messages unsealed, as managers read them


def test_an_endless_script_does_not_hold_up_100_ordinary_timers(cases, tmp_path):
    due = Clock().now() + timedelta(seconds=4)
    for _ in range(ORDINARY):
        cases.start_case("quick_timer", {"due": due.isoformat()})
    bad = cases.start_case("endless_timer", {"due": due.isoformat(), "keep_going": True})
    scheduler = _scheduler(cases, tmp_path / "scheduler.log")
    try:
        assert eventually(lambda: fired_count(cases) == ORDINARY and _incidents(cases), timeout=90), (
            tmp_path / "scheduler.log"
        ).read_text()
        assert scheduler.poll() is None, "the scheduler is still running"
    finally:
        stopped_in = _stops_within(scheduler, 10)
    assert stopped_in < 10
    with cases.db.reading() as session:
        fired_at = list(session.scalars(select(AuditEvent.at).where(AuditEvent.action == "timer_fired")))
        failed = list(session.scalars(select(Timer.element_id).where(Timer.state == TimerState.FAILED)))
    late = max(at - due for at in fired_at)
    assert late < timedelta(seconds=BUDGET.wall_seconds + 2 * POLL_SECONDS + 1), late
    (incident,) = _incidents(cases)
    assert incident.element_id == "endless" and incident.attempts == 1  # at once: no retries
    assert "processor time" in incident.message
    assert failed == ["wait"]
    assert cases.case(bad.key).incidents[0].element_id == "endless"


def test_sigterm_stops_the_scheduler_while_code_runs_in_c(cases, tmp_path):
    cases.deploy(_endless_timer(ONE_LONG_C_CALL))
    due = Clock().now() + timedelta(seconds=2)
    cases.start_case("endless_timer", {"due": due.isoformat(), "n": 10**15})
    # A long budget, so that the code is still running when the signal comes.
    scheduler = _scheduler(cases, tmp_path / "scheduler.log", NRM_CODE_CPU_SECONDS="30")
    try:  # the timer is claimed and its code is running in the scheduler's child process
        assert eventually(lambda: _claimed(cases) and _code_runner(scheduler.pid), timeout=30)
        runner = _code_runner(scheduler.pid)
        assert scheduler.poll() is None
    finally:
        stopped_in = _stops_within(scheduler, 10)
    assert stopped_in < 10
    assert not _incidents(cases), "being stopped is not the diagram's fault"
    log = (tmp_path / "scheduler.log").read_text()
    assert "stopping without it" in log, log
    assert eventually(lambda: not running(runner), timeout=5), "the code's process was left running"


def _claimed(engine: Engine) -> bool:
    with engine.db.reading() as session:
        return bool(session.scalar(select(Timer.id).where(Timer.claimed_by.is_not(None))))


def _code_runner(parent: int) -> int | None:
    """The scheduler's child process running diagram code, if it has one."""
    return next((pid for pid in children(parent) if "engine/sandbox/child.py" in command(pid)), None)
