"""Which diagram code is cheap enough to run in the worker itself, and which reads no case data.

Nearly every piece of code in a diagram is a condition such as `rg_decision == 'positive'` or a
script such as `referred = True`. Code built only from the operations below cannot take long or
build a large value: every operation costs at most time in proportion to the size of its
operands, which are the case data (bounded by the forms and by what code may store) or constants
in the code, and nothing in it repeats. Such code runs in the worker (a microsecond); anything
else (loops, comprehensions, `*`, `**`, `%`, calls outside the lists below) runs in the bounded
runner's own process, with a processor-time and memory budget (engine/sandbox_runner.py).

The lists are deliberately short: a function or method is here only if no argument can make it
take long or build something large. Not here, for example: `range`, `pow`, `round` (a huge
negative precision computes a huge power), `sum` (adding lists is quadratic), `str.join` and
`str.replace` (their results grow with the product of their operands), `str.center`, `ljust`,
`zfill`, `format` and `%` (a width can be huge).
"""

from __future__ import annotations

import ast
from functools import lru_cache

from engine.sandbox_rules import BUILTIN_NAMES, parse_code

HELPERS = frozenset({"working_days"})  # engine/script_engine.py: bounded by their own checks

INLINE_FUNCTIONS = frozenset(
    {"len", "str", "int", "float", "bool", "abs", "min", "max", "any", "all", "sorted", "list", "set", "dict"}
    | HELPERS
)
INLINE_METHODS = frozenset(
    {
        "lower",
        "upper",
        "strip",
        "lstrip",
        "rstrip",
        "title",
        "capitalize",
        "casefold",
        "swapcase",
        "startswith",
        "endswith",
        "removeprefix",
        "removesuffix",
        "isdigit",
        "isalpha",
        "isalnum",
        "isnumeric",
        "isdecimal",
        "isspace",
        "islower",
        "isupper",
        "get",
        "keys",
        "values",
        "items",
        "copy",
        "count",
        "index",
        "find",
        "rfind",
        "split",
        "rsplit",
        "splitlines",
        "partition",
        "rpartition",
    }
)
_INLINE_OPERATORS = (
    ast.Add,
    ast.Sub,
    ast.Div,
    ast.BitOr,
    ast.BitAnd,
    ast.BitXor,
    ast.RShift,
    ast.And,
    ast.Or,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.Invert,
    ast.cmpop,
)
_INLINE_NODES = (
    ast.Expression,
    ast.Module,
    ast.Expr,
    ast.Pass,
    ast.Constant,
    ast.Name,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.Starred,
    ast.Tuple,
    ast.List,
    ast.Set,
    ast.Dict,
    ast.Compare,
    ast.BoolOp,
    ast.UnaryOp,
    ast.BinOp,
    ast.IfExp,
    ast.Call,
    ast.keyword,
    ast.JoinedStr,
    ast.expr_context,
    *_INLINE_OPERATORS,
)


def _cheap_node(node: ast.AST) -> bool:
    if isinstance(node, ast.FormattedValue):
        return node.format_spec is None  # `f"{x:>{n}}"`: a width from the data
    if isinstance(node, ast.Call):
        function = node.func
        if isinstance(function, ast.Name):
            return function.id in INLINE_FUNCTIONS
        return isinstance(function, ast.Attribute) and function.attr in INLINE_METHODS
    return isinstance(node, _INLINE_NODES)


def _cheap(tree: ast.AST) -> bool:
    return all(_cheap_node(node) for node in ast.walk(tree))


def _names_read(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@lru_cache(maxsize=4096)
def runs_inline(source: str, mode: str = "eval") -> bool:
    """True if the code is cheap by construction (see the module's docstring).

    A script qualifies if every statement assigns a cheap value to plain names, reading no name
    an earlier statement assigned: `x = x + x` repeated would double its size each time."""
    tree = parse_code(source, mode)
    if mode == "eval":
        return _cheap(tree)
    assigned: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Pass):
            continue
        plain_assign = isinstance(statement, ast.Assign) and all(
            isinstance(t, ast.Name) for t in statement.targets
        )
        if not (plain_assign or isinstance(statement, ast.Expr)):
            return False
        value = statement.value
        if not _cheap(value) or _names_read(value) & assigned:
            return False
        if isinstance(statement, ast.Assign):
            assigned.update(t.id for t in statement.targets)
    return True


@lru_cache(maxsize=4096)
def reads_case_data(source: str, mode: str = "eval") -> bool:
    """True if the code may read case data: a name that is neither a builtin, a helper, nor
    assigned by the code itself. Code that reads none does the same whatever the case, so model
    checks run it once, under its budget, before it may be deployed."""
    tree = parse_code(source, mode)
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Name)]
    stored = {n.id for n in names if isinstance(n.ctx, ast.Store | ast.Del)}
    return bool(_names_read(tree) - stored - BUILTIN_NAMES - HELPERS)
