"""The sandbox every diagram expression, script and DMN cell runs in."""

from __future__ import annotations

import pytest

from engine.errors import SandboxViolation
from engine.sandbox.environment import SandboxEnvironment, check_expression, check_script

ENV = SandboxEnvironment()


@pytest.mark.parametrize(
    ("expression", "data", "expected"),
    [
        ("rg_decision == 'positive'", {"rg_decision": "positive"}, True),
        ("age_group in ('child', 'age_disputed')", {"age_group": "age_disputed"}, True),
        ("reflection['ends_at']", {"reflection": {"ends_at": "2026-04-16"}}, "2026-04-16"),
        (
            "'competent-authority-' + competent_authority.lower()",
            {"competent_authority": "UKBA"},
            "competent-authority-ukba",
        ),
        ("len([t for t in types if t != 'unknown'])", {"types": ["sexual", "unknown"]}, 1),
        ("max(days, 45) * 2 ** 3", {"days": 30}, 360),
        ("round(amount ** 0.5, 1)", {"amount": 2}, 1.4),  # any exponent: the budget bounds it
    ],
)
def test_ordinary_expressions_work(expression, data, expected):
    assert ENV.evaluate(expression, data) == expected


def test_a_script_sets_case_data_and_leaves_no_helpers_behind():
    data = {"a": 1}
    ENV.execute("referred = True\ntotal = a + 1\ndel a", data)
    assert data == {"referred": True, "total": 2}


def test_the_dmn_input_placeholder_comes_from_the_external_context():
    assert ENV.evaluate("dmninputexpr in ('PL', 'CH')", {}, {"dmninputexpr": "CH"}) is True


@pytest.mark.parametrize(
    "code",
    [
        "__import__('os').system('id')",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd').read()",
        "eval('1 + 1')",
        "exec('x = 1')",
        "getattr(data, '__class__')",
        "type(data)",
        "globals()",
        "data.__dict__",
        "_secret",
        "(lambda: 1)()",
    ],
)
def test_escapes_are_refused_as_expressions(code):
    with pytest.raises(SandboxViolation):
        check_expression(code)
    with pytest.raises(SandboxViolation):
        ENV.evaluate(code, {"data": {}, "n": 5})


@pytest.mark.parametrize(
    "script",
    [
        "import os",
        "from os import system",
        "import subprocess as s\ns.run(['id'])",
        "def f():\n    return 1",
        "class X: pass",
        "x = [].__class__",
    ],
)
def test_escapes_are_refused_as_scripts(script):
    with pytest.raises(SandboxViolation):
        check_script(script)


def test_str_format_cannot_reach_attributes():
    with pytest.raises(Exception, match="format"):
        ENV.evaluate("'{0.__class__}'.format(x)", {"x": 1})


def test_a_refusal_names_the_code_and_the_reason():
    with pytest.raises(
        SandboxViolation, match=r"'open\(1\)' is refused by the sandbox: 'open' is not allowed"
    ):
        check_expression("open(1)")
    with pytest.raises(SandboxViolation, match="not valid Python"):
        check_expression("a ==")
