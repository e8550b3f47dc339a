from __future__ import annotations

import pytest

from tests.scenarios.driver import CaseDriver, person


@pytest.fixture
def drive(nrm, database_url, moving_clock):
    """Make a CaseDriver for a person of the given nationality (adult unless adult=False)."""

    def make(nationality: str = "NG", adult: bool = True) -> CaseDriver:
        return CaseDriver(database_url, moving_clock, person(nationality, adult))

    return make
