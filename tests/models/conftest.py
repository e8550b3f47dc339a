from __future__ import annotations

import pytest

from engine import Actor
from engine.spec.bundle import read_bundle
from tests.conftest import BUNDLE
from tests.scenarios.driver import CaseDriver, person
from web.cli.demo import POLICY_EXAMPLE

OWNER = Actor("owen", frozenset({"process-owner"}))
MANAGER = Actor("mia", frozenset({"manager"}))
CASEWORKER = Actor("cara", frozenset({"competent-authority-ukba"}))


@pytest.fixture
def version_two():
    """The shipped example policy change: bpmn/ with the 30-day recovery period files on top."""
    return read_bundle(BUNDLE, BUNDLE / POLICY_EXAMPLE)


@pytest.fixture
def drive(nrm, database_url, moving_clock):
    """A CaseDriver (tests/scenarios/driver.py) for a person of the given nationality."""

    def make(nationality: str = "NG", adult: bool = True) -> CaseDriver:
        return CaseDriver(database_url, moving_clock, person(nationality, adult))

    return make
