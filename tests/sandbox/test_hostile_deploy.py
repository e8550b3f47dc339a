"""The whole hostile corpus in every place diagram code can sit: each piece is refused before
deploy with a finding on its element, within the checks' time, and nothing is deployed."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from engine.errors import DeploymentError
from engine.persistence.models import DefinitionVersion
from tests.conftest import DATABASES
from tests.sandbox.corpus import EXPRESSIONS, FINE, FINE_SCRIPTS, SCRIPTS, UNSTORABLE
from tests.sandbox.places import PLACES, bundle

SCRIPT_PLACES = ("script", "preScript", "postScript")
REASONS = (
    "refused by the sandbox",
    "is not valid Python",
    "characters long",
    "goes over its budget",
    "stores what a case cannot hold",
    "fails for every case",
)
# What is tested is the checks, not the database.
pytestmark = pytest.mark.parametrize("database_url", [DATABASES[0]], indirect=True)


def _codes(place: str) -> list[str]:
    """The corpus for a place; values a case cannot hold only where they would be stored."""
    if place in SCRIPT_PLACES:
        return SCRIPTS
    return EXPRESSIONS if place == "dmn output cell" else [e for e in EXPRESSIONS if e not in UNSTORABLE]


@pytest.mark.parametrize("place", PLACES)
def test_every_hostile_piece_is_refused_before_deploy(engine, place):
    codes = _codes(place)
    started = time.monotonic()
    with pytest.raises(DeploymentError) as refused:
        engine.deploy(bundle(place, codes))
    assert time.monotonic() - started < 60
    by_element = {}
    for finding in refused.value.findings:
        by_element.setdefault(finding.element_id, []).append(finding.message)
    for index, code in enumerate(codes):
        element = f"decision_code_{index}" if place.startswith("dmn") else f"code_{index}"
        messages = by_element.get(element, []) + by_element.get(f"rule_code_{index}", [])
        messages += by_element.get(f"expression_code_{index}", []) + by_element.get(f"code_{index}_yes", [])
        messages += by_element.get(f"code_{index}_value", []) + by_element.get(f"code_{index}_cycle", [])
        assert any(reason in m for m in messages for reason in REASONS), (code, messages)
    with engine.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(DefinitionVersion)) == 0


@pytest.mark.parametrize("place", PLACES)
def test_ordinary_code_that_reads_case_data_deploys(engine, place):
    """Not refused by its trial: code that reads the case's data is judged when it runs."""
    codes = FINE_SCRIPTS if place in SCRIPT_PLACES else [FINE[place]]
    deployed = engine.deploy(bundle(place, codes))
    assert deployed.created and deployed.process_id == "hostile"
