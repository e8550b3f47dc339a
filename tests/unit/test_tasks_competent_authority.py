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
    "referral_date",
    "received_by_ukhtc",
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
    ("code", "name", "queue"),
    [
        ("UKBA", "UK Border Agency", "competent-authority-ukba"),
        ("UKHTC", "UK Human Trafficking Centre", "competent-authority-ukhtc"),
        ("SOCA", "Serious Organised Crime Agency", "competent-authority-soca"),
    ],
)
def test_queue_is_derived_from_the_code_and_the_name_comes_from_the_decision(code, name, queue):
    params = {"competent_authority": code, "competent_authority_name": name}
    result = call_service("allocate_competent_authority_queue", make_context(), params)
    assert result == {"queue": queue, "competent_authority_name": name}
    assert json.loads(json.dumps(result)) == result


def test_an_older_decision_without_names_gives_the_code():
    result = call_service(
        "allocate_competent_authority_queue", make_context(), {"competent_authority": "UKBA"}
    )
    assert result == {"queue": "competent-authority-ukba", "competent_authority_name": "UKBA"}


@pytest.mark.parametrize("code", ["UK BA", "", None, "../x"])
def test_a_code_that_cannot_name_a_group_is_refused(code):
    with pytest.raises(ValueError, match="competent authority code"):
        call_service("allocate_competent_authority_queue", make_context(), {"competent_authority": code})


def test_the_referral_date_is_the_day_in_london():
    late = ServiceContext(now=datetime(2013, 6, 30, 23, 30, tzinfo=UTC), case_key="NRM-2013-000001", data={})
    assert call_service("referral_date", late, {}) == "2013-07-01"
