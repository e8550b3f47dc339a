"""The production set-up under load, with kill -9: `nrm serve` (gunicorn workers and two schedulers)
on PostgreSQL, API clients completing tasks while a burst of timers fires; one web worker and one
scheduler are killed mid-way. Afterwards: every completion a client saw acknowledged is in the
audit trail once, no task was completed twice, every timer fired exactly once, and every case's
open-task and timer rows match its workflow state."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from random import Random

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import Actor, Clock, Engine, EngineConfig, MovableClock, clock
from engine.persistence.models import AuditEvent, Case, OpenTask, Timer, TimerState
from engine.runtime.step import Step
from engine.views import SYSTEM
from tests import processes
from tests.conftest import BUNDLE, DATABASES, ROOT
from tests.timers.conftest import FIXTURES, eventually
from web.cli.demo_data import PEOPLE, form_payload

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("database_url", [DATABASES[1]], indirect=True)]
CASES = 60  # worked through the API, five completions each
TIMERS = 1000  # due together as the set-up starts, while the clients work
CLIENTS = 6
POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
ANSWERS = {"age_group": "adult", "rg_decision": "positive"}


@pytest.fixture
def loaded(database_url):
    """Referred cases for the clients, a token, and TIMERS cases whose timers are due by the time
    `nrm serve` starts (made on an engine clock an hour behind real time, so none is due early)."""
    real_now = Clock().now()
    previous = clock.use(MovableClock(real_now - timedelta(hours=1)))
    engine = Engine(EngineConfig(database_url=database_url, service_modules=["tasks"]))
    engine.migrate()
    engine.deploy(BUNDLE)
    engine.deploy(FIXTURES / "quick_timer")
    groups = ["first-responder", "competent-authority-ukba", "support-provider"]
    engine.users.add("api-bot", "api-bot-password-1", groups, display_name="Bot", agency="police")
    _view, secret = engine.tokens.issue("api-bot", "fault test")
    first = [engine.start_case("nrm_pathway", actor=POLICE).open_tasks[0] for _ in range(CASES)]
    due = (real_now + timedelta(seconds=1)).isoformat()
    for _ in range(TIMERS):
        engine.start_case("quick_timer", {"due": due})
    clock.use(Clock())
    yield engine, secret, [(t.id, t.form) for t in first]
    engine.db.dispose()
    clock.use(previous)


class Client(threading.Thread):
    """Completes each case's tasks in turn; a request cut off by the kill is sent again."""

    def __init__(self, port: int, secret: str, work: list, log: list, lock: threading.Lock):
        super().__init__()
        self.port, self.secret, self.work, self.log, self.lock = port, secret, work, log, lock

    def run(self) -> None:
        rng = Random(self.name)
        while True:
            with self.lock:
                if not self.work:
                    return
                task = self.work.pop()
            for _ in range(5):
                data = {k: ANSWERS.get(k, v) for k, v in form_payload(task[1], PEOPLE[0], rng).items()}
                following = self._complete(task[0], data)
                if not following:
                    break
                task = (following[0]["id"], following[0]["form"])

    def _complete(self, task_id: str, data: dict) -> list:
        for _attempt in range(20):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                connection.request(
                    "POST",
                    f"/api/v1/tasks/{task_id}/complete",
                    json.dumps({"data": data}),
                    {"Authorization": f"Bearer {self.secret}", "Content-Type": "application/json"},
                )
                response = connection.getresponse()
                body = json.loads(response.read() or b"{}")
            except (OSError, http.client.HTTPException):
                self.log.append(("lost", task_id))  # no answer: the worker died; send it again
                time.sleep(0.2)
                continue
            if response.status == 200:
                self.log.append(("acknowledged", task_id))
                return body["next_tasks"]
            if response.status == 409 and body.get("completed_by") == "api-bot":
                self.log.append(("already", task_id))  # the lost attempt had committed
                return []
            if response.status >= 500:  # gunicorn's answer for a killed worker
                self.log.append(("lost", task_id))
                time.sleep(0.2)
                continue
            raise AssertionError(f"{task_id}: {response.status} {body}")
        raise AssertionError(f"{task_id} never completed")


