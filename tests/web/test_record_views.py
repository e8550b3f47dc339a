"""The record of every look through the pages and the API: each kind of view writes its row with
the right kind and role, a refused view writes none, a manager's case page lists who has seen the
record, and the report of looks outside people's own work is for managers only (403 and one audit
row for everyone else)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine import Actor
from engine.persistence.models import AuditEvent, RecordView
from tests.casework import refer_to_ukba as _refer
from tests.web.api_client import api_client, demo_user
from tests.web.evidence_files import PDF
from tests.web.test_inbox import _refer_adult, _referral_form_post
from web.cli.demo import DEMO_PASSWORD

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
UKBA = Actor("ca-ukba", frozenset({"competent-authority-ukba"}))
MANAGER = Actor("manager", frozenset({"manager"}))
WHEN = re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}")


def _looks(nrm) -> list[tuple[str, str, str]]:
    """(username, kind, groups) of every look so far."""
    with nrm.db.reading() as session:
        rows = session.execute(
            select(RecordView.username, RecordView.kind, RecordView.groups).order_by(RecordView.id)
        )
        return [tuple(row) for row in rows]


def _refusals(nrm) -> int:
    with nrm.db.reading() as session:
        return session.scalar(select(func.count()).where(AuditEvent.action == "refused"))


def _auditor(nrm) -> str:
    """A manager with no competent authority group: no task of theirs on any case."""
    if nrm.users.get("auditor") is None:
        nrm.users.add("auditor", DEMO_PASSWORD, ["manager"], display_name="Rita Hale (manager)")
    return "auditor"


@pytest.fixture
def casework(nrm):
    """A police referral at its UKBA decision, with a file; another with the decision made."""
    for name in ("fr-police", "ca-ukba", "manager"):
        demo_user(nrm, name)
    key = _refer(nrm)
    evidence = nrm.add_evidence(key, "statement.pdf", PDF, "Signed statement", MANAGER)
    return {
        "key": key,
        "task": nrm.case(key).open_tasks[0],
        "evidence": evidence,
        "decided": _refer(nrm, True),
    }


def _one_new_look(nrm, before: list, username: str, kind: str, groups: str) -> None:
    assert _looks(nrm)[len(before) :] == [(username, kind, groups)]


def test_the_managers_case_page_is_recorded(browser, nrm, casework):
    manager = browser("manager")
    before = _looks(nrm)
    assert manager.get(f"/cases/{casework['key']}").status_code == 200
    _one_new_look(
        nrm, before, "manager", "case_page", "competent-authority-ukba,competent-authority-ukhtc,manager"
    )


def test_the_task_page_is_recorded(browser, nrm, casework):
    ukba = browser("ca-ukba")
    before = _looks(nrm)
    assert ukba.get(f"/tasks/{casework['task'].id}").status_code == 200
    _one_new_look(nrm, before, "ca-ukba", "task_page", "competent-authority-ukba")


def test_the_check_answers_page_is_recorded(browser, nrm):
    police = browser("fr-police")
    key = _refer_adult(police)
    task_id = nrm.case(key).open_tasks[0].id
    assert police.post(f"/tasks/{task_id}", _referral_form_post()).status_code == 303
    before = _looks(nrm)
    assert police.get(f"/tasks/{task_id}/check").status_code == 200
    _one_new_look(nrm, before, "fr-police", "check_answers", "first-responder")


def test_the_referral_page_is_recorded(browser, nrm, casework):
    police = browser("fr-police")
    before = _looks(nrm)
    assert police.get(f"/referrals/{casework['key']}").status_code == 200
    _one_new_look(nrm, before, "fr-police", "referral", "first-responder")


def test_a_letter_is_recorded(browser, nrm, casework):
    police = browser("fr-police")
    before = _looks(nrm)
    assert (
        police.client.get(
            f"/referrals/{casework['decided']}/letters/1", base_url="https://localhost"
        ).status_code
        == 200
    )
    _one_new_look(nrm, before, "fr-police", "letter", "first-responder")


def test_an_evidence_download_is_recorded(browser, nrm, casework):
    ukba = browser("ca-ukba")
    before = _looks(nrm)
    path = f"/cases/{casework['key']}/evidence/{casework['evidence']}"
    assert ukba.client.get(path, base_url="https://localhost").status_code == 200
    _one_new_look(nrm, before, "ca-ukba", "evidence", "competent-authority-ukba")


def test_the_apis_referral_read_is_recorded(app, nrm, casework):
    police = api_client(app, nrm, "fr-police")
    before = _looks(nrm)
    assert police.get(f"/referrals/{casework['key']}").status_code == 200
    _one_new_look(nrm, before, "fr-police", "api_referral", "first-responder")


def test_the_apis_task_read_is_recorded(app, nrm, casework):
    ukba = api_client(app, nrm, "ca-ukba")
    before = _looks(nrm)
    assert ukba.get(f"/tasks/{casework['task'].id}").status_code == 200
    _one_new_look(nrm, before, "ca-ukba", "api_task", "competent-authority-ukba")


def test_refused_views_write_no_look(app, browser, nrm, casework):
    key, task = casework["key"], casework["task"].id
    before = _looks(nrm)
    salvation, support = browser("fr-salvation"), browser("support")
    assert salvation.get(f"/referrals/{key}").status_code == 403
    assert support.get(f"/tasks/{task}").status_code == 403
    assert support.get(f"/cases/{key}").status_code == 403
    assert api_client(app, nrm, "fr-salvation").get(f"/referrals/{key}").status_code == 403
    assert api_client(app, nrm, "support").get(f"/tasks/{task}").status_code == 403
    assert _looks(nrm) == before


def test_the_case_page_lists_who_has_seen_the_record(browser, nrm, casework):
    key = casework["key"]
    browser("ca-ukba").get(f"/tasks/{casework['task'].id}")
    page = browser("manager").get(f"/cases/{key}").get_data(as_text=True)
    section = page[page.index("Who has seen this record") : page.index(">History<")]
    assert "2 times someone looked at this person" in section
    assert "Declan Murphy (UKBA competent authority)" in section and "Mary Jones (manager)" in section
    assert "Competent authority caseworker (UKBA)" in section
    assert "Task: Make the reasonable grounds decision" in section and "Case page" in section
    assert len(WHEN.findall(section)) == 2
    assert section.index("Case page") < section.index("Task: Make")  # newest first
    assert "ca-ukba" not in section and "task_page" not in section


def test_the_case_page_of_a_process_owner_has_no_record_of_looks(browser, nrm, casework):
    page = browser("owner").get(f"/cases/{casework['key']}").get_data(as_text=True)
    assert "Who has seen this record" not in page


def test_the_report_lists_people_who_opened_cases_outside_their_work(browser, nrm, casework):
    auditor = browser(_auditor(nrm))
    for key in (casework["key"], casework["decided"]):
        auditor.get(f"/cases/{key}")
    browser("ca-ukba").get(f"/tasks/{casework['task'].id}")  # their own work: not in the report
    home = auditor.get("/cases").get_data(as_text=True)
    assert 'href="/record-views"' in home
    page = auditor.get("/record-views?period=30&threshold=2").get_data(as_text=True)
    assert "Rita Hale (manager)" in page and casework["key"] in page and casework["decided"] in page
    assert "Declan Murphy" not in page and "auditor" not in page
    assert "Nobody opened that many cases" in auditor.get("/record-views").get_data(as_text=True)  # 10


def test_the_report_says_what_is_wrong_with_the_number_of_cases(browser, nrm):
    auditor = browser(_auditor(nrm))
    response = auditor.get("/record-views?threshold=many")
    assert response.status_code == 400
    assert "Number of cases must be a whole number between 1 and 1000" in response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["fr-police", "ca-ukba", "support", "manager"])
def test_the_report_is_for_managers_only(browser, nrm, username):
    person = browser(username)
    before = _refusals(nrm)
    response = person.get("/record-views")
    if username == "manager":
        assert response.status_code == 200 and _refusals(nrm) == before
        assert "Looks outside people" in response.get_data(as_text=True)
        return
    assert response.status_code == 403 and "You cannot do this" in response.get_data(as_text=True)
    assert _refusals(nrm) == before + 1
    assert 'href="/record-views"' not in person.get("/").get_data(as_text=True)
