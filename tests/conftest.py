"""Shared fixtures: a real database (SQLite file, or PostgreSQL when NRM_TEST_POSTGRES_URL is set),
the engine clock moved by tests, and an engine with the NRM bundle deployed."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# Every engine the tests make (and every `nrm` they run) seals personal data with this master key
# (engine/crypto): set before any EngineConfig reads the environment.
TEST_MASTER_KEY = "bnJtLXRlc3RzLW1hc3Rlci1rZXktMzItYnl0ZXMhISE="  # 32 bytes, tests only
os.environ["NRM_MASTER_KEY"] = TEST_MASTER_KEY
os.environ.pop("NRM_MASTER_KEY_FILE", None)

from engine import Engine, EngineConfig, MovableClock, clock  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "bpmn"
MINI = Path(__file__).parent / "fixtures" / "mini"
POSTGRES_URL = os.environ.get("NRM_TEST_POSTGRES_URL")
NO_POSTGRES = (
    "PostgreSQL tests need NRM_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
)

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[pytest.mark.postgres, pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)],
    ),
]


@pytest.fixture
def moving_clock():
    """The engine clock, standing at Monday 2 March 2026 09:00 UTC until a test moves it."""
    movable = MovableClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    previous = clock.use(movable)
    yield movable
    clock.use(previous)


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'nrm.sqlite3'}"
        return
    server = make_url(POSTGRES_URL)
    name = f"nrm_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_engine(url: str) -> Engine:
    engine = Engine(EngineConfig(database_url=url, service_modules=["tasks"]))
    return engine


@pytest.fixture
def engine(database_url, moving_clock):
    """An engine on a migrated, empty database."""
    built = make_engine(database_url)
    built.migrate()
    yield built
    built.db.dispose()


@pytest.fixture
def mini(engine):
    """The engine with the small test process deployed."""
    engine.deploy(MINI)
    return engine


@pytest.fixture
def nrm(engine):
    """The engine with the real NRM bundle (bpmn/) deployed."""
    engine.deploy(BUNDLE)
    return engine
