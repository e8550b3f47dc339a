"""`nrm serve` killed with SIGKILL leaves nothing running: its gunicorn (and so the web workers)
and its schedulers stop with it (web/cli/child_process.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests import processes
from tests.conftest import ROOT
from tests.timers.conftest import eventually

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's"
)


def test_killing_nrm_serve_stops_its_web_workers_and_schedulers(tmp_path):
    env = dict(os.environ, NRM_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}", NRM_SECRET_KEY="t")
    command = [sys.executable, "-m", "web.cli", "serve", "--workers", "1", "--schedulers", "1"]
    serve = subprocess.Popen(
        [*command, "--port", str(processes.free_port())],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    started: list[int] = []
    try:

        def all_started() -> bool:
            children = processes.children(serve.pid)
            gunicorn = [p for p in children if "gunicorn" in processes.command(p)]
            schedulers = [p for p in children if "scheduler" in processes.command(p)]
            workers = processes.children(gunicorn[0]) if gunicorn else []
            started[:] = [*gunicorn, *schedulers, *workers]
            return len(gunicorn) == 1 and len(schedulers) == 1 and len(workers) == 1

        assert eventually(all_started, timeout=90), "nrm serve did not start all"
        serve.kill()  # SIGKILL: nrm serve gets no chance to stop them itself
        serve.wait(timeout=10)
        assert eventually(lambda: not any(processes.running(p) for p in started), timeout=30), [
            processes.command(p) for p in started if processes.running(p)
        ]
    finally:
        for pid in [serve.pid, *started]:
            if processes.running(pid):
                os.kill(pid, signal.SIGKILL)
