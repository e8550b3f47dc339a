"""No personal data where it does not belong: a case whose person has a canary name goes through
the whole pathway (evidence, a note, a draft, reasons, letters), its diagram code fails on a value
that quotes the name, and managers, caseworkers and the first responder open every page about it;
with Python logging captured at DEBUG, the name is in no log record, no incident, no audit row in
clear, no CSV and no URL, while the case page still shows it to a manager."""

from __future__ import annotations

import logging
import re
from html import unescape

import pytest
from sqlalchemy import select

from engine import Actor
from engine.persistence.models import AuditEvent, Incident, Timer
from tests.sandbox.places import bundle
from tests.scenarios.driver import CaseDriver, person
from tests.scenarios.test_personal_data_at_rest import FAMILY, GIVEN, _drive

HREF = re.compile(r'(?:href|action|src)="([^"]*)"')
UKBA = Actor("ca-ukba", frozenset({"competent-authority-ukba"}))


def _has_canary(text: str) -> bool:
    return GIVEN.lower() in text.lower() or FAMILY.lower() in text.lower()


def _failed_step_quoting_the_name(nrm) -> str:
    """A case whose diagram code fails on an answer holding the name: an incident."""
    nrm.deploy(bundle("script", ["value = int(kind)"]))
    case = nrm.start_case("hostile", {})
    task = nrm.tasks(case_key=case.key)[0]
    with pytest.raises(Exception, match="invalid literal"):
        nrm.complete_task(task.id, {"kind": f"{GIVEN} {FAMILY}", "n": 1}, UKBA)
    return case.key


@pytest.fixture
def canary_case(nrm, database_url, moving_clock, caplog) -> tuple[str, str]:
    caplog.set_level(logging.DEBUG)
    case = CaseDriver(database_url, moving_clock, person("NG"))
    _drive(case, moving_clock)
    return case.key, _failed_step_quoting_the_name(nrm)


def test_the_canary_name_is_in_no_log_incident_audit_csv_or_url(browser, nrm, canary_case, caplog):
    key, failed = canary_case
    manager, ukba, police = browser("manager"), browser("ca-ukba"), browser("fr-police")
    pages = {
        manager: [
            "/cases",
            f"/cases/{key}",
            f"/cases/{failed}",
            "/cases.csv",
            "/cases/find-by-name",
            "/statistics",
            "/processes",
            "/record-views",
            "/tasks",
            f"/cases/{key}/nonsense",  # an error page
        ],
        ukba: ["/tasks", f"/cases/{key}"],
        police: ["/", f"/referrals/{key}", f"/referrals/{key}/letters/1"],
    }
    urls, csvs, shown = set(), {}, ""
    for person_browser, paths in pages.items():
        for path in paths:
            response = person_browser.get(path)
            text = unescape(response.get_data(as_text=True))
            urls |= {path, *HREF.findall(text)}
            if response.mimetype == "text/csv":
                csvs[path] = text
            if path == f"/cases/{key}" and person_browser is manager:
                shown = text
    for url in sorted(u for u in urls if u.startswith("/statistics/") and ".csv" in u):
        csvs[url] = manager.get(url).get_data(as_text=True)
    found = manager.post("/cases/find-by-name", {"name": GIVEN})
    assert key in found.get_data(as_text=True) and found.request.path == "/cases/find-by-name"

    assert GIVEN in shown  # the manager's case page still shows the person's name
    assert len(csvs) >= 2 and not [path for path, text in csvs.items() if _has_canary(text)]
    assert not [url for url in urls if _has_canary(url)]
    records = caplog.get_records("setup") + caplog.get_records("call")  # the pathway, then the pages
    logged = [f"{r.name}: {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in records]
    assert logged and not [line for line in logged if _has_canary(line)]
    with nrm.db.reading() as session:
        incidents = list(session.scalars(select(Incident.message)))
        errors = list(session.scalars(select(Timer.last_error).where(Timer.last_error.is_not(None))))
        details = [str(d) for d in session.scalars(select(AuditEvent.detail))]
    assert incidents and not [m for m in incidents + errors if _has_canary(m)]
    assert not [d for d in details if _has_canary(d)]
    page = unescape(manager.get(f"/cases/{failed}").get_data(as_text=True))
    assert "invalid literal" in page and GIVEN in page  # the manager still reads what failed
