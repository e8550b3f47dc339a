"""Case data in the shape it has once stored: what the JSON state gives back.

A workflow kept in memory between steps (engine/workflow_cache.py) must behave as one restored
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
_SCALARS = (str, bool, int, type(None))
_KINDS = {
    bytes: "bytes",
    bytearray: "bytes",
    complex: "a complex number",
    range: "a range",
    set: "a set",
    frozenset: "a set",
}


def storable(value: Any, name: str) -> Any:
    """`value` as the stored state gives it back (like `json_shaped`), or ValueNotStorable naming
    the variable and the part of it a case cannot hold (JSON's text, numbers, true/false, null,
    lists and records with text keys are what a case holds)."""
    if isinstance(value, _SCALARS):
        return value
    return _storable(value, name, 0)


def _storable(value: Any, where: str, depth: int) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueNotStorable(f"{where} is not a finite number, which a case cannot store")
        return value
    if depth >= MAX_DEPTH:
        raise ValueNotStorable(f"{where} is nested more than {MAX_DEPTH} levels deep, more than a case holds")
    if isinstance(value, list | tuple):
        return [_storable(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    if isinstance(value, dict):
        shaped = {}
        for key, item in value.items():
            if not isinstance(key, _SCALARS + (float,)) or isinstance(key, float) and key != key:
                kind = type(key).__name__
                raise ValueNotStorable(f"{where} has a key of type {kind}, which a case cannot store")
            shaped[_key(key)] = _storable(item, f"{where}[{_key(key)!r}]", depth + 1)
        return shaped
    kind = _KINDS.get(type(value), f"a value of type {type(value).__name__}")
    raise ValueNotStorable(
        f"{where} holds {kind}, which a case cannot store: keep text, numbers, true/false, lists and records"
    )
