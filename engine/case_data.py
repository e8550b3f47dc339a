"""Case data in the shape it has once stored: what the JSON state gives back.

A workflow kept in memory between steps (engine/workflow_cache.py) must behave as one restored
from the stored state, so everything written into task data is shaped as JSON would return it:
tuples become lists and non-text keys become text. Dates, times and UUIDs are left alone: the
state serializer stores them with their type and restores them as they were.
"""

from __future__ import annotations

import json
from typing import Any


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
