"""The lean process in which diagram code that could take long runs, within its budget.

Started by engine/sandbox/runner.py as `python -I engine/sandbox/child.py MEMORY_BYTES`. It loads
only the sandbox's rules (no SpiffWorkflow, no database, no case but the one it is given), caps
its own address space at what it has plus the memory budget, and answers one request at a time
on its standard input and output: a 4-byte length, then a JSON document, each way.

Processor time is limited per request by a profiling timer whose signal stops Python code; a
single long operation in C (a huge power, a huge repetition) does not see the signal until it
returns, so the parent also waits only so long and then kills this process. A limit on the
process's processor time stops it even if its parent has gone.
"""

from __future__ import annotations

import copy
import json
import os
import resource
import signal
import struct
import sys
import types
from pathlib import Path
from typing import Any, BinaryIO

HEADER = struct.Struct(">I")
MAX_REPLY_BYTES = 1024 * 1024  # what code may give back: the values it produced, as JSON
MAX_MESSAGE_CHARACTERS = 500


def write_frame(stream: BinaryIO, message: bytes) -> None:
    """One message (its length, then the document as JSON), written at once."""
    stream.write(message)
    stream.flush()


def read_frame(stream: BinaryIO) -> dict | None:
    """The next message, or None at the end of the input."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    return json.loads(stream.read(size))


class _OverTime(BaseException):
    """Raised by the profiling timer's signal: the request's processor time is used up."""


def _on_timer(_signum: int, _frame: Any) -> None:
    raise _OverTime


def _described(error: BaseException) -> str:
    try:
        text = f"{type(error).__name__}: {error}"
    except BaseException:  # an exception whose text cannot be made
        text = type(error).__name__
    return text if len(text) <= MAX_MESSAGE_CHARACTERS else text[: MAX_MESSAGE_CHARACTERS - 3] + "..."


def _helpers(request: dict) -> dict[str, Any]:
    """The diagrams' helper functions (engine/sandbox/script_engine.py), on the step's clock."""
    from datetime import datetime

    from engine.working_days import diagram_helper

    return {"working_days": diagram_helper(datetime.fromisoformat(request["now"]), request["region"])}


def run(request: dict) -> dict:
    """Run one piece of code on its data; the reply says what it gave or why it stopped.

    An expression's value comes back as a case would hold it, or, if a case cannot hold it, as
    its truth and the reason (a condition may be a set; a decision's output may not). A script
    gives back only the names it added or changed, and those it deleted."""
    from engine.errors import SandboxViolation, ValueNotStorable
    from engine.sandbox.rules import compile_sandboxed, sandbox_globals, script_results
    from engine.spec.case_data import storable

    mode, source = request["mode"], request["source"]
    try:
        code = compile_sandboxed(source, mode)
    except SandboxViolation as refused:
        return {"ok": False, "error": "refused", "message": str(refused)}
    except MemoryError:  # a tree too big for what is left of the budget
        return {"ok": False, "error": "memory"}
    before = copy.deepcopy(request["context"]) if mode == "exec" else {}
    external = request["external"] | _helpers(request)
    scope = sandbox_globals(request["context"], external)
    signal.setitimer(signal.ITIMER_PROF, request["cpu_seconds"])
    try:
        if mode == "eval":
            value = eval(code, scope)  # noqa: S307 - restricted code, in this process only
            try:
                reply = {"ok": True, "value": storable(value, "its value")}
            except ValueNotStorable as unstorable:
                reply = {"ok": True, "truth": bool(value), "unstorable": str(unstorable)}
        else:
            exec(code, scope)  # noqa: S102 - restricted code, in this process only
            changed, deleted = script_results(scope, before, external)
            reply = {"ok": True, "changed": changed, "deleted": deleted}
    except _OverTime:
        return {"ok": False, "error": "time"}
    except MemoryError:
        return {"ok": False, "error": "memory"}
    except ValueNotStorable as unstorable:
        return {"ok": False, "error": "unstorable", "message": str(unstorable)}
    except BaseException as error:  # whatever the code raised, this process goes on
        return {"ok": False, "error": "failed", "message": _described(error)}
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    return reply


def answer(request: dict) -> bytes:
    """The reply to `request`, as one message to write: never an exception, whatever the code did."""
    try:
        reply = run(request)
    except _OverTime:  # the timer fired while the reply was being made
        reply = {"ok": False, "error": "time"}
    except MemoryError:
        reply = {"ok": False, "error": "memory"}
    try:
        body = _encoded(reply)
    except MemoryError:
        body = _encoded({"ok": False, "error": "memory"})
    except (ValueError, TypeError, RecursionError):  # checked as storable, so not expected
        body = _encoded(
            {"ok": False, "error": "unstorable", "message": "what it gave cannot be written as JSON"}
        )
    if len(body) > MAX_REPLY_BYTES:
        body = _encoded({"ok": False, "error": "size", "message": f"{len(body):,} bytes"})
    return HEADER.pack(len(body)) + body


def _encoded(document: dict) -> bytes:
    return json.dumps(document, separators=(",", ":"), allow_nan=False).encode()


def _bootstrap() -> None:
    """The engine's pure modules, without engine/__init__.py (which loads SpiffWorkflow and the
    database): a bare package object whose path is the engine folder."""
    package = types.ModuleType("engine")
    package.__path__ = [str(Path(__file__).resolve().parents[1])]
    sys.modules["engine"] = package


def _vm_size() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    memory_bytes = int(sys.argv[1])
    _bootstrap()
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # nothing the code does can write into the replies or a log
        os.dup2(null, fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent; it decides
    signal.signal(signal.SIGPROF, _on_timer)
    import engine.sandbox.rules
    import engine.spec.case_data
    import engine.working_days  # noqa: F401 - all loaded before the memory cap

    resource.setrlimit(resource.RLIMIT_AS, (_vm_size() + memory_bytes, resource.RLIM_INFINITY))
    ready = _encoded({"ready": True})
    write_frame(replies, HEADER.pack(len(ready)) + ready)
    while (request := read_frame(requests)) is not None:
        # A backstop if the parent is gone: the kernel stops a process over its processor time.
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime)
        resource.setrlimit(
            resource.RLIMIT_CPU, (spent + int(request["cpu_seconds"]) + 5, resource.RLIM_INFINITY)
        )
        write_frame(replies, answer(request))


if __name__ == "__main__":
    main()
