"""Retention declared in the diagram (`retention`, years after the case closed): on a moved clock
the retention run erases exactly the closed cases past it, not held ones and not active ones;
a dry run lists them and changes nothing; statistics do not change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import Actor, DeploymentError, EngineConfig, PersonalDataErased
from engine.spec.bundle import Bundle
from engine.timers.scheduler import DAILY_JOB
from tests.conftest import MINI
from tests.scenarios.driver import CaseDriver, person

MANAGER = Actor("manager", frozenset({"manager"}))
SINCE, UNTIL = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
REASON = "Retention period of 6 years after the case closed has passed"


def referred(database_url, moving_clock) -> str:
    case = CaseDriver(database_url, moving_clock, person("NG"))
    case.refer("adult")
    return case.key


def figures(nrm):
    counted, _at = nrm.statistics(MANAGER, SINCE, UNTIL, fresh=True)
    return [(f.key, f.rows) for f in counted]


def readable(nrm, key: str) -> bool:
    try:
        nrm.case_data(key)
    except PersonalDataErased:
        return False
    return True


@pytest.fixture
def cases(nrm, database_url, moving_clock):
    """Closed on 2 March 2026 (`old`), closed then and on legal hold (`held`), still active
    (`active`), and closed two years later (`later`)."""
    old, held, active = (referred(database_url, moving_clock) for _ in range(3))
    nrm.cancel_case(old, "Referred twice", MANAGER)
    nrm.cancel_case(held, "Referred twice", MANAGER)
    nrm.set_legal_hold(held, "Evidence in a prosecution", MANAGER)
    moving_clock.move(timedelta(days=731))
    later = referred(database_url, moving_clock)
    nrm.cancel_case(later, "Referred twice", MANAGER)
    return {"old": old, "held": held, "active": active, "later": later}


def test_the_retention_run_erases_exactly_the_closed_cases_past_it(nrm, cases, moving_clock):
    moving_clock.move(
        datetime(2032, 3, 2, 8, 0, tzinfo=UTC) - moving_clock.now()
    )  # an hour short of six years
    assert nrm.retention_due() == []
    moving_clock.move(datetime(2032, 3, 3, 9, 0, tzinfo=UTC) - moving_clock.now())
    before = figures(nrm)

    listed = nrm.run_retention(dry_run=True)
    assert [(d.key, d.years, d.ended_at) for d in listed] == [
        (cases["old"], 6, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    ]
    assert all(readable(nrm, key) for key in cases.values())  # the dry run changed nothing

    erased = nrm.run_retention()
    assert [d.key for d in erased] == [cases["old"]]
    assert not readable(nrm, cases["old"])
    assert all(readable(nrm, cases[name]) for name in ("held", "active", "later"))
    assert nrm.case_detail(cases["old"], MANAGER).erasure.reason == REASON
    assert figures(nrm) == before
    assert nrm.run_retention() == []  # nothing twice

    moving_clock.move(datetime(2034, 3, 3, 9, 0, tzinfo=UTC) - moving_clock.now())
    assert [d.key for d in nrm.run_retention()] == [cases["later"]]
    assert readable(nrm, cases["held"]) and readable(nrm, cases["active"])
    nrm.lift_legal_hold(cases["held"], "The prosecution has ended", MANAGER)
    assert [d.key for d in nrm.run_retention(dry_run=True)] == [cases["held"]]


def test_the_schedulers_daily_job_runs_the_retention(nrm, cases, moving_clock):
    moving_clock.move(datetime(2032, 3, 3, 9, 0, tzinfo=UTC) - moving_clock.now())
    timers = nrm.scheduler(keep_workflows=False)
    timers.run_daily()
    assert not readable(nrm, cases["old"]) and readable(nrm, cases["later"])
    assert timers.daily_hour == nrm.config.retention_hour == 2


def test_the_daily_job_is_scheduled_at_the_configured_hour(engine, monkeypatch):
    monkeypatch.setenv("NRM_RETENTION_HOUR", "23")
    assert EngineConfig.from_environment().retention_hour == 23
    timers = engine.scheduler()
    timers.daily_hour = 4
    timers.start()
    try:
        trigger = str(timers._apscheduler.get_job(DAILY_JOB).trigger)
    finally:
        timers.stop()
    assert "hour='4'" in trigger and "minute='0'" in trigger
    monkeypatch.setenv("NRM_RETENTION_HOUR", "24")
    with pytest.raises(ValueError, match="NRM_RETENTION_HOUR"):
        EngineConfig.from_environment()


def _with_retention(value: str) -> Bundle:
    files = {p.relative_to(MINI).as_posix(): p.read_bytes() for p in MINI.rglob("*") if p.is_file()}
    main = next(p for p in files if p.endswith(".bpmn"))
    text = files[main].decode()
    process_open = text.index(">", text.index("<bpmn:process")) + 1
    files[main] = (
        text[:process_open]
        + '<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="retention"'
        f' value="{value}"/></spiffworkflow:properties></bpmn:extensionElements>' + text[process_open:]
    ).encode()
    return Bundle(files)


@pytest.mark.parametrize("value", ["0", "101", "6.5", "six", "-1", ""])
def test_a_retention_that_is_not_whole_years_from_1_to_100_is_refused_at_deploy(engine, value):
    with pytest.raises(DeploymentError) as refused:
        engine.deploy(_with_retention(value))
    assert "retention must be a whole number of years from 1 to 100" in str(refused.value)
    assert "mini_process" in str(refused.value)


def test_a_whole_number_of_years_deploys(engine):
    assert engine.deploy(_with_retention("10")).created
