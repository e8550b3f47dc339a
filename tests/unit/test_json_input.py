"""engine.spec.json_input: hostile JSON is refused with a message saying what is wrong, never a crash."""

from __future__ import annotations

import pytest

from engine.spec.json_input import MAX_DEPTH, JsonRefused, check_depth, read_json


def _lists(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_nesting_up_to_the_limit_is_read_and_deeper_is_refused():
    assert read_json(_lists(MAX_DEPTH)) is not None
    for deep in (
        _lists(MAX_DEPTH + 1),
        _lists(900),  # json.loads reads it, later code would not
        "[" * 100_000,  # json.loads itself runs out of recursion
        '{"a": ' * 2_000 + "1" + "}" * 2_000,
        '{"data": {"x": ' + _lists(1_000) + "}}",
    ):
        with pytest.raises(JsonRefused, match=f"nested too deep: at most {MAX_DEPTH} levels"):
            read_json(deep)


def test_check_depth_counts_lists_and_objects_but_not_values():
    nested: object = "text"
    for level in range(MAX_DEPTH):
        nested = {"a": nested} if level % 2 else [nested, 1, "x"]
    check_depth(nested)
    with pytest.raises(JsonRefused):
        check_depth((nested,))


@pytest.mark.parametrize(
    "raw, words",
    [
        (b'{"a": "caf\xe9"}', "not UTF-8 text"),
        ('{"a": "\\ud800"}', "half a character"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": [-Infinity]}', "-Infinity is not a JSON number"),
        ('{"a": 1e999}', "the number 1e999 is too large"),
        ("1" * 5_000, "a number too long to read"),
        ('{"a": 1, "a": 2}', 'the key "a" appears twice'),
        (
            '{"a": 1,}',
            "not valid JSON: Expecting property name enclosed in double quotes at line 1, column 9",
        ),
        ("", "not valid JSON: Expecting value at line 1, column 1"),
    ],
)
def test_malformed_json_is_refused_saying_what_is_wrong(raw, words):
    with pytest.raises(JsonRefused) as refused:
        read_json(raw)
    assert words in str(refused.value)


def test_ordinary_json_reads_as_json_loads_would():
    assert read_json('{"a": [1, 2.5, "\\ud83d\\ude00", null, true], "b": {}}') == {
        "a": [1, 2.5, "\U0001f600", None, True],
        "b": {},
    }
    assert len(read_json("[" + "1," * 300_000 + "1]")) == 300_001  # flat and large is fine
