"""Every hostile expression and script, straight through the sandbox: stopped or refused within
the budget, with a clear error, changing nothing; the worker (this process) goes on working."""

from __future__ import annotations

import time

import pytest

from engine.errors import CodeBudgetExceeded, EngineError, SandboxViolation, ValueNotStorable
from engine.sandbox.environment import SandboxEnvironment
from engine.sandbox.runner import bounded_runner
from engine.spec.case_data import storable
from tests.sandbox.conftest import WITHIN
from tests.sandbox.corpus import (
    EXPRESSIONS,
    MEMORY,
    REFUSED,
    SCRIPTS,
    TIME,
    TIME_SCRIPTS,
    UNSTORABLE,
)

SANDBOX = SandboxEnvironment()


def _stopped(run) -> Exception:
    started = time.monotonic()
    with pytest.raises(Exception) as raised:  # noqa: PT011 - which one is asserted by the caller
        run()
    assert time.monotonic() - started < WITHIN
    assert SANDBOX.evaluate("n + 1", {"n": 1}) == 2  # still working, in process
    assert SANDBOX.evaluate("sum([n, n])", {"n": 2}) == 4  # and in the bounded runner
    return raised.value


@pytest.mark.parametrize("code", [c for c in EXPRESSIONS if c not in UNSTORABLE])
def test_a_hostile_expression_is_stopped_or_refused(code):
    error = _stopped(lambda: SANDBOX.evaluate(code, {}))
    assert not isinstance(error, SystemExit | KeyboardInterrupt)
    assert str(error) or isinstance(error, ValueError | StopIteration)


@pytest.mark.parametrize("code", UNSTORABLE)
def test_a_value_a_case_cannot_hold_serves_a_condition_but_is_never_stored(code):
    value = SANDBOX.evaluate(code, {})
    assert isinstance(bool(value), bool)
    with pytest.raises(ValueNotStorable, match="^the output"):
        storable(value, "the output")


def test_a_large_value_is_not_stored_and_a_script_gives_back_only_what_it_changed():
    big = {"narrative": "x" * 600_000, "account": "y" * 600_000, "n": 1}  # over 1 MB in all
    SANDBOX.execute("for i in range(3):\n    n += 1", big)  # in the runner: the narrative stays put
    assert big["n"] == 4
    with pytest.raises(ValueNotStorable, match="more than a case holds"):
        SANDBOX.execute("y = narrative + narrative", {"narrative": "x" * 600_000})
    with pytest.raises(ValueNotStorable, match="a number too long"):
        SANDBOX.execute("x = 10**5000", {})
    assert SANDBOX.evaluate("set(a) & set(b)", {"a": [1, 2], "b": [2]})  # a condition may be a set


def test_a_runner_goes_on_after_many_long_distinct_pieces_of_code():
    for n in range(30):  # each is compiled afresh: long code is not kept
        source = f"len([{n}" + ", 1" * 6_000 + "])"
        assert SANDBOX.evaluate(source, {}) == 6_001


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_hostile_script_is_stopped_or_refused_and_changes_nothing(script):
    data = {"referred": True, "name": "Lan"}
    _stopped(lambda: SANDBOX.execute(script, data))
    assert data == {"referred": True, "name": "Lan"}


@pytest.mark.parametrize("code", TIME)
def test_long_code_is_stopped_for_its_processor_time(code):
    error = _stopped(lambda: SANDBOX.evaluate(code, {}))
    assert isinstance(error, CodeBudgetExceeded)
    assert "budget" in str(error)


@pytest.mark.parametrize("script", TIME_SCRIPTS)
def test_a_loop_is_stopped_for_its_processor_time(script):
    assert isinstance(_stopped(lambda: SANDBOX.execute(script, {})), CodeBudgetExceeded)


@pytest.mark.parametrize("code", MEMORY)
def test_large_values_are_stopped_for_their_memory(code):
    error = _stopped(lambda: SANDBOX.evaluate(code, {}))
    assert isinstance(error, CodeBudgetExceeded)  # memory, or time spent filling it
    assert "budget" in str(error)


@pytest.mark.parametrize("code", REFUSED)
def test_escapes_and_process_enders_are_refused_before_they_run(code):
    assert isinstance(_stopped(lambda: SANDBOX.evaluate(code, {})), SandboxViolation)


@pytest.mark.parametrize(
    ("script", "variable", "kind"),
    [
        ("x = b'abc'", "x", "bytes"),
        ("x = complex(1, 2)", "x", "a complex number"),
        ("x = range(3)", "x", "a range"),
        ("a = 1\nx = {1, 2}", "x", "a set"),
        ("x = float('nan')", "x", "not a finite number"),
        ("x = {'a': [1, b'b']}", "x['a'][1]", "bytes"),
    ],
)
def test_a_value_a_case_cannot_hold_is_refused_naming_the_variable(script, variable, kind):
    data = {"a": 0}
    with pytest.raises(ValueNotStorable) as refused:
        SANDBOX.execute(script, data)
    assert str(refused.value).startswith(variable) and kind in str(refused.value)
    assert data == {"a": 0}


def test_json_shaped_values_come_back_as_a_restored_case_holds_them():
    data = {}
    SANDBOX.execute("t = (1, 2)\nd = {1: 'one'}\nloop = [i for i in range(3)]", data)
    assert data == {"t": [1, 2], "d": {"1": "one"}, "loop": [0, 1, 2]}


def test_every_exception_is_an_ordinary_one_that_spiffworkflow_reports():
    for script in (
        "x = (y for y in [1]).throw(ValueError('no'))",
        "x = [][0]",
        "x = 1 / 0",
        "x = [0] * -1 + [][1]",
    ):
        with pytest.raises(Exception) as raised:  # noqa: PT011 - any, but an Exception
            SANDBOX.execute(script, {})
        assert isinstance(raised.value, EngineError | IndexError | ZeroDivisionError)
    assert SANDBOX.evaluate("len(list(range(5)))", {}) == 5


def test_a_killed_runner_is_replaced_and_idle_ones_are_kept():
    runner = bounded_runner()
    SANDBOX.evaluate("sum([1])", {})
    with pytest.raises(CodeBudgetExceeded):
        SANDBOX.evaluate("pow(9, 9**9)", {})
    assert SANDBOX.evaluate("sum([1, 2])", {}) == 3
    assert runner._idle, "the runner that answered is kept for the next piece of code"
