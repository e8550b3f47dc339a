"""Case data in the shape it has once stored: what the JSON state gives back.

A workflow kept in memory between steps (engine/runtime/workflow_cache.py) must behave as one restored
from the stored state, so everything written into task data is shaped as JSON would return it:
tuples become lists and non-text keys become text. Dates, times and UUIDs are left alone: the
state serializer stores them with their type and restores them as they were.
"""

from __future__ import annotations

import json
from typing import Any

from engine.errors import ValueNotStorable


def json_shaped(value: Any) -> Any:
    """`value` as it reads back from the stored state (a new object: the caller's is not shared)."""
    if isinstance(value, dict):
        return {_key(k): json_shaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_shaped(v) for v in value]
    return value


def _key(key: Any) -> Any:
    if isinstance(key, str) or not isinstance(key, int | float | bool) and key is not None:
        return key  # text, or a key JSON cannot store at all (the serializer refuses it)
    return json.dumps(key)  # 1 -> "1", True -> "true", None -> "null", as json.dumps writes keys


MAX_DEPTH = 64  # lists and records inside each other; deeper data is refused, not stored
MAX_SIZE = 1_000_000  # characters of text plus items, in one variable: a case is not a file store
MAX_INT_BITS = 14_000  # about 4,300 digits, the most Python will write as text (JSON)
_KINDS = {
    bytes: "bytes",
    bytearray: "bytes",
    complex: "a complex number",
    range: "a range",
    set: "a set",
    frozenset: "a set",
}
ADVICE = "keep text, numbers, true/false, lists and records"


class Unstorable:
    """A value code gave (in the bounded runner) that a case cannot hold: its truth serves a
    condition; stored, it is refused with `reason`."""

    def __init__(self, truth: bool, reason: str):
        self.truth = truth
        self.reason = reason

    def __bool__(self) -> bool:
        return self.truth

    def __repr__(self) -> str:
        return f"<{self.reason}>"


class _Refused(Exception):
    """Where in the value (filled in on the way out) and what is wrong."""

    def __init__(self, what: str):
        self.path: list[str] = []
        self.what = what


def storable(value: Any, name: str) -> Any:
    """`value` as the stored state gives it back (like `json_shaped`), or ValueNotStorable naming
    the variable and the part of it a case cannot hold: JSON's text, numbers, true/false, null,
    lists and records with text keys are what a case holds, at most MAX_DEPTH deep and MAX_SIZE
    in all."""
    if isinstance(value, Unstorable):
        raise ValueNotStorable(value.reason.replace("its value", name, 1))
    if type(value) in (str, bool) or value is None:  # nearly every value: checked at once
        if type(value) is str and len(value) > MAX_SIZE:
            raise ValueNotStorable(f"{name} is {len(value):,} characters long, more than a case holds")
        return value
    try:
        return _storable(value, 0, [MAX_SIZE])
    except _Refused as refused:
        raise ValueNotStorable(f"{name}{''.join(refused.path)} {refused.what}") from None


def _storable(value: Any, depth: int, room: list[int]) -> Any:
    if isinstance(value, str | bool) or value is None:
        room[0] -= len(value) if isinstance(value, str) else 1
    elif isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            raise _Refused("is a number too long for a case to store")
        room[0] -= 1
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _Refused("is not a finite number, which a case cannot store")
        room[0] -= 1
    elif isinstance(value, list | tuple | dict):
        if depth >= MAX_DEPTH:
            raise _Refused(f"is nested more than {MAX_DEPTH} levels deep, more than a case holds")
        room[0] -= len(value)
        if room[0] < 0:
            raise _Refused(f"is larger than a case holds (more than {MAX_SIZE:,} characters and items)")
        return _container(value, depth, room)
    else:
        kind = _KINDS.get(type(value), f"a value of type {type(value).__name__}")
        raise _Refused(f"holds {kind}, which a case cannot store: {ADVICE}")
    if room[0] < 0:
        raise _Refused(f"is larger than a case holds (more than {MAX_SIZE:,} characters and items)")
    return value


def _container(value: list | tuple | dict, depth: int, room: list[int]) -> list | dict:
    if isinstance(value, dict):
        shaped = {}
        for key, item in value.items():
            if not (isinstance(key, str | int | float | bool) or key is None) or key != key:
                raise _Refused(f"has a key of type {type(key).__name__}, which a case cannot store")
            try:
                shaped[_key(key)] = _storable(item, depth + 1, room)
            except _Refused as refused:
                refused.path.insert(0, f"[{_key(key)!r}]")
                raise
        return shaped
    shaped_list = []
    for index, item in enumerate(value):
        try:
            shaped_list.append(_storable(item, depth + 1, room))
        except _Refused as refused:
            refused.path.insert(0, f"[{index}]")
            raise
    return shaped_list
