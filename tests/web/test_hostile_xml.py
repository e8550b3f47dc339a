"""The web app refuses a DOCTYPE or entity in any encoding, on upload, save, validate and deploy,
with a message saying what to do, never a 500 (the matrix: tests/hostile_xml.py)."""

from __future__ import annotations

import io
import json

import pytest

from engine import Actor, Engine, EngineConfig
from engine.persistence.models import ModelDraft
from engine.spec.xml_guard import SAVE_AS_UTF8
from tests.conftest import MINI
from tests.hostile_xml import MATRIX, diagram
from tests.web.conftest import Browser
from web import create_app
from web.cli.demo import DEMO_PASSWORD

OWNER = Actor("owner", frozenset({"process-owner"}))


def _utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# A draft holds UTF-8 text, so only these could have been saved in one before the guard saw them
# (UTF-16 and UTF-32 without a byte order mark are valid UTF-8: ASCII and NUL bytes).
IN_A_DRAFT = [p for p in MATRIX if _utf8(diagram(*p.values))]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One engine (the mini process deployed), app and signed-in process owner for the matrix."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile-web') / 'nrm.sqlite3'}"
    nrm = Engine(EngineConfig(database_url=url, service_modules=["tasks"]))
    nrm.migrate()
    nrm.deploy(MINI)
    nrm.users.add("owner", DEMO_PASSWORD, ["process-owner"], display_name="Owen (process owner)")
    owner = Browser(create_app(nrm, {"TESTING": True, "SECRET_KEY": "test-secret"}))
    owner.sign_in("owner")
    draft = nrm.drafts.create(OWNER, name="Mini", from_definition=nrm.deployments()[0].id)
    yield nrm, owner, draft
    nrm.db.dispose()


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _post_json(owner: Browser, path: str, body: dict | None = None):
    headers = {"Referer": "https://localhost/", "X-CSRFToken": owner.token}
    return owner.client.post(path, json=body or {}, base_url="https://localhost", headers=headers)


@pytest.mark.parametrize("encoding, attack, use", MATRIX)
def test_upload_and_save_refuse_it_saying_what_to_do(site, encoding, attack, use):
    nrm, owner, draft = site
    content = diagram(encoding, attack, use)
    owner.get("/models")
    created = owner.post(
        "/models/drafts",
        {"name": "Hostile", "files": (io.BytesIO(content), "mini.bpmn")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "The draft was not created: mini.bpmn: " in _page(created) and SAVE_AS_UTF8 in _page(created)
    added = owner.post(
        f"/models/drafts/{draft.id}/upload",
        {"files": (io.BytesIO(content), "mini.bpmn")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Not added: mini.bpmn: " in _page(added) and SAVE_AS_UTF8 in _page(added)
    text = content.decode("utf-8", "surrogateescape")  # a file that is not UTF-8 has lone surrogates
    saved = _post_json(
        owner, f"/models/drafts/{draft.id}/save", {"files": {"mini.bpmn": text}, "version": draft.version}
    )
    # Refused by the file check ("mini.bpmn: …"), or before it by the JSON reader if the text has
    # lone surrogates (engine/spec/json_input.py); either way the message says to use UTF-8.
    assert saved.status_code == 400 and "UTF-8" in saved.get_json()["error"]
    assert [d.name for d in nrm.drafts.list(OWNER)] == ["Mini"]
    assert nrm.drafts.get(draft.id, OWNER).files == draft.files


@pytest.mark.parametrize("encoding, attack, use", IN_A_DRAFT)
def test_validate_and_deploy_of_a_draft_holding_it_report_it(site, encoding, attack, use):
    nrm, owner, draft = site
    files = dict(draft.files, **{"mini.bpmn": diagram(encoding, attack, use).decode()})
    with nrm.db.writing() as session:  # saved before drafts were checked this way
        session.get(ModelDraft, draft.id).files_json = json.dumps(files)
    try:
        validated = _post_json(owner, f"/models/drafts/{draft.id}/validate")
        assert validated.status_code == 200 and not validated.get_json()["ok"]
        deployed = _post_json(owner, f"/models/drafts/{draft.id}/deploy")
        assert deployed.status_code == 422 and not deployed.get_json()["ok"]
        for report in (validated.get_json(), deployed.get_json()):
            found = [f for f in report["findings"] if f["file"] == "mini.bpmn" and f["severity"] == "error"]
            assert found and SAVE_AS_UTF8 in found[0]["message"], report
        assert [d.version for d in nrm.deployments()] == [1]
    finally:
        with nrm.db.writing() as session:
            session.get(ModelDraft, draft.id).files_json = json.dumps(draft.files)