def _serve(database_url: str, port: int, log) -> subprocess.Popen:
    env = dict(
        os.environ,
        NRM_DATABASE_URL=database_url,
        NRM_SECRET_KEY="fault-test",
        NRM_TIMER_LEASE_SECONDS="3",
        NRM_SCHEDULER_POLL_SECONDS="0.5",
    )
    command = [sys.executable, "-m", "web.cli", "serve", "--workers", "3", "--schedulers", "2"]
    return subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _consistent(engine: Engine) -> list[str]:
    """Cases whose open-task or waiting-timer rows differ from their workflow state."""
    wrong = []
    with engine.db.reading() as session:
        for case in session.scalars(select(Case)):
            definition = engine.definitions.get(session, case.definition_id)
            workflow = Step(session, definition, case, SYSTEM, "england-and-wales").load_workflow()
            ready = {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
            waiting = {
                str(t.id)
                for t in workflow.get_tasks(state=TaskState.WAITING)
                if isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition)
            }
            rows = set(session.scalars(select(OpenTask.id).where(OpenTask.case_id == case.id)))
            timers = set(
                session.scalars(
                    select(Timer.id).where(Timer.case_id == case.id, Timer.state == TimerState.WAITING)
                )
            )
            if rows != ready or timers != waiting:
                wrong.append(f"{case.business_key}: tasks {rows ^ ready}, timers {timers ^ waiting}")
    return wrong


def test_killing_a_web_worker_and_a_scheduler_under_load_loses_and_repeats_nothing(
    loaded, database_url, tmp_path
):
    engine, secret, first = loaded
    port = processes.free_port()
    serve = _serve(database_url, port, (tmp_path / "serve.log").open("w"))
    log: list[tuple[str, str]] = []
    try:
        started = eventually(lambda: len(processes.children(serve.pid)) >= 3, timeout=60)
        assert started, "nrm serve did not start"

        def answers() -> bool:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/sign-in")
                return connection.getresponse().status == 200
            except OSError:
                return False

        assert eventually(answers, timeout=60), (tmp_path / "serve.log").read_text()[-2000:]
        lock = threading.Lock()
        clients = [Client(port, secret, list(first[n::CLIENTS]), log, lock) for n in range(CLIENTS)]
        for client in clients:
            client.start()
        children = processes.children(serve.pid)
        gunicorn = next(pid for pid in children if "gunicorn" in processes.command(pid))
        schedulers = [pid for pid in children if "scheduler" in processes.command(pid)]
        fired = lambda: _count(engine, "timer_fired")  # noqa: E731
        assert eventually(lambda: fired() >= 30, timeout=120), fired()
        os.kill(schedulers[0], signal.SIGKILL)  # a scheduler, mid-burst
        killed_at = fired()
        assert eventually(lambda: sum(1 for kind, _ in log if kind == "acknowledged") >= 40, timeout=120)
        for worker in processes.children(gunicorn):  # every web worker at once, so some request is cut off
            os.kill(worker, signal.SIGKILL)
        for client in clients:
            client.join(timeout=300)
        assert eventually(lambda: fired() == TIMERS, timeout=120), fired()
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
    assert killed_at < TIMERS, "the burst drained before the kill; the test proved nothing"
    acknowledged = {task for kind, task in log if kind in ("acknowledged", "already")}
    with engine.db.reading() as session:
        completions = Counter(
            session.scalars(select(AuditEvent.task_id).where(AuditEvent.action == "task_completed"))
        )
        fired_per_timer = Counter(
            session.scalars(select(AuditEvent.task_id).where(AuditEvent.action == "timer_fired"))
        )
        left = session.scalar(
            select(Timer.id).where(Timer.state == TimerState.WAITING, Timer.element_id == "wait_until_due")
        )
    assert acknowledged <= set(completions), "an acknowledged completion is missing"
    assert max(completions.values()) == 1, "a task was completed twice"
    assert len(fired_per_timer) == TIMERS and set(fired_per_timer.values()) == {1}
    assert left is None
    assert _consistent(engine) == []


def _count(engine: Engine, action: str) -> int:
    with engine.db.reading() as session:
        return len(session.scalars(select(AuditEvent.id).where(AuditEvent.action == action)).all())
