"""Which code runs in the worker and which in the bounded runner (engine/sandbox/code_cost.py)."""

from __future__ import annotations

import pytest

from engine.errors import SandboxViolation
from engine.sandbox.code_cost import reads_case_data, runs_inline
from engine.spec.bundle import read_bundle
from engine.spec.expressions import bpmn_expressions, dmn_expressions
from engine.spec.xml_guard import parse_untrusted_xml
from tests.conftest import BUNDLE


def _nrm_code() -> list[tuple[str, str]]:
    bundle = read_bundle(BUNDLE)
    found = []
    for path in bundle.paths(".bpmn") + bundle.paths(".dmn"):
        root = parse_untrusted_xml(bundle.files[path], path)
        for expression in dmn_expressions(root) if path.endswith(".dmn") else bpmn_expressions(root):
            if expression.mode == "exec":
                found.append((expression.source, "exec"))
            elif expression.mode == "eval" and expression.source:
                found.append((expression.source.strip(), "eval"))
    return found


def test_every_piece_of_nrm_code_runs_in_the_worker():
    """So the budget costs the pathway nothing: no NRM step waits on a child process."""
    code = _nrm_code()
    assert len(code) > 40
    assert [c for c in code if not runs_inline(*c)] == []


@pytest.mark.parametrize(
    "source",
    [
        "rg_decision == 'positive'",
        "'competent-authority-' + competent_authority.lower()",
        "reflection['ends_at']",
        "age_group in ('child', 'age_disputed')",
        "rg_reasons if decision_stage == 'reasonable_grounds' else cg_reasons",
        "len(types) > 1 and sorted(types)[0] != 'unknown'",
        "f'{first_name} {last_name}'",
        "name.strip().title().split(' ')[0]",
    ],
)
def test_cheap_expressions_run_in_the_worker(source):
    assert runs_inline(source)


@pytest.mark.parametrize(
    "source",
    [
        "pow(9, n)",
        "'a' * n",
        "n ** 2",
        "1 << n",
        "'%05d' % n",
        "sum(values)",
        "[x for x in values]",
        "', '.join(names)",
        "name.replace('a', name)",
        "name.center(n)",
        "f'{name:>{n}}'",
        "round(x, n)",
        "range(n)",
        "(x := name + name) + x",
    ],
)
def test_anything_that_can_grow_or_repeat_goes_to_the_runner(source):
    assert not runs_inline(source)


@pytest.mark.parametrize(
    ("script", "inline"),
    [
        ("referred = True", True),
        ("stage = 'reasonable_grounds'\nlabel = 'RG ' + name", True),
        ("x = name\ny = x + x", False),  # doubling by reassignment
        ("x = name + name\nx = x + x", False),
        ("for t in types:\n    pass", False),
        ("result['a'] = 1", False),
    ],
)
def test_a_script_runs_in_the_worker_only_if_it_cannot_grow(script, inline):
    assert runs_inline(script, "exec") is inline


def test_code_that_reads_no_case_data_is_told_apart():
    assert not reads_case_data("pow(9, 9**9)")
    assert not reads_case_data("x = 0\nwhile x >= 0:\n    x += 1", "exec")
    assert not reads_case_data("sorted(range(10))")
    assert reads_case_data("pow(9, n)")
    assert reads_case_data("count = count + 1", "exec")  # read before it is assigned
    assert reads_case_data("total += 1", "exec")
    assert reads_case_data("[x for x in values]")
    assert not reads_case_data("[x * x for x in range(10**9)]")
    assert not reads_case_data("total = 0\ntotal += 1", "exec")


@pytest.mark.parametrize(
    "source",
    [
        "max([199999999, 199999999], key=s.center)",  # a method passed on: it would be called freely
        "sorted(names, key=str.zfill)",
        "min(names, key=len)",
        "max(values, default=sum)",
        "f'" + "{s}" * 200 + "'",  # many operations, each linear: together a huge value
        "[" + "s.count('z'), " * 100 + "]",
    ],
)
def test_callables_passed_on_and_many_operations_go_to_the_runner(source):
    assert not runs_inline(source)


@pytest.mark.parametrize("depth", [900, 5_000])
def test_deeply_nested_code_is_read_without_recursion_or_refused(depth):
    deep = "a" + ".b" * depth
    try:
        assert reads_case_data(deep)
    except SandboxViolation as refused:  # too deep for Python's own parser: said in words
        assert "nested too deeply" in str(refused)
