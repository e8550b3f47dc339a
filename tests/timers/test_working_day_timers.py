"""Timers in working days (bank holidays excluded, region configurable) and in calendar days."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import pytest

from engine import DeploymentError, Engine, EngineConfig
from tests.timers.conftest import FIXTURES


@pytest.fixture
def bundle_with_timer(tmp_path):
    def make(expression: str):
        folder = tmp_path / "bundle"
        shutil.copytree(FIXTURES / "quick_timer", folder)
        bpmn = folder / "quick_timer.bpmn"
        bpmn.write_text(bpmn.read_text().replace("<bpmn:timeDate>due</bpmn:timeDate>", expression))
        return folder

    return make


@pytest.mark.parametrize(
    ("region", "due"),
    [
        ("england-and-wales", datetime(2026, 4, 13, 22, 59, 59, tzinfo=UTC)),  # Good Friday, Easter Monday
        ("scotland", datetime(2026, 4, 10, 22, 59, 59, tzinfo=UTC)),  # Easter Monday is a working day
    ],
)
def test_a_working_day_timer_skips_weekends_and_the_regions_bank_holidays(
    database_url, moving_clock, bundle_with_timer, region, due
):
    moving_clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    engine = Engine(
        EngineConfig(database_url=database_url, bank_holiday_region=region, service_modules=["tasks"])
    )
    engine.migrate()
    engine.deploy(bundle_with_timer("<bpmn:timeDate>working_days(5)</bpmn:timeDate>"))
    case = engine.start_case("quick_timer")
    assert [t.due_at for t in case.timers] == [due]
    moving_clock.set(due - timedelta(minutes=1))
    assert engine.fire_due_timers() == 0
    moving_clock.set(due + timedelta(seconds=1))
    assert engine.fire_due_timers() == 1
    engine.db.dispose()


def test_a_calendar_day_timer_counts_every_day(engine, moving_clock, bundle_with_timer):
    engine.deploy(bundle_with_timer("<bpmn:timeDuration>'P45D'</bpmn:timeDuration>"))
    case = engine.start_case("quick_timer")
    assert [t.due_at for t in case.timers] == [moving_clock.now() + timedelta(days=45)]


def test_an_unknown_region_in_a_working_day_timer_is_refused_at_deploy(engine, bundle_with_timer):
    with pytest.raises(DeploymentError, match="wait_until_due.*unknown bank holiday region 'wales-only'"):
        engine.deploy(bundle_with_timer("<bpmn:timeDate>working_days(5, 'wales-only')</bpmn:timeDate>"))
    assert engine.deployments() == []


def test_an_unknown_region_from_the_case_data_is_a_clear_error_when_reached(engine, bundle_with_timer):
    engine.deploy(bundle_with_timer("<bpmn:timeDate>working_days(5, due)</bpmn:timeDate>"))
    with pytest.raises(Exception, match="unknown bank holiday region 'wales-only'"):
        engine.start_case("quick_timer", {"due": "wales-only"})
    assert engine.cases() == []
