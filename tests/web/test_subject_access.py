"""The subject access page: a manager confirms, then downloads the person's data as a zip
attachment that is never cached or sniffed; every other role is refused with one audit row per
request, the same for a made-up reference."""

from __future__ import annotations

import io
import zipfile
from html import unescape

import pytest

from engine import Actor
from tests.web.api_client import demo_user
from tests.web.evidence_files import PDF
from web.cli.demo_data import form_payload

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
MANAGER = Actor("manager", frozenset({"manager"}))
MADE_UP = "NRM-2026-999999"


@pytest.fixture
def key(nrm):
    """A police referral of an adult waiting for the reasonable grounds decision, with a file."""
    demo_user(nrm, "fr-police")
    case = nrm.start_case("nrm_pathway", actor=POLICE)
    for _ in range(3):
        task = nrm.case(case.key).open_tasks[0]
        overrides = {"age_group": "adult"} if task.form == "choose-referral-form.json" else {}
        nrm.complete_task(task.id, form_payload(task.form, **overrides), POLICE)
    nrm.add_evidence(case.key, "statement.pdf", PDF, "Signed statement", POLICE)
    return case.key


def _actions(nrm, key: str, action: str, actor: str) -> list[dict]:
    return [e.detail for e in nrm.history(key) if e.action == action and e.actor == actor]


def test_a_manager_confirms_then_downloads_the_archive(browser, nrm, key):
    manager = browser("manager")
    case_page = unescape(manager.get(f"/cases/{key}").get_data(as_text=True))
    assert "Download the person's data (subject access request)" in case_page
    page = manager.get(f"/cases/{key}/subject-access")
    text = unescape(page.get_data(as_text=True))
    assert page.status_code == 200 and "recorded in the case's history" in text
    assert not _actions(nrm, key, "personal_data_exported", "manager")  # nothing yet
    response = manager.post(f"/cases/{key}/subject-access")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == f'attachment; filename="subject-access-{key}.zip"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        index = archive.read("index.html").decode()
        assert archive.read("evidence/01-statement.pdf") == PDF
    given = nrm.case_data(key)["given_names"]
    assert f"<dd>{given}</dd>" in index
    assert len(_actions(nrm, key, "personal_data_exported", "manager")) == 1
    assert "data exported" in manager.get(f"/cases/{key}").get_data(as_text=True)  # in its history
    assert manager.get(f"/cases/{MADE_UP}/subject-access").status_code == 404


def test_the_export_needs_the_confirmation_form(browser, key):
    manager = browser("manager")
    assert manager.post(f"/cases/{key}/subject-access", csrf=False).status_code == 400


@pytest.mark.parametrize("role", ["fr-police", "ca-ukba", "support"])
def test_other_roles_are_refused_once_each_before_any_not_found(browser, nrm, key, role):
    user = browser(role)
    assert "subject access" not in user.get(f"/cases/{key}").get_data(as_text=True)  # 403 too
    for method in (user.get, user.post):
        before = len(_actions(nrm, key, "refused", role))
        response = method(f"/cases/{key}/subject-access")
        made_up = method(f"/cases/{MADE_UP}/subject-access")
        assert response.status_code == made_up.status_code == 403
        assert "You cannot do this" in response.get_data(as_text=True)
        assert "You cannot do this" in made_up.get_data(as_text=True)
        assert response.mimetype == "text/html"
        refused = _actions(nrm, key, "refused", role)[before:]
        assert [r["attempted"] for r in refused] == ["personal_data_exported"]
    assert not [e for e in nrm.history(key) if e.action == "personal_data_exported"]
