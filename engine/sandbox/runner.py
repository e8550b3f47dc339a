"""Running diagram code within a budget of processor time and memory, in processes of its own.

Code that is not cheap by construction (engine/sandbox/code_cost.py) is sent to a lean child process
(engine/sandbox/child.py) with its case data, and the answer is waited for only so long: the
child stops Python code at its processor-time budget itself, and a single long operation in C
(`pow(9, 9**9)`, `'a' * 10**9`, `sum(range(10**15))`) is stopped by killing the child. Memory is
capped by the child's address-space limit. The worker, the web request and the scheduler are
never held up for longer than the budget allows, and whatever the code raises stays in the child.

Children are kept in a small pool (one per thread that is running code at that moment) and
started again after one is killed. The budget is `NRM_CODE_CPU_SECONDS` (default 1) and
`NRM_CODE_MEMORY_MB` (default 64); docs/sandbox.md says how it works.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import select
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import CodeBudgetExceeded, SandboxViolation, ScriptError, ValueNotStorable
from engine.sandbox.child import HEADER, MAX_REPLY_BYTES

CHILD = Path(__file__).resolve().parent / "child.py"
START_SECONDS = 15  # far above a child's start (docs/performance.md): the machine is in trouble


@dataclass(frozen=True)
class CodeBudget:
    """What one evaluation of diagram code may use."""

    cpu_seconds: float = 1.0
    memory_mb: int = 64

    def __post_init__(self):
        if not 0.05 <= self.cpu_seconds <= 60:
            raise ValueError("NRM_CODE_CPU_SECONDS must be from 0.05 to 60")
        if not 16 <= self.memory_mb <= 4096:
            raise ValueError("NRM_CODE_MEMORY_MB must be from 16 to 4096")

    @property
    def wall_seconds(self) -> float:
        """How long the parent waits for an answer from a child that is ready: the processor
        time, as long again for a busy machine, and a tenth of a second for the pipes."""
        return 2 * self.cpu_seconds + 0.1

    @classmethod
    def from_environment(cls) -> CodeBudget:
        env = os.environ
        return cls(
            cpu_seconds=float(env.get("NRM_CODE_CPU_SECONDS", cls.cpu_seconds)),
            memory_mb=int(env.get("NRM_CODE_MEMORY_MB", cls.memory_mb)),
        )


class _ChildGone(Exception):
    """The child process ended (killed for memory, or crashed) before it answered."""


class _NotTaken(_ChildGone):
    """The child process had ended before it could read the request."""


class _Child:
    """One child process and the two pipes to it."""

    def __init__(self, budget: CodeBudget):
        self.budget = budget
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter and our own file
            [sys.executable, "-I", str(CHILD), str(budget.memory_mb * 1024 * 1024)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a terminal's Ctrl-C is for the parent
        )
        try:  # it says when it is ready, so that its start is not counted in a request's time
            self._reply(time.monotonic() + START_SECONDS)
        except (TimeoutError, _ChildGone):
            self.stop()
            raise ScriptError(
                f"the bounded runner did not start within {START_SECONDS} s; try again"
            ) from None

    def ask(self, request: bytes, deadline: float) -> dict:
        stdin = self.process.stdin
        assert stdin is not None  # opened with PIPE
        try:
            stdin.write(request)
            stdin.flush()
        except (BrokenPipeError, OSError):
            raise _NotTaken from None
        return self._reply(deadline)

    def _reply(self, deadline: float) -> dict:
        (size,) = HEADER.unpack(self._read(HEADER.size, deadline))
        if size > 2 * MAX_REPLY_BYTES:
            raise _ChildGone
        return json.loads(self._read(size, deadline))

    def _read(self, size: int, deadline: float) -> bytes:
        stdout = self.process.stdout
        assert stdout is not None  # opened with PIPE
        pipe = stdout.fileno()
        chunks, wanted = [], size
        while wanted:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([pipe], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(pipe, wanted)
            if not chunk:
                raise _ChildGone
            chunks.append(chunk)
            wanted -= len(chunk)
        return b"".join(chunks)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:  # never None: both opened with PIPE
                pipe.close()


class BoundedRunner:
    """Runs code in child processes, one request at a time per child."""

    def __init__(self, budget: CodeBudget):
        self.budget = budget
        self._idle: list[_Child] = []
        self._started: weakref.WeakSet[_Child] = weakref.WeakSet()  # idle or busy
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def run(self, request: dict[str, Any], deadline: float | None = None) -> dict:
        """The child's reply to `request` (code, mode, data); a CodeBudgetExceeded or another
        ScriptError if the code was stopped or failed. `deadline` (time.monotonic) may end the
        wait sooner: the step the code runs in has its own budget."""
        budget = self.budget
        try:
            body = json.dumps({**request, "cpu_seconds": budget.cpu_seconds}, separators=(",", ":")).encode()
        except (TypeError, ValueError) as unsent:  # case data is stored as JSON: not expected
            raise ValueNotStorable(f"the case data cannot be given to the code: {unsent}") from None
        message = HEADER.pack(len(body)) + body
        for attempt in (1, 2):
            child = self._borrow()
            own_wait = time.monotonic() + budget.wall_seconds  # from when the child is ready
            wait_until = own_wait if deadline is None else min(own_wait, deadline)
            try:
                reply = child.ask(message, wait_until)
            except _NotTaken:  # it had ended before it read the request (killed while idle?)
                child.stop()
                if attempt == 1:
                    continue
                raise CodeBudgetExceeded(_gone(budget), transient=True) from None
            except TimeoutError:
                child.stop()
                if wait_until < own_wait:  # the step's time ran out first, not the code's
                    raise CodeBudgetExceeded(STEP_TIME_USED, transient=True) from None
                raise CodeBudgetExceeded(_killed(budget)) from None
            except _ChildGone:
                child.stop()
                raise CodeBudgetExceeded(_gone(budget), transient=True) from None
            except BaseException:  # a signal (Ctrl-C, SIGTERM) while waiting: the child's state is unknown
                child.stop()
                raise
            break
        if reply.get("error") in ("time", "memory"):
            child.stop()  # started afresh: whatever it built is gone
        else:
            self._give_back(child)
        return _checked(reply, budget)

    def _borrow(self) -> _Child:
        with self._lock:
            if self._pid != os.getpid():  # forked (a web worker): the parent's children are not ours
                self._idle, self._pid = [], os.getpid()
            if self._idle:
                return self._idle.pop()
        child = _Child(self.budget)
        with self._lock:
            self._started.add(child)
        return child

    def _give_back(self, child: _Child) -> None:
        with self._lock:
            if self._pid == os.getpid() and child.budget == self.budget:
                self._idle.append(child)
                return
        child.stop()

    def close(self) -> None:
        """Stop the idle children (running ones stop when their answer comes back)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.stop()

    def kill_all(self) -> None:
        """Kill every child this process started, running ones too (the process is leaving)."""
        with self._lock:
            children, self._idle = list(self._started), []
        for child in children:
            with contextlib.suppress(OSError):
                child.process.kill()


