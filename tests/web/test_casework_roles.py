"""Every page and download added for casework, for each kind of outsider: a first responder of
another agency, a caseworker of another competent authority, and a support provider with no task
on the case. Each gets 403 and an audit row, and the refusal reads the same whether or not the
referral, case or file exists, so it tells them nothing."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from engine import Actor
from engine.persistence.models import AuditEvent
from tests.casework import refer_to_ukba as _refer
from tests.web.api_client import demo_user
from tests.web.evidence_files import PDF

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
UKBA = Actor("ca-ukba", frozenset({"competent-authority-ukba"}))
MANAGER = Actor("manager", frozenset({"manager"}))
OUTSIDERS = ["fr-salvation", "ca-ukhtc", "support"]
MISSING_KEY = "NRM-2026-999999"
TOKEN = re.compile(r'(name="csrf_token" value|nonce)="[^"]+"')  # differ per response


@pytest.fixture
def casework(nrm):
    """A referral at its reasonable grounds decision, with a file and a note on it; another with
    the decision made (so letters to the police)."""
    for name in ("fr-police", "ca-ukba", "manager", *OUTSIDERS):
        demo_user(nrm, name)
    waiting = _refer(nrm, decide=False)
    evidence = nrm.add_evidence(waiting, "statement.pdf", PDF, "Signed statement", MANAGER)
    nrm.add_note(waiting, "Spoke to the officer", MANAGER)
    return {
        "key": waiting,
        "task": nrm.case(waiting).open_tasks[0].id,
        "evidence": evidence,
        "decided": _refer(nrm, decide=True),
    }


def _refusals(nrm) -> int:
    with nrm.db.reading() as session:
        return session.scalar(select(func.count()).where(AuditEvent.action == "refused"))


def _requests(world: dict, key: str, decided: str, evidence: int) -> list[tuple[str, str, dict | None]]:
    upload = {"file": (io.BytesIO(PDF), "a.pdf"), "description": "Mine"}
    return [
        ("get", f"/referrals/{key}", None),
        ("get", f"/referrals/{key}/sent", None),
        ("get", f"/referrals/{decided}/letters/1", None),
        ("post", f"/cases/{key}/evidence", upload),
        ("post", f"/cases/{key}/notes", {"note": "Mine"}),
        ("get", f"/cases/{key}/evidence/{evidence}", None),
    ]


def _send(person, method: str, path: str, data: dict | None):
    if method == "get":
        return person.client.get(path, base_url="https://localhost")
    multipart = {"content_type": "multipart/form-data"} if "file" in (data or {}) else {}
    return person.post(path, dict(data or {}), **multipart)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_are_refused_every_casework_page_and_audited(browser, nrm, casework, outsider):
    person = browser(outsider)
    person.get("/")  # a CSRF token
    for method, path, data in _requests(casework, casework["key"], casework["decided"], casework["evidence"]):
        before = _refusals(nrm)
        response = _send(person, method, path, data)
        assert response.status_code == 403, (outsider, path, response.status_code)
        assert _refusals(nrm) == before + 1, (outsider, path)
        page = response.get_data(as_text=True)
        assert "You cannot do this" in page
        for secret in ("Signed statement", "Spoke to the officer", "fr-police", "statement.pdf"):
            assert secret not in page, (outsider, path, secret)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_a_refusal_does_not_say_whether_the_referral_or_file_exists(browser, nrm, casework, outsider):
    person = browser(outsider)
    person.get("/")
    real = _requests(casework, casework["key"], casework["decided"], casework["evidence"])
    made_up = _requests(casework, MISSING_KEY, MISSING_KEY, 999_999)
    for (method, path, data), (_m, missing_path, missing_data) in zip(real, made_up, strict=True):
        seen = _send(person, method, path, data)
        missing = _send(person, method, missing_path, missing_data)
        assert seen.status_code == missing.status_code, (outsider, path)
        assert TOKEN.sub("", seen.get_data(as_text=True)) == TOKEN.sub("", missing.get_data(as_text=True)), (
            outsider,
            path,
        )


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_are_refused_the_decision_task_its_check_and_its_draft(browser, nrm, casework, outsider):
    person = browser(outsider)
    person.get("/")
    task = casework["task"]
    for method, path, data in (
        ("get", f"/tasks/{task}", None),
        ("get", f"/tasks/{task}/check", None),
        ("post", f"/tasks/{task}/check", {}),
        ("post", f"/tasks/{task}", {"action": "save", "given_names": "Not theirs"}),
    ):
        before = _refusals(nrm)
        response = _send(person, method, path, data)
        assert response.status_code == 403, (outsider, path, response.status_code)
        assert _refusals(nrm) == before + 1, (outsider, path)
        assert "Signed statement" not in response.get_data(as_text=True)
    assert nrm.task_draft_for(task, Actor("ca-ukba", frozenset({"competent-authority-ukba"}))) is None
