"""The sandbox for every expression, script and DMN cell in a diagram.

SpiffWorkflow's default environment is plain `eval`/`exec` (`import os` works). Here code is
compiled by RestrictedPython (no names or attributes starting with `_`) after our own AST check
(no imports, no dangerous builtins), and runs with a small set of builtins and guards.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.case_data import json_shaped
from engine.errors import SandboxViolation

FORBIDDEN_NAMES = frozenset(
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

# The largest exponent a constant power may use: `10 ** 10 ** 10` would hang the worker.
MAX_CONSTANT_EXPONENT = 10_000


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


_BUILTINS: dict[str, Any] = dict(safe_builtins)
for _name in ("id", "hash"):
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
    }
)

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


def _check_tree(tree: ast.AST) -> list[str]:
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            problems.append("imports are not allowed")
        elif isinstance(node, ast.Name) and (node.id in FORBIDDEN_NAMES or node.id.startswith("_")):
            problems.append(f"'{node.id}' is not allowed")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            problems.append(f"attribute '{node.attr}' is not allowed")
        elif isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            problems.append("defining functions or classes is not allowed")
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Pow)
            and not (
                isinstance(node.right, ast.Constant)
                and isinstance(node.right.value, int)
                and abs(node.right.value) <= MAX_CONSTANT_EXPONENT
            )
        ):
            problems.append(f"'**' needs a constant exponent of at most {MAX_CONSTANT_EXPONENT}")
    return problems


@lru_cache(maxsize=4096)
def compile_sandboxed(source: str, mode: str = "eval") -> Any:
    """Compile an expression (`eval`) or script (`exec`); SandboxViolation says what is refused."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as error:
        raise SandboxViolation(f"{source!r} is not valid Python: {error.msg}") from None
    problems = _check_tree(tree)
    if not problems:
        compiled = compile_restricted_eval(source) if mode == "eval" else compile_restricted_exec(source)
        problems = list(compiled.errors)
    if problems:
        raise SandboxViolation(f"{source!r} is refused by the sandbox: " + "; ".join(dict.fromkeys(problems)))
    return compiled.code


def check_expression(source: str) -> None:
    """Raise SandboxViolation unless `source` compiles as a sandboxed expression."""
    compile_sandboxed(source.strip(), "eval")


def check_script(source: str) -> None:
    """Raise SandboxViolation unless `source` compiles as a sandboxed script."""
    compile_sandboxed(source, "exec")


def _globals(context: dict, external_context: dict | None) -> dict:
    scope = dict(SAFE_GLOBALS)
    scope.update(external_context or {})
    scope.update(context)
    return scope


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment that evaluates only sandboxed code."""

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = compile_sandboxed(expression.strip(), "eval")
        return eval(code, _globals(context, external_context))  # noqa: S307 - restricted code object

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = compile_sandboxed(script, "exec")
        scope = _globals(dict(context), external_context)
        exec(code, scope)  # noqa: S102 - restricted code object
        hidden = set(SAFE_GLOBALS) | set(external_context or {})
        for key in list(context):
            if key not in scope:
                del context[key]
        for key, value in scope.items():
            if key not in hidden and not callable(value):
                context[key] = json_shaped(value)  # as a restored case would hold it
        return True

    def call_service(self, context: dict, **kwargs: Any) -> Any:
        raise NotImplementedError("service tasks are called by the NRM script engine")
