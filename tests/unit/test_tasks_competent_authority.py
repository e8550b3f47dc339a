"""Allocation to the competent authority's caseworker queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

import tasks  # noqa: F401  (registers the operators)
from engine.spec.services import ServiceContext, call_service, registered_services

OPERATORS = {
    "working_day_due_date",
    "allocate_competent_authority_queue",
    "notify_childrens_services",
    "produce_decision_letters",
    "flag_overdue_decision",
    "start_reflection_period",
    "extend_reflection_period",
}


def make_context() -> ServiceContext:
    return ServiceContext(now=datetime(2026, 4, 2, 9, 0, tzinfo=UTC), case_key="NRM-2026-000001", data={})


def test_importing_tasks_registers_every_operator_of_the_modelling_guide():
    assert set(registered_services()) >= OPERATORS


@pytest.mark.parametrize(
    ("code", "queue", "name"),
    [
        ("UKBA", "competent-authority-ukba", "UK Border Agency"),
        ("UKHTC", "competent-authority-ukhtc", "UK Human Trafficking Centre"),
    ],
)
def test_queue_and_name_per_competent_authority(code, queue, name):
    result = call_service("allocate_competent_authority_queue", make_context(), {"competent_authority": code})
    assert result == {"queue": queue, "competent_authority_name": name}
    assert json.loads(json.dumps(result)) == result


@pytest.mark.parametrize("code", ["SOCA", "ukba", "", None])
def test_unknown_competent_authority_is_refused(code):
    with pytest.raises(ValueError, match="allowed: UKBA, UKHTC"):
        call_service("allocate_competent_authority_queue", make_context(), {"competent_authority": code})