STEP_TIME_USED = "the step used up its time budget while this code ran"


def _cpu(budget: CodeBudget) -> str:
    return f"{budget.cpu_seconds:g} second" + ("" if math.isclose(budget.cpu_seconds, 1) else "s")


def _over_time(budget: CodeBudget) -> str:
    return f"it was stopped after {_cpu(budget)} of processor time, its budget"


def _killed(budget: CodeBudget) -> str:
    return (
        f"it was stopped after {budget.wall_seconds:g} seconds without an answer "
        f"(its budget is {_cpu(budget)} of processor time)"
    )


def _over_memory(budget: CodeBudget) -> str:
    return f"it was stopped when it needed more than {budget.memory_mb} MB of memory, its budget"


def _gone(budget: CodeBudget) -> str:
    return (
        "the process running it ended before it answered (most likely it needed more than "
        f"{budget.memory_mb} MB of memory, its budget)"
    )


def _checked(reply: dict, budget: CodeBudget) -> dict:
    if reply.get("ok"):
        return reply
    error, message = reply.get("error"), reply.get("message", "")
    if error == "refused":
        raise SandboxViolation(message)
    if error == "time":
        raise CodeBudgetExceeded(_over_time(budget))
    if error == "memory":
        raise CodeBudgetExceeded(_over_memory(budget))
    if error == "size":
        raise CodeBudgetExceeded(
            f"the values it produced come to {message}, more than the {MAX_REPLY_BYTES // 1024:,} KB a piece "
            "of code may give back"
        )
    if error == "unstorable":
        raise ValueNotStorable(message)
    raise ScriptError(message)


_runner = BoundedRunner(CodeBudget.from_environment())


def bounded_runner() -> BoundedRunner:
    """The process's runner."""
    return _runner


def use_budget(budget: CodeBudget) -> CodeBudget:
    """Set the budget for code run from now on (idle children of the old one are stopped);
    returns the previous budget."""
    previous = _runner.budget
    _runner.budget = budget
    _runner.close()
    return previous


def stop_diagram_code() -> None:
    """Kill every child process running diagram code for this process (it is about to leave)."""
    _runner.kill_all()
