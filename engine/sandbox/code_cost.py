"""Which diagram code is cheap enough to run in the worker itself, and which reads no case data.

Nearly every piece of code in a diagram is a condition such as `rg_decision == 'positive'` or a
script such as `referred = True`. Code built only from the operations below cannot take long or
build a large value: every operation costs at most time in proportion to the size of its
operands, which are the case data (bounded by the forms and by what code may store) or constants
in the code, and nothing in it repeats. Such code runs in the worker (a microsecond); anything
else (loops, comprehensions, `*`, `**`, `%`, calls outside the lists below) runs in the bounded
runner's own process, with a processor-time and memory budget (engine/sandbox/runner.py).

The lists are deliberately short: a function or method is here only if no argument can make it
take long or build something large. Not here, for example: `range`, `pow`, `round` (a huge
negative precision computes a huge power), `sum` (adding lists is quadratic), `str.join` and
`str.replace` (their results grow with the product of their operands), `str.center`, `ljust`,
`zfill`, `format` and `%` (a width can be huge).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import cast

from engine.sandbox.rules import BUILTIN_NAMES, parse_code, short_code_cached

HELPERS = frozenset({"working_days"})  # engine/sandbox/script_engine.py: bounded by their own checks

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


# Operations in one piece of code that runs in the worker: each costs at most the size of its
# operands, and there are at most this many, so the whole is at most this many times the largest
# value a case holds (1 MB). The NRM's largest piece has 6.
MAX_INLINE_OPERATIONS = 40
_OPERATIONS = (ast.Name, ast.Call, ast.BinOp, ast.Compare, ast.Subscript, ast.FormattedValue, ast.Starred)


def _cheap_node(node: ast.AST, called: set[int]) -> bool:
    if isinstance(node, ast.FormattedValue):
        return node.format_spec is None  # `f"{x:>{n}}"`: a width from the data
    if isinstance(node, ast.Call):
        function = node.func
        if isinstance(function, ast.Name):
            return function.id in INLINE_FUNCTIONS
        return isinstance(function, ast.Attribute) and function.attr in INLINE_METHODS
    if isinstance(node, ast.Attribute) or isinstance(node, ast.Name) and node.id in BUILTIN_NAMES | HELPERS:
        return id(node) in called  # called, never passed on: `key=s.center` would call anything
    return isinstance(node, _INLINE_NODES)


def _cheap(tree: ast.AST) -> bool:
    nodes = list(ast.walk(tree))
    if sum(isinstance(node, _OPERATIONS) for node in nodes) > MAX_INLINE_OPERATIONS:
        return False
    called = {id(node.func) for node in nodes if isinstance(node, ast.Call)}
    return all(_cheap_node(node, called) for node in nodes)


def _names_read(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@short_code_cached
def runs_inline(source: str, mode: str = "eval") -> bool:
    """True if the code is cheap by construction (see the module's docstring).

    A script qualifies if every statement assigns a cheap value to plain names, reading no name
    an earlier statement assigned: `x = x + x` repeated would double its size each time."""
    tree = parse_code(source, mode)
    if mode == "eval":
        return _cheap(tree)
    assigned: set[str] = set()
    for statement in cast(ast.Module, tree).body:  # mode "exec"
        if isinstance(statement, ast.Pass):
            continue
        plain_assign = isinstance(statement, ast.Assign) and all(
            isinstance(t, ast.Name) for t in statement.targets
        )
        if not (plain_assign or isinstance(statement, ast.Expr)):
            return False
        value = cast(ast.Assign | ast.Expr, statement).value
        if not _cheap(value) or _names_read(value) & assigned:
            return False
        if isinstance(statement, ast.Assign):
            assigned.update(t.id for t in statement.targets if isinstance(t, ast.Name))  # all are
    return True


def _names_in_running_order(tree: ast.AST) -> Iterator[ast.Name]:
    """The names of the code in the order they are used when it runs (near enough: a loop's
    body once): an assignment's value before its target, a comprehension's loop before its item.
    A loop over a stack, not recursion: code may be nested hundreds deep."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name):
            yield node
            continue
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.NamedExpr):
            children = [node.value, *getattr(node, "targets", [getattr(node, "target", None)])]
        elif isinstance(node, ast.For | ast.comprehension):
            children = [node.iter, node.target, *getattr(node, "ifs", []), *getattr(node, "body", [])]
            children += getattr(node, "orelse", [])
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            children = [*node.generators, node.elt]
        elif isinstance(node, ast.DictComp):
            children = [*node.generators, node.key, node.value]
        else:
            children = list(ast.iter_child_nodes(node))
        pending.extend(reversed([child for child in children if child is not None]))


@short_code_cached
def reads_case_data(source: str, mode: str = "eval") -> bool:
    """True if the code may read case data: a name that is neither a builtin nor a helper and is
    used before the code itself assigns it (`x += 1` uses `x`). Code that reads none does the
    same whatever the case, so model checks run it once, under its budget, before it may be
    deployed; code that reads a name first is left to its budget when it runs."""
    tree = parse_code(source, mode)
    augmented = {id(n.target) for n in ast.walk(tree) if isinstance(n, ast.AugAssign)}
    assigned: set[str] = set()
    for node in _names_in_running_order(tree):
        reads = isinstance(node.ctx, ast.Load | ast.Del) or id(node) in augmented
        if reads and node.id not in assigned and node.id not in BUILTIN_NAMES | HELPERS:
            return True
        if isinstance(node.ctx, ast.Store):
            assigned.add(node.id)
    return False
