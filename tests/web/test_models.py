"""/models through Flask: versions, downloads, the diff, drafts saved, validated and deployed by
process owners only, hostile uploads refused with a clear report, and moving cases."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from engine import Actor
from engine.spec.bundle import read_bundle
from tests.conftest import BUNDLE
from web.cli.demo import POLICY_EXAMPLE

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
OWNER = Actor("owner", frozenset({"process-owner"}))
TIMER = "<bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">reflection['review_at']</bpmn:timeDate>"
TEN_DAYS = "<bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\">'P10D'</bpmn:timeDuration>"


def _json(browser, path: str, body: dict | None = None, token: str | None = None):
    headers = {"Referer": "https://localhost/", "X-CSRFToken": browser.token if token is None else token}
    return browser.client.post(path, json=body or {}, base_url="https://localhost", headers=headers)


def _raw(browser, path: str):
    """A download (the test browser reads pages as text)."""
    return browser.client.get(path, base_url="https://localhost")


def _draft(owner, nrm) -> int:
    """A draft copying the deployed NRM version, created through the page's form."""
    owner.get("/models")
    response = owner.post("/models/drafts", {"from_version": str(nrm.deployments()[0].id), "name": "Change"})
    assert response.status_code == 303
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _editor(owner, draft_id: int) -> dict:
    page = owner.get(f"/models/drafts/{draft_id}").get_data(as_text=True)
    start = page.index('id="model-editor-data">') + len('id="model-editor-data">')
    return json.loads(page[start : page.index("</script>", start)])


def test_versions_are_listed_and_downloaded_and_only_owners_see_drafts(browser, nrm):
    nrm.start_case("nrm_pathway", actor=POLICE)
    manager = browser("manager")
    page = manager.get("/models").get_data(as_text=True)
    assert "National Referral Mechanism pathway" in page and "Upload" not in page
    version = nrm.deployments()[0]
    archive = zipfile.ZipFile(io.BytesIO(_raw(manager, f"/models/versions/{version.id}/download").data))
    assert sorted(archive.namelist()) == sorted(read_bundle(BUNDLE).files)
    single = _raw(manager, f"/models/versions/{version.id}/files/forms/recovery-review.json")
    assert single.data == (BUNDLE / "forms" / "recovery-review.json").read_bytes()
    assert manager.get(f"/models/versions/{version.id}/files/nope.bpmn").status_code == 404
    assert browser("support").get("/models").status_code == 403
    assert _raw(browser("support"), f"/models/versions/{version.id}/download").status_code == 403
    owner_page = browser("owner").get("/models").get_data(as_text=True)
    assert "Upload as a new draft" in owner_page and "Edit a copy" in owner_page


def test_an_unchanged_draft_deploys_as_a_no_op_and_a_changed_timer_as_a_new_version(browser, nrm):
    owner = browser("owner")
    draft_id = _draft(owner, nrm)
    editor = _editor(owner, draft_id)
    assert (
        editor["files"]["reflection_recovery.bpmn"].encode()
        == (BUNDLE / "reflection_recovery.bpmn").read_bytes()
    )
    assert _json(owner, editor["urls"]["validate"]).get_json() == {"ok": True, "findings": []}
    unchanged = _json(owner, editor["urls"]["deploy"]).get_json()
    assert unchanged["deployment"] == {
        "version": 1,
        "created": False,
        "content_hash": nrm.deployments()[0].content_hash,
        "process_id": "nrm_pathway",
    }
    files = dict(editor["files"])
    files["reflection_recovery.bpmn"] = files["reflection_recovery.bpmn"].replace(TIMER, TEN_DAYS, 1)
    saved = _json(owner, editor["urls"]["save"], {"files": files, "version": editor["version"]})
    assert saved.status_code == 200
    deployed = _json(owner, editor["urls"]["deploy"]).get_json()
    assert deployed["ok"] and deployed["deployment"]["version"] == 2 and deployed["deployment"]["created"]
    assert [d.version for d in nrm.deployments()] == [1, 2]


