"""JSON from outside (API bodies, the editor's calls, form files, drafts' files): read with limits.

What is read here is walked later by recursive code (jsonschema, `case_data.json_shaped`, the state
serializer), which runs out of Python's recursion limit at about 100 levels inside a request. So
nesting deeper than MAX_DEPTH is refused here, before any of that runs, with a message saying so.
The NRM forms are 7 levels deep and their answers 2 or 3, so 32 leaves plenty of room.

Also refused: text that is not UTF-8 or escapes half a character (pages showing it would fail),
NaN and Infinity (not JSON numbers: other readers refuse them), numbers too large for a float,
and a key given twice in one object (readers disagree on which one counts). Sizes are limited
before this: 1 MB for a request (MAX_CONTENT_LENGTH), 5 MB for a model file (MAX_FILE_BYTES).
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 32
CONTAINERS = (dict, list, tuple)


class JsonRefused(ValueError):
    """JSON that is malformed or nested too deep; the message says what is wrong, for people."""


def read_json(raw: bytes | str) -> Any:
    """The value in `raw`, or JsonRefused."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise JsonRefused("the JSON is not UTF-8 text") from None
    try:
        value = json.loads(
            text, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_unique_keys
        )
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise JsonRefused(f"not valid JSON: {error.msg} at {where}") from None
    except RecursionError:
        raise _too_deep() from None
    except JsonRefused:
        raise
    except ValueError:  # an integer with thousands of digits
        raise JsonRefused("the JSON has a number too long to read") from None
    check_depth(value)
    if isinstance(raw, str) or "\\u" in text:  # a \ud800 escape reads as half a character
        _check_unicode(value)
    return value


def check_depth(value: Any) -> None:
    """JsonRefused if lists and objects in `value` are nested more than MAX_DEPTH levels deep."""
    level = [value]
    for _level in range(MAX_DEPTH):
        level = [
            child
            for node in level
            if isinstance(node, CONTAINERS)
            for child in (node.values() if isinstance(node, dict) else node)
        ]
        if not level:
            return
    if any(isinstance(node, CONTAINERS) for node in level):
        raise _too_deep()


def _check_unicode(value: Any) -> None:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        half = "the JSON has text with half a character in it (a lone surrogate escape)"
        raise JsonRefused(f"{half}; send UTF-8 text") from None


def _too_deep() -> JsonRefused:
    return JsonRefused(f"the JSON is nested too deep: at most {MAX_DEPTH} levels of lists and objects")


def _no_constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not a JSON number; send a number, or null for no value")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise JsonRefused(f"the number {text[:20]} is too large")
    return number


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise JsonRefused(f'the key "{key[:80]}" appears twice in one object; send it once')
        seen.add(key)
    return dict(pairs)
