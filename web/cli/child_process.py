"""Start a command that stops when its parent dies, even by SIGKILL: `nrm serve` runs gunicorn and
the schedulers through this, so that killing `nrm serve` itself leaves nothing running.

`python web/cli/child_process.py <parent pid> <command…>` asks Linux for SIGTERM when the parent dies
(prctl's parent-death signal, which survives exec), checks that the parent is still there, and
then becomes the command. Elsewhere it only runs the command. One prctl call through ctypes: the
python-prctl package needs a C build against libcap for this one call.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def wrapped(command: list[str]) -> list[str]:
    """`command`, to be started by this process as a child that stops when this process dies."""
    # By its path, not `-m web.cli.child_process`: importing the `web` package would load the whole app
    # (slow: docs/performance.md) before the command starts, which then loads it again.
    return [sys.executable, os.path.abspath(__file__), str(os.getpid()), *command]


def _stop_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def main(argv: list[str]) -> None:
    if len(argv) < 2 or not argv[0].isdigit():
        raise SystemExit("usage: python web/cli/child_process.py <parent pid> <command…>")
    parent, command = int(argv[0]), argv[1:]
    _stop_with_parent()
    if os.getppid() != parent:  # it died before the signal was asked for
        raise SystemExit(1)
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
