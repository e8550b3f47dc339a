"""Case data shaped as the stored state gives it back (engine/spec/case_data.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import UUID

from engine.spec.case_data import json_shaped


def test_tuples_become_lists_and_keys_text_as_json_would_return_them():
    data = {"pair": (1, (2, 3)), "by_number": {1: "x", 2.5: "y", False: "f", None: "n"}, "name": "Ann"}
    shaped = json_shaped(data)
    assert shaped == json.loads(json.dumps(data))
    assert shaped == {
        "pair": [1, [2, 3]],
        "by_number": {"1": "x", "2.5": "y", "false": "f", "null": "n"},
        "name": "Ann",
    }


def test_typed_values_the_serializer_keeps_are_left_alone_and_nothing_is_shared():
    when, key = datetime(2026, 3, 2, 9, tzinfo=UTC), UUID(int=7)
    answers = {"decided_at": when, "id": key, "nested": {"list": [1, 2]}}
    shaped = json_shaped(answers)
    assert shaped["decided_at"] is when and shaped["id"] is key
    shaped["nested"]["list"].append(3)
    assert answers["nested"]["list"] == [1, 2]
