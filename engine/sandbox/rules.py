"""What diagram code may be: the sandbox's compile rules and the globals it runs with.

SpiffWorkflow's default environment is plain `eval`/`exec` (`import os` works). Here code is
compiled by RestrictedPython (no names or attributes starting with `_`) after our own AST check
(no imports, no dangerous builtins, no loop that can never end), and runs with a small set of
builtins and guards. This module imports nothing of the engine but its errors, so the bounded
runner's lean process (engine/sandbox/child.py) loads it without SpiffWorkflow or the database.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

from engine.errors import SandboxViolation
from engine.spec.case_data import storable

T = TypeVar("T")

# Exceptions that end a process rather than report a problem: diagram code never sees them.
PROCESS_ENDING = frozenset({"BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit"})
FORBIDDEN_NAMES = (
    frozenset(
        {
            "open",
            "exec",
            "eval",
            "compile",
            "globals",
            "locals",
            "vars",
            "getattr",
            "setattr",
            "delattr",
            "input",
            "breakpoint",
            "memoryview",
            "type",
            "help",
            "exit",
            "quit",
            "dir",
            "object",
            "super",
            "classmethod",
            "staticmethod",
            "property",
        }
    )
    | PROCESS_ENDING
)

# The longest piece of code a diagram may hold (a condition, a script, a cell).
MAX_CODE_CHARACTERS = 20_000


def _inplace(op: str, left: Any, right: Any) -> Any:
    operators = {
        "+=": lambda a, b: a + b,
        "-=": lambda a, b: a - b,
        "*=": lambda a, b: a * b,
        "/=": lambda a, b: a / b,
        "//=": lambda a, b: a // b,
        "%=": lambda a, b: a % b,
    }
    if op not in operators:
        raise SandboxViolation(f"operator {op} is not allowed in diagram scripts")
    return operators[op](left, right)


_BUILTINS: dict[str, Any] = {k: v for k, v in safe_builtins.items() if k not in PROCESS_ENDING}
for _name in ("id", "hash", "__build_class__"):
    _BUILTINS.pop(_name, None)
_BUILTINS.update(
    {
        "list": list,
        "dict": dict,
        "set": set,
        "min": min,
        "max": max,
        "sum": sum,
        "any": any,
        "all": all,
        "enumerate": enumerate,
        "reversed": reversed,
        "map": map,
        "filter": filter,
        "sorted": sorted,
        "tuple": tuple,
        "zip": zip,
    }
)
BUILTIN_NAMES = frozenset(_BUILTINS)

SAFE_GLOBALS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplace,
}


def _endless(node: ast.While) -> bool:
    """`while True:` (or another constant truth) with no `break` of its own."""
    if not (isinstance(node.test, ast.Constant) and node.test.value):
        return False
    pending: list[ast.AST] = list(node.body)
    while pending:
        inner = pending.pop()
        if isinstance(inner, ast.Break):
            return False
        if not isinstance(inner, ast.While | ast.For):  # a nested loop's break is its own
            pending.extend(ast.iter_child_nodes(inner))
    return True


def _check_tree(tree: ast.AST) -> list[str]:
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            problems.append("imports are not allowed")
        elif isinstance(node, ast.Name) and (node.id in FORBIDDEN_NAMES or node.id.startswith("_")):
            problems.append(f"'{node.id}' is not allowed")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            problems.append(f"attribute '{node.attr}' is not allowed")
        elif isinstance(node, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            problems.append("defining functions or classes is not allowed")
        elif isinstance(node, ast.While) and _endless(node):
            problems.append("this loop never ends (`while True` with no `break`)")
    return problems


def shown_code(source: str) -> str:
    """A piece of code as messages quote it: on one line, at most 80 characters."""
    one_line = " ".join(source.split())
    return repr(one_line if len(one_line) <= 80 else one_line[:77] + "...")


# Short code (nearly all of it) is parsed and compiled once per process; long code each time,
# so that thousands of distinct long pieces cannot fill a worker's memory with their trees.
CACHED_CHARACTERS = 2_000


def short_code_cached(function: Callable[[str, str], T]) -> Callable[..., T]:
    """`function(source, mode)`, remembered for short code only (up to 1,024 pieces)."""
    cached = lru_cache(maxsize=1024)(function)

    @wraps(function)
    def remembered(source: str, mode: str = "eval") -> T:
        return cached(source, mode) if len(source) <= CACHED_CHARACTERS else function(source, mode)

    return remembered


def parse_code(source: str, mode: str = "eval") -> ast.AST:
    """The syntax tree of a piece of diagram code; SandboxViolation if it is not valid Python.
    (A MemoryError goes on up: in the bounded runner it means the runner is over its budget.)"""
    if len(source) > MAX_CODE_CHARACTERS:
        raise SandboxViolation(
            f"{shown_code(source)} is {len(source):,} characters long; the limit is {MAX_CODE_CHARACTERS:,} "
            "(move long logic into a service task)"
        )
    return _parse(source, mode)


@short_code_cached
def _parse(source: str, mode: str) -> ast.AST:
    try:
        return ast.parse(source, mode=mode)
    except SyntaxError as error:
        raise SandboxViolation(f"{shown_code(source)} is not valid Python: {error.msg}") from None
    except (RecursionError, ValueError):  # nested too deeply, or a NUL character
        raise SandboxViolation(f"{shown_code(source)} cannot be read: it is nested too deeply") from None


@short_code_cached
def compile_sandboxed(source: str, mode: str = "eval") -> Any:
    """Compile an expression (`eval`) or script (`exec`); SandboxViolation says what is refused."""
    problems = _check_tree(parse_code(source, mode))
    if not problems:
        try:
            compiled = compile_restricted_eval(source) if mode == "eval" else compile_restricted_exec(source)
        except RecursionError:
            raise SandboxViolation(
                f"{shown_code(source)} cannot be compiled: it is nested too deeply"
            ) from None
        problems = list(compiled.errors)
    if problems:
        reasons = "; ".join(dict.fromkeys(problems))
        raise SandboxViolation(f"{shown_code(source)} is refused by the sandbox: {reasons}")
    return compiled.code


def script_results(scope: dict, before: dict, external_context: dict | None) -> tuple[dict, list[str]]:
    """What a script left in its globals: the names it added or changed, shaped as a case holds
    them (ValueNotStorable, naming the variable, if one cannot be held: nothing is written then),
    and the names it deleted. Guards, helpers and functions are never case data."""
    hidden = SAFE_GLOBALS.keys() | (external_context or {}).keys()
    changed = {
        name: storable(value, name)
        for name, value in scope.items()
        if name not in hidden and not callable(value) and not _unchanged(before, name, value)
    }
    return changed, [name for name in before if name not in scope]


def _unchanged(before: dict, name: str, value: Any) -> bool:
    """The same object (in the worker), or an equal one (the runner compares with a copy)."""
    return name in before and (before[name] is value or before[name] == value)


def sandbox_globals(context: dict, external_context: dict | None) -> dict:
    """The globals a piece of code runs with: the guards, then the helpers, then the case data."""
    scope = dict(SAFE_GLOBALS)
    scope.update(external_context or {})
    scope.update(context)
    return scope
