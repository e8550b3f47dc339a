"""A small code budget for the hostile-code tests, so that each stopped piece costs a fraction of
a second: 0.1 s of processor time, 64 MB of memory (the defaults are 1 s and 64 MB)."""

from __future__ import annotations

import pytest

from engine.sandbox.runner import CodeBudget, use_budget

SMALL = CodeBudget(cpu_seconds=0.1, memory_mb=64)
# A stopped piece of code must come back within its budget's wait, plus what starting a fresh
# child after a kill and the step around it cost on a loaded 2-core machine.
WITHIN = SMALL.wall_seconds + 1.5


@pytest.fixture(autouse=True, scope="module")
def small_budget():
    previous = use_budget(SMALL)
    yield SMALL
    use_budget(previous)
