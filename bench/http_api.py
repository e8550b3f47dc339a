"""Benchmark 2: completing tasks through the JSON API against the production set-up on this machine.

`nrm serve` (gunicorn's workers and its timer schedulers, one per core) on a fresh PostgreSQL
database; cases are referred in bulk beforehand through the engine. Then 8 client threads, each with its own
keep-alive connection, take cases from a shared queue and complete their tasks one after another
through `POST /api/v1/tasks/<id>/complete`, as an agency's system would: choose the referral form,
consent, the referral form, the reasonable grounds decision, and support arranged. Each request
is timed at the client; throughput is a round's completions over its wall time, and the report
gives the medians of three rounds on one server.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from random import Random

from engine import Actor, Engine, EngineConfig
from engine.config import PROJECT_ROOT
from web.cli.demo_data import PEOPLE, form_payload
from web.cli.serve import default_workers

CLIENTS = 8
WORKERS = int(os.environ.get("BENCH_WORKERS", default_workers()))  # as `nrm serve` starts them
THREADS = int(os.environ.get("BENCH_THREADS", 1))
POLICE = Actor("bench-fr", frozenset({"first-responder"}), agency="police")
ANSWERS = {"age_group": "adult", "rg_decision": "positive"}
STEPS_PER_CASE = 5


@dataclass
class HttpRound:
    completions: int
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def per_second(self) -> float:
        return self.completions / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass
class HttpResult:
    """Rounds of the same load on one running set-up; the report gives their medians (the machine
    is shared and noisy: one round's tail can be another process's burst)."""

    clients: int
    workers: int
    threads: int
    rounds: list[HttpRound]

    @property
    def completions(self) -> int:
        return sum(r.completions for r in self.rounds)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rounds)

    @property
    def per_second(self) -> float:
        return statistics.median(r.per_second for r in self.rounds)

    def percentile(self, p: float) -> float:
        """The median over the rounds of each round's percentile."""
        return statistics.median(r.percentile(p) for r in self.rounds)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare(url: str, cases: int, progress) -> tuple[str, list[tuple[str, str]]]:
    """A migrated database with the NRM deployed, `cases` new referrals and an API token."""
    engine = Engine(EngineConfig(database_url=url, service_modules=["tasks"]))
    engine.migrate()
    engine.deploy(PROJECT_ROOT / "bpmn")
    groups = ["first-responder", "competent-authority-ukba", "support-provider"]
    engine.users.add("bench-api", "bench-password-123", groups, display_name="Benchmark", agency="police")
    _token_id, secret = engine.tokens.issue("bench-api", "http benchmark")
    first_tasks = []
    for number in range(cases):
        task = engine.start_case("nrm_pathway", actor=POLICE).open_tasks[0]
        first_tasks.append((task.id, task.form))
        if (number + 1) % 100 == 0:
            progress(f"HTTP: {number + 1}/{cases} cases referred")
    engine.db.dispose()
    return secret, first_tasks


def _serve(url: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, NRM_DATABASE_URL=url, NRM_SECRET_KEY="bench", NRM_INSECURE_COOKIES="1")
    command = [sys.executable, "-c", "from web.cli import main; main()", "serve", "--workers", str(WORKERS)]
    command += ["--threads", str(THREADS)]
    server = subprocess.Popen(  # noqa: S603 - our own command
        [*command, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/sign-in")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("nrm serve did not answer within a minute")


def _client(port: int, secret: str, work: queue.Queue, latencies: list[float], errors: list[int]) -> None:
    """Take a case; complete its tasks one after the other, each as the previous answer names it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    rng = Random(threading.get_ident())
    while True:
        try:
            task = work.get_nowait()
        except queue.Empty:
            return
        for _step in range(STEPS_PER_CASE):
            task_id, form = task
            data = {k: ANSWERS.get(k, v) for k, v in form_payload(form, PEOPLE[0], rng).items()}
            began = time.perf_counter()
            connection.request(
                "POST", f"/api/v1/tasks/{task_id}/complete", json.dumps({"data": data}), headers
            )
            response = connection.getresponse()
            body = response.read()
            latencies.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                errors.append(response.status)
                if len(errors) == 1:
                    print(f"HTTP: first refusal: {response.status} {body[:300]!r}")
                break
            following = json.loads(body)["next_tasks"]
            if not following:
                break
            task = (following[0]["id"], following[0]["form"])


def http_completions(url: str, cases: int, progress, rounds: int = 3) -> HttpResult:
    """`rounds` rounds of `cases` cases each, on one server started once."""
    secret, first_tasks = _prepare(url, cases * rounds, progress)
    port = _free_port()
    server = _serve(url, port)
    result = HttpResult(CLIENTS, WORKERS, THREADS, [])
    try:
        for number in range(rounds):
            done = _round(port, secret, first_tasks[number * cases : (number + 1) * cases])
            result.rounds.append(done)
            progress(
                f"HTTP: round {number + 1}/{rounds}: {done.completions} completions in {done.seconds:.1f} s: "
                f"{done.per_second:.0f}/s, p50 {done.percentile(50):.0f} ms, "
                f"p99 {done.percentile(99):.0f} ms, {done.errors} errors"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def _round(port: int, secret: str, first_tasks: list[tuple[str, str]]) -> HttpRound:
    work: queue.Queue = queue.Queue()
    for task in first_tasks:
        work.put(task)
    latencies: list[float] = []
    errors: list[int] = []
    threads = [
        threading.Thread(target=_client, args=(port, secret, work, latencies, errors)) for _ in range(CLIENTS)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return HttpRound(len(latencies) - len(errors), seconds, latencies, len(errors))
