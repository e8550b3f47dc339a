"""/api/v1: an agency system refers an adult, a caseworker's system works the tasks; tokens,
refusals (403 + audit row), validation (422 naming fields), double completion (409)."""

from __future__ import annotations

import pytest

from tests.web.api_client import ApiClient, api_client
from web.api.openapi import openapi_document
from web.cli.demo_data import form_payload


@pytest.fixture
def police(app, nrm):
    return api_client(app, nrm, "fr-police")


def _complete(client: ApiClient, task: dict, **overrides) -> dict:
    response = client.post(f"/tasks/{task['id']}/complete", {"data": form_payload(task["form"], **overrides)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _refer_adult(police: ApiClient) -> dict:
    started = police.post("/referrals")
    assert started.status_code == 201
    case = started.get_json()
    assert case["agency"] == "police" and case["status"] == "active"
    done = _complete(police, case["open_tasks"][0], age_group="adult")
    done = _complete(police, done["next_tasks"][0])
    return _complete(police, done["next_tasks"][0])


def test_requests_without_a_good_token_are_refused_with_401(app, nrm, police):
    assert ApiClient(app, None).get("/tasks").status_code == 401
    assert ApiClient(app, None).get("/tasks").headers["WWW-Authenticate"].startswith("Bearer")
    assert ApiClient(app, "nrm_not-a-real-token").get("/tasks").status_code == 401
    assert police.get("/tasks").status_code == 200
    token = nrm.tokens.all()[0]
    nrm.tokens.revoke(token.id)
    refused = police.get("/tasks")
    assert refused.status_code == 401
    assert "revoked" in refused.get_json()["detail"]
    assert nrm.tokens.all()[0].last_used_at is not None


def test_a_first_responder_system_refers_an_adult_and_follows_the_referral(app, nrm, police):
    done = _refer_adult(police)
    key = done["case"]["key"]
    decision = next(t for t in done["case"]["open_tasks"] if t["element_id"] == "decide_reasonable_grounds")
    assert done["next_tasks"] == []  # the police may not decide reasonable grounds
    followed = police.get(f"/referrals/{key}").get_json()
    assert [t["element_id"] for t in followed["open_tasks"]] == ["decide_reasonable_grounds"]
    assert key in [r["key"] for r in police.get("/referrals").get_json()["referrals"]]
    salvation = api_client(app, nrm, "fr-salvation")
    assert salvation.get(f"/referrals/{key}").status_code == 403  # another agency's: refused, audited
    assert key not in [r["key"] for r in salvation.get("/referrals").get_json()["referrals"]]

    group = decision["candidate_group"]
    caseworker = api_client(app, nrm, "ca-ukba" if group.endswith("ukba") else "ca-ukhtc")
    listed = caseworker.get("/tasks?task=decide_reasonable_grounds").get_json()
    assert [t["id"] for t in listed["tasks"]] == [decision["id"]]
    form = caseworker.get(f"/tasks/{decision['id']}").get_json()
    assert form["form_schema"]["properties"]
    assert caseworker.post(f"/tasks/{decision['id']}/claim").get_json()["assignee"] == caseworker_name(group)
    assert caseworker.get("/tasks?assigned=me").get_json()["total"] == 1
    after = _complete(caseworker, decision, rg_decision="positive")
    assert after["case"]["current_step"] != "decide_reasonable_grounds"


def caseworker_name(group: str) -> str:
    return "ca-ukba" if group.endswith("ukba") else "ca-ukhtc"


def test_another_groups_task_is_refused_with_403_and_an_audit_row(app, nrm, police):
    task = police.post("/referrals").get_json()["open_tasks"][0]
    support = api_client(app, nrm, "support")
    for response in (
        support.get(f"/tasks/{task['id']}"),
        support.post(f"/tasks/{task['id']}/claim"),
        support.post(f"/tasks/{task['id']}/complete", {"data": {"age_group": "adult"}}),
        support.post("/referrals"),
    ):
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"
    refusals = [e for e in nrm.history(task["case_key"]) if e.action == "refused"]
    assert {e.detail["attempted"] for e in refusals} == {"task_viewed", "task_claimed", "task_completed"}
    assert support.get("/referrals").status_code == 403
    assert nrm.case(task["case_key"]).open_tasks[0].element_id == "choose_referral_form"


def test_invalid_answers_get_422_naming_each_field_and_change_nothing(nrm, police):
    task = police.post("/referrals").get_json()["open_tasks"][0]
    before = nrm.case(task["case_key"])
    response = police.post(f"/tasks/{task['id']}/complete", {"data": {"age_group": "elderly", "extra": 1}})
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert "age_group" in fields
    assert nrm.case(task["case_key"]).version == before.version
    for body in (None, [], {"data": "adult"}):
        assert police.post(f"/tasks/{task['id']}/complete", body).status_code == 400
    assert police.get("/tasks?due=tomorrow").status_code == 400
    assert police.get("/tasks?per_page=1000").status_code == 400


def _lists(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "raw, words",
    [
        ("[" * 100_000, "nested too deep"),
        ('{"data": {"age_group": ' + _lists(1_000) + "}}", "nested too deep"),
        ('{"data": ' + '{"a":' * 2_000 + "1" + "}" * 2_000 + "}", "nested too deep"),
        ('{"data": {"age_group": "adult", "x": ' + _lists(40) + "}}", "nested too deep"),
        ('{"data": {"age_group": "adult"}, "username": ' + _lists(60) + "}", "nested too deep"),
        (b'{"data": {"age_group": "adult\xff"}}', "not UTF-8 text"),
        ('{"data": {"age_group": "\\udc00"}, "username": "\\udc00"}', "half a character"),
        ('{"data": {"age_group": NaN}, "username": Infinity}', "is not a JSON number"),
        ('{"data": {"age_group": 1e400}, "username": 1e400}', "too large"),
        ('{"data": {"age_group": "adult"}, "data": {}, "username": "a", "username": "b"}', "appears twice"),
        ('{"data": {"age_group": "adult"}', "not valid JSON"),
    ],
)
def test_hostile_bodies_get_400_saying_what_is_wrong_and_change_nothing(app, nrm, police, raw, words):
    task = police.post("/referrals").get_json()["open_tasks"][0]
    before = nrm.case(task["case_key"])
    manager = api_client(app, nrm, "manager")
    for client, action in ((police, "complete"), (manager, "assign")):
        response = client.client.post(
            f"/api/v1/tasks/{task['id']}/{action}",
            data=raw,
            headers=client.headers,
            content_type="application/json",
        )
        assert response.status_code == 400, response.get_data(as_text=True)[:300]
        assert response.mimetype == "application/problem+json"
        assert words in response.get_json()["detail"]
    assert nrm.case(task["case_key"]) == before


def test_bodies_of_another_type_or_too_large_are_refused_and_flat_arrays_validated(nrm, police):
    task = police.post("/referrals").get_json()["open_tasks"][0]
    before = nrm.case(task["case_key"])
    url = f"/api/v1/tasks/{task['id']}/complete"
    body = '{"data": {"age_group": "adult"}}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        sent = police.client.post(url, data=body, headers=police.headers, content_type=content_type)
        assert sent.status_code == 400 and "Content-Type: application/json" in sent.get_json()["detail"]
    huge = '{"data": {"age_group": [' + "1," * 600_000 + "1]}}"
    sent = police.client.post(url, data=huge, headers=police.headers, content_type="application/json")
    assert sent.status_code == 413 and sent.mimetype == "application/problem+json"
    flat = '{"data": {"age_group": [' + "1," * 200_000 + "1]}}"
    sent = police.client.post(url, data=flat, headers=police.headers, content_type="application/json")
    assert sent.status_code == 422 and len(sent.data) < 2_000
    assert {
        "field": "age_group",
        "keyword": "type",
        "message": "Select one of the options",
    } in sent.get_json()["errors"]
    assert nrm.case(task["case_key"]) == before


def test_completing_twice_is_409_naming_who_completed_it(nrm, police):
    task = police.post("/referrals").get_json()["open_tasks"][0]
    _complete(police, task, age_group="adult")
    again = police.post(f"/tasks/{task['id']}/complete", {"data": {"age_group": "child"}})
    assert again.status_code == 409
    assert again.get_json()["completed_by"] == "fr-police"
    assert nrm.case_data(task["case_key"])["age_group"] == "adult"


def test_only_managers_assign(app, nrm, police):
    done = _refer_adult(police)
    decision = done["case"]["open_tasks"][0]
    worker = caseworker_name(decision["candidate_group"])
    other = api_client(app, nrm, worker)
    assert other.post(f"/tasks/{decision['id']}/assign", {"username": worker}).status_code == 403
    manager = api_client(app, nrm, "manager")
    assigned = manager.post(f"/tasks/{decision['id']}/assign", {"username": worker})
    assert assigned.status_code == 200 and assigned.get_json()["assignee"] == worker
    # someone who may not work on the task is refused like any other refusal (403 and an audit row)
    assert manager.post(f"/tasks/{decision['id']}/assign", {"username": "support"}).status_code == 403
    assert manager.post(f"/tasks/{decision['id']}/assign", {}).status_code == 400
    assert manager.post(f"/tasks/{decision['id']}/release").get_json()["assignee"] is None


def test_unknown_api_paths_and_methods_answer_in_json(app):
    client = ApiClient(app, None)
    assert client.get("/nothing-here").mimetype == "application/problem+json"
    assert client.client.delete("/api/v1/tasks").status_code == 405
    assert client.get("/openapi.json").get_json() == openapi_document()


def test_invalid_answers_are_worded_as_the_task_page_words_them(nrm, police):
    """The messages people read are GOV.UK wording by the form's labels, never jsonschema's text
    or Python reprs; field paths and failing keywords stay in their own keys for programs."""
    task = police.post("/referrals").get_json()["open_tasks"][0]
    response = police.post(f"/tasks/{task['id']}/complete", {"data": {"age_group": "elderly"}})
    problem = response.get_json()
    assert response.status_code == 422
    error = next(e for e in problem["errors"] if e["field"] == "age_group")
    assert error["keyword"] and "'" not in error["message"] and "is not one of" not in error["message"]
    assert error["message"] in problem["detail"]
    assert "'" not in problem["detail"] and "[" not in problem["detail"]
    assert "choose-referral-form.json" not in problem["detail"]