def test_a_stale_save_is_refused_and_changes_nothing(browser, nrm):
    owner = browser("owner")
    draft_id = _draft(owner, nrm)
    editor = _editor(owner, draft_id)
    files = dict(editor["files"], **{"forms/new.json": '{"type": "object"}'})
    assert (
        _json(owner, editor["urls"]["save"], {"files": files, "version": editor["version"]}).status_code
        == 200
    )
    stale = _json(owner, editor["urls"]["save"], {"files": editor["files"], "version": editor["version"]})
    assert stale.status_code == 409 and "reload" in stale.get_json()["error"]
    assert "forms/new.json" in _editor(owner, draft_id)["files"]


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("notes.bpmn", b"this is not XML", "not well-formed XML"),
        (
            "laughs.bpmn",
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><lolz>&lol;</lolz>',
            "DOCTYPE and entity declarations are not accepted",
        ),
        ("huge.bpmn", b"<a>" + b" " * (6 * 1024 * 1024) + b"</a>", "larger than the 5242880 byte limit"),
        ("evil.exe", b"MZ", "a draft holds .bpmn and .dmn files"),
        ("form.json", b"{not json", "not valid JSON"),
        ("deep.json", b"[" * 40 + b"]" * 40, "the JSON is nested too deep: at most 32 levels"),
        ("twice.json", b'{"type": "object", "type": "string"}', "the key &#34;type&#34; appears twice"),
        ("latin1.bpmn", "<a>caf\xe9</a>".encode("latin-1"), "not UTF-8 text"),
    ],
)
def test_hostile_or_broken_uploads_are_refused_with_a_clear_message(browser, nrm, name, content, words):
    owner = browser("owner")
    owner.get("/models")
    response = owner.post(
        "/models/drafts",
        {"name": "Upload", "files": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert words in response.get_data(as_text=True)
    assert nrm.drafts.list(OWNER) == []


def test_an_upload_larger_than_a_bundle_gets_the_too_large_page(browser, nrm):
    owner = browser("owner")
    owner.get("/models")
    response = owner.post(
        "/models/drafts",
        {"name": "Upload", "files": (io.BytesIO(b"x" * (26 * 1024 * 1024)), "big.bpmn")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert nrm.drafts.list(OWNER) == []


CAMUNDA = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="camunda_definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="camunda_process" isExecutable="true">
    <bpmn:startEvent id="camunda_start"><bpmn:outgoing>camunda_flow</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="camunda_flow" sourceRef="camunda_start" targetRef="camunda_gateway" />
    <bpmn:complexGateway id="camunda_gateway">
      <bpmn:incoming>camunda_flow</bpmn:incoming>
    </bpmn:complexGateway>
    <bpmn:userTask id="camunda_task" camunda:formKey="embedded:app:form.html" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_diagram_from_another_tool_is_uploaded_but_its_deploy_is_refused_with_a_report(browser, nrm):
    owner = browser("owner")
    owner.get("/models")
    response = owner.post(
        "/models/drafts",
        {"name": "From Camunda", "files": (io.BytesIO(CAMUNDA), "camunda.bpmn")},
        content_type="multipart/form-data",
    )
    draft_id = int(response.headers["Location"].rsplit("/", 1)[1])
    editor = _editor(owner, draft_id)
    report = _json(owner, editor["urls"]["validate"]).get_json()
    assert not report["ok"]
    said = {(f["element_id"], f["severity"], f["message"]) for f in report["findings"]}
    assert any(e == "camunda_gateway" and s == "error" and "does not run complex" in m for e, s, m in said)
    assert any(e == "camunda_task" and s == "warning" and "formKey" in m for e, s, m in said)
    refused = _json(owner, editor["urls"]["deploy"])
    assert refused.status_code == 422 and refused.get_json()["ok"] is False
    assert [d.version for d in nrm.deployments()] == [1]


def test_only_process_owners_edit_and_deploy(browser, nrm):
    owner = browser("owner")
    draft_id = _draft(owner, nrm)
    manager = browser("manager")
    assert manager.get(f"/models/drafts/{draft_id}").status_code == 403
    manager.get("/models")
    assert _json(manager, f"/models/drafts/{draft_id}/deploy").status_code == 403
    assert _json(manager, f"/models/drafts/{draft_id}/save", {"files": {}, "version": 1}).status_code == 403
    assert manager.post("/models/drafts", {"from_version": "1", "name": "x"}).status_code == 403


def test_json_calls_need_the_csrf_token(browser, nrm):
    owner = browser("owner")
    draft_id = _draft(owner, nrm)
    response = _json(owner, f"/models/drafts/{draft_id}/deploy", token="")
    assert response.status_code == 400
    assert [d.version for d in nrm.deployments()] == [1]


def test_the_form_preview_renders_gov_uk_fields_and_explains_a_bad_schema(browser, nrm):
    owner = browser("owner")
    owner.get("/models")
    schema = json.loads((BUNDLE / "forms" / "recovery-review.json").read_text())
    html = _json(owner, "/models/forms/preview", {"schema": schema}).get_json()["html"]
    assert "govuk-radios" in html or "govuk-input" in html
    bad = _json(owner, "/models/forms/preview", {"schema": {"type": "array"}})
    assert bad.status_code == 400 and '"type": "object"' in bad.get_json()["error"]


def test_the_diff_page_and_moving_a_case_to_version_two(browser, nrm):
    key = nrm.start_case("nrm_pathway", actor=POLICE).key
    nrm.deploy(read_bundle(BUNDLE, BUNDLE / POLICY_EXAMPLE), OWNER)
    first, second = sorted(nrm.deployments(), key=lambda d: d.version)
    owner = browser("owner")
    diff = owner.get(f"/models/versions/{second.id}/diff?against={first.id}").get_data(as_text=True)
    assert "begin_reflection_period" in diff and "rule_irish_citizen" in diff
    page = owner.get(f"/models/versions/{second.id}/migrate").get_data(as_text=True)
    assert key in page
    moved = owner.post(f"/models/versions/{second.id}/migrate", {"case": key}).get_data(as_text=True)
    assert "moved to version 2" in moved
    assert nrm.case(key).definition_version == 2
    assert browser("manager").post(f"/models/versions/{second.id}/migrate", {"case": key}).status_code == 403


ESCAPE = "<bpmn:script>().__class__.__base__.__subclasses__()</bpmn:script>"


def test_a_file_uploaded_into_a_draft_is_checked_and_its_escape_reported(browser, nrm):
    owner = browser("owner")
    draft_id = _draft(owner, nrm)
    owner.get(f"/models/drafts/{draft_id}")
    text = (
        (BUNDLE / "adult_referral.bpmn")
        .read_text()
        .replace("<bpmn:script>referred = True</bpmn:script>", ESCAPE)
    )
    page = owner.post(
        f"/models/drafts/{draft_id}/upload",
        {"files": (io.BytesIO(text.encode()), "adult_referral.bpmn")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Added adult_referral.bpmn" in page
    report = _json(owner, f"/models/drafts/{draft_id}/validate").get_json()
    escape = [f for f in report["findings"] if f["element_id"] == "record_adult_referred"]
    assert escape and "sandbox" in escape[0]["message"] and not report["ok"]
    refused = owner.post(
        f"/models/drafts/{draft_id}/upload",
        {"files": (io.BytesIO(b"<!DOCTYPE x><x/>"), "adult_referral.bpmn")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Not added" in refused and "DOCTYPE" in refused
    assert (
        ESCAPE in _editor(owner, draft_id)["files"]["adult_referral.bpmn"]
    )  # the refused one changed nothing


def test_a_save_with_a_broken_file_is_refused_and_changes_nothing(browser, nrm):
    owner = browser("owner")
    draft_id = _draft(owner, nrm)
    editor = _editor(owner, draft_id)
    files = dict(editor["files"], **{"nrm_pathway.bpmn": "<bpmn:definitions"})
    refused = _json(owner, editor["urls"]["save"], {"files": files, "version": editor["version"]})
    assert (
        refused.status_code == 400 and "nrm_pathway.bpmn: not well-formed XML" in refused.get_json()["error"]
    )
    no_bpmn = {p: t for p, t in editor["files"].items() if not p.endswith(".bpmn")}
    refused = _json(owner, editor["urls"]["save"], {"files": no_bpmn, "version": editor["version"]})
    assert refused.status_code == 400 and "at least one .bpmn" in refused.get_json()["error"]
    assert _editor(owner, draft_id) == editor | {"csrf_token": _editor(owner, draft_id)["csrf_token"]}


def test_json_nested_too_deep_is_a_clear_refusal_not_a_server_error(browser, nrm):
    owner = browser("owner")
    draft_id = _draft(owner, nrm)
    editor = _editor(owner, draft_id)
    deep = "[" * 100_000 + "]" * 100_000
    files = dict(editor["files"], **{"forms/deep.json": deep})
    refused = _json(owner, editor["urls"]["save"], {"files": files, "version": editor["version"]})
    assert refused.status_code == 400
    assert "forms/deep.json: the JSON is nested too deep: at most 32 levels" in refused.get_json()["error"]
    headers = {
        "Referer": "https://localhost/",
        "X-CSRFToken": owner.token,
        "Content-Type": "application/json",
    }
    for body in (deep, '{"files": {}, "version": 1, "x": ' + "[" * 40 + "]" * 40 + "}", '{"version": NaN}'):
        raw = owner.client.post(
            editor["urls"]["save"], data=body, base_url="https://localhost", headers=headers
        )
        assert raw.status_code == 400 and "JSON" in raw.get_json()["error"]
    schema: dict = {"type": "string"}
    for _ in range(20):  # 41 levels of objects: a schema jsonschema could still check, but too deep
        schema = {"type": "object", "properties": {"a": schema}}
    preview = _json(owner, editor["urls"]["preview_form"], {"schema": {"type": "object"}})
    assert preview.status_code == 200
    preview = owner.client.post(
        editor["urls"]["preview_form"],
        data=json.dumps({"schema": schema}),
        base_url="https://localhost",
        headers=headers,
    )
    assert preview.status_code == 400 and "nested too deep" in preview.get_json()["error"]
    deep_form = dict(editor["files"], **{"forms/deep.json": json.dumps(schema)})
    refused = _json(owner, editor["urls"]["save"], {"files": deep_form, "version": editor["version"]})
    assert (
        refused.status_code == 400
        and "forms/deep.json: the JSON is nested too deep" in refused.get_json()["error"]
    )
    assert _editor(owner, draft_id)["files"] == editor["files"]
