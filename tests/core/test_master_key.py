"""The master key (engine/crypto): a wrong or missing one stops the engine before it changes
anything; rotating it rewraps every case key, after which the old key can go."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import Actor, Engine, EngineConfig, MasterKeyError, write_key_file
from engine.persistence.models import Case
from tests.conftest import TEST_MASTER_KEY

FR = Actor("fr", frozenset({"first-responder"}), agency="police")
OTHER_KEY = "b3RoZXItbWFzdGVyLWtleS1mb3ItdGhlLXRlc3RzISE="  # 32 bytes, another key


@pytest.fixture
def other_engines(database_url):
    """Engines on the same database with other keys; the tests' own key is installed again after."""
    made: list[Engine] = []

    def make(**keys) -> Engine:
        engine = Engine(EngineConfig(database_url=database_url, service_modules=["tasks"], **keys))
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.db.dispose()
    Engine(EngineConfig(database_url=database_url, master_key=TEST_MASTER_KEY)).db.dispose()


def _rows(engine: Engine) -> list[tuple]:
    with engine.db.reading() as session:
        return [(c.state, c.data_key, c.data_key_id) for c in session.scalars(select(Case).order_by(Case.id))]


def test_a_wrong_master_key_stops_the_engine_and_changes_nothing(nrm, other_engines):
    case = nrm.start_case("nrm_pathway", actor=FR)
    before = _rows(nrm)
    wrong = other_engines(master_key=OTHER_KEY, master_key_file=None)
    with pytest.raises(MasterKeyError, match="configure the key the database was written with"):
        wrong.check_master_key()
    with pytest.raises(MasterKeyError):
        wrong.case_data(case.key)
    assert _rows(wrong) == before


def test_a_missing_master_key_stops_the_engine(nrm, other_engines):
    nrm.start_case("nrm_pathway", actor=FR)
    missing = other_engines(master_key=None, master_key_file=None)
    with pytest.raises(MasterKeyError, match="no master key is configured: set NRM_MASTER_KEY_FILE"):
        missing.check_master_key()


def test_a_malformed_master_key_says_how_to_make_one(other_engines):
    with pytest.raises(MasterKeyError, match="nrm keys new FILE"):
        other_engines(master_key="not a key", master_key_file=None)


def test_after_rotation_every_case_reads_with_the_new_key_alone(nrm, other_engines, tmp_path):
    keys = [nrm.start_case("nrm_pathway", actor=FR).key for _ in range(3)]
    data = {key: nrm.case_data(key) for key in keys}
    new_file = tmp_path / "new.key"
    new = write_key_file(new_file)
    assert nrm.rotate_master_key(new_file) == 3
    assert {row[2] for row in _rows(nrm)} == {new.key_id}
    old_gone = other_engines(master_key=None, master_key_file=new_file)  # the old key is no more
    old_gone.check_master_key()
    assert {key: old_gone.case_data(key) for key in keys} == data
    with pytest.raises(MasterKeyError):
        other_engines(master_key=TEST_MASTER_KEY, master_key_file=None).check_master_key()
