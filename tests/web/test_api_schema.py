"""schemathesis against /api/v1/openapi.json: generated requests for every operation, as a
first responder's system and as a caseworker's, must get no server error and only responses the
document describes (status codes, content types, bodies)."""

from __future__ import annotations

import random

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from tests.conftest import BUNDLE, make_engine
from tests.web.api_client import demo_user
from web import create_app
from web.api.openapi import openapi_document


@pytest.fixture(scope="module")
def api_world(tmp_path_factory):
    """One app and database for the whole run (hypothesis calls the test many times)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('api')}/api.db")
    engine.migrate()
    engine.deploy(BUNDLE)
    tokens = {}
    for username in ("fr-police", "ca-ukba", "manager"):
        demo_user(engine, username)
        tokens[username] = engine.tokens.issue(username, "schemathesis")[1]
    app = create_app(engine, {"TESTING": True, "SECRET_KEY": "schema-test"})
    yield app, engine, tokens
    engine.db.dispose()


# The document the app serves (test_api checks /api/v1/openapi.json returns exactly this).
schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_matches_its_openapi_document(case, api_world):
    app, engine, tokens = api_world
    rng = random.Random(repr(case.path_parameters) + repr(case.query))
    username = rng.choice(sorted(tokens))
    negative = case.meta is not None and case.meta.generation.mode is GenerationMode.NEGATIVE
    if not negative and "task_id" in (case.path_parameters or {}) and rng.random() < 0.5:
        open_tasks = engine.tasks(limit=50)
        if not open_tasks:
            engine.start_case("nrm_pathway")
            open_tasks = engine.tasks(limit=50)
        case.path_parameters["task_id"] = rng.choice(open_tasks).id  # a real task, not only random ids
    case.operation.schema.app = app  # requests go to the app in-process (WSGI), extra checks' requests too
    headers = {}
    if not case.operation.schema.is_security_param_negated(case):
        headers["Authorization"] = f"Bearer {tokens[username]}"
    case.call_and_validate(app=app, headers=headers)
