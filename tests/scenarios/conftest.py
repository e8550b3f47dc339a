"""The scenarios' person, and the check every scenario ends with: the person's family name (the
canary) in no log line and in no table or column in clear (tests/canary.py)."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from tests.canary import CANARY, tables_holding
from tests.scenarios.driver import CaseDriver, person


@pytest.fixture
def drive(nrm, database_url, moving_clock, caplog):
    """Make a CaseDriver for a person of the given nationality (adult unless adult=False), whose
    family name is the canary; once the scenario is over, the canary must be nowhere in clear."""
    caplog.set_level(logging.DEBUG)

    def make(nationality: str = "NG", adult: bool = True) -> CaseDriver:
        return CaseDriver(database_url, moving_clock, replace(person(nationality, adult), family_name=CANARY))

    yield make
    logged = [r.getMessage() for r in caplog.records if CANARY.lower() in r.getMessage().lower()]
    assert not logged, f"the person's name in a log line: {logged[:3]}"
    assert tables_holding(database_url, (CANARY,)) == [], "the person's name stored in clear"
