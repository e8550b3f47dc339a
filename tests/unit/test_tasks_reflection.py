"""The reflection and recovery period: 45 calendar days, day-30 review, extensions."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

import tasks  # noqa: F401  (registers the operators)
from engine.spec.services import ServiceContext, call_service

START = datetime(2026, 4, 13, 10, 30, tzinfo=UTC)


def make_context(now: datetime = START) -> ServiceContext:
    return ServiceContext(now=now, case_key="NRM-2026-000004", data={})


def start(**params) -> dict:
    return call_service("start_reflection_period", make_context(), params)


def test_default_period_is_45_days_with_a_review_at_day_30():
    reflection = start()
    assert reflection == {
        "started_at": "2026-04-13T10:30:00+00:00",
        "review_at": "2026-05-13T10:30:00+00:00",
        "ends_at": "2026-05-28T10:30:00+00:00",
        "days": 45,
        "extensions": [],
    }
    assert json.loads(json.dumps(reflection)) == reflection


def test_a_later_rule_can_set_other_lengths():
    reflection = start(days=30, review_day=20)
    assert reflection["ends_at"] == "2026-05-13T10:30:00+00:00"
    assert reflection["review_at"] == "2026-05-03T10:30:00+00:00"
    assert reflection["days"] == 30


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"days": 0}, "days must be a whole number from 1 to 365"),
        ({"days": 366}, "days must be a whole number from 1 to 365"),
        ({"days": "45"}, "days must be a whole number"),
        ({"days": 45, "review_day": 46}, "review_day must be a whole number from 1 to 45"),
        ({"review_day": 0}, "review_day must be a whole number from 1 to 45"),
    ],
)
def test_bad_lengths_are_refused(params, message):
    with pytest.raises(ValueError, match=message):
        start(**params)


def test_extension_moves_the_end_and_records_why_and_when():
    reflection = start()
    original = copy.deepcopy(reflection)
    later = make_context(datetime(2026, 5, 13, 9, 0, tzinfo=UTC))
    extended = call_service(
        "extend_reflection_period",
        later,
        {"reflection": reflection, "extension_days": 14, "reason": "trauma"},
    )
    assert extended == {
        **original,
        "ends_at": "2026-06-11T10:30:00+00:00",
        "days": 59,
        "extensions": [{"days": 14, "reason": "trauma", "granted_at": "2026-05-13T09:00:00+00:00"}],
    }
    assert reflection == original  # the input is not changed
    assert json.loads(json.dumps(extended)) == extended


def test_extensions_accumulate():
    reflection = start()
    ctx = make_context()
    once = call_service(
        "extend_reflection_period", ctx, {"reflection": reflection, "extension_days": 10, "reason": "health"}
    )
    twice = call_service(
        "extend_reflection_period", ctx, {"reflection": once, "extension_days": 5, "reason": "intimidation"}
    )
    assert twice["days"] == 60
    assert twice["ends_at"] == "2026-06-12T10:30:00+00:00"
    assert [extension["reason"] for extension in twice["extensions"]] == ["health", "intimidation"]
    assert [extension["reason"] for extension in once["extensions"]] == ["health"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"extension_days": 0, "reason": "health"}, "extension_days must be a whole number from 1 to 365"),
        ({"extension_days": 366, "reason": "health"}, "extension_days must be a whole number from 1 to 365"),
        ({"extension_days": True, "reason": "health"}, "extension_days must be a whole number"),
        ({"extension_days": 7, "reason": ""}, "at least one reason"),
        ({"extension_days": 7, "reason": []}, "at least one reason"),
    ],
)
def test_bad_extensions_are_refused(params, message):
    with pytest.raises(ValueError, match=message):
        call_service("extend_reflection_period", make_context(), {"reflection": start(), **params})


@pytest.mark.parametrize("reflection", [None, {}, {"ends_at": "2026-05-28T10:30:00+00:00"}, {"days": 45}])
def test_extension_needs_a_started_period(reflection):
    with pytest.raises(ValueError, match="reflection"):
        call_service(
            "extend_reflection_period",
            make_context(),
            {"reflection": reflection, "extension_days": 7, "reason": "other"},
        )


def test_the_move_on_period_ends_its_days_after_the_decision():
    move_on = call_service("start_move_on_period", make_context(), {"days": 14})
    assert move_on == {
        "started_at": "2026-04-13T10:30:00+00:00",
        "ends_at": "2026-04-27T10:30:00+00:00",
        "days": 14,
    }


@pytest.mark.parametrize("days", [0, -3, 366, "14", True, 1.5])
def test_a_move_on_period_of_a_nonsense_length_is_refused(days):
    with pytest.raises(ValueError, match="days must be a whole number"):
        call_service("start_move_on_period", make_context(), {"days": days})
