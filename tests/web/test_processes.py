"""/processes: each version with its cases, the numbers waiting at each step (as the database
has them), the open incidents and a manager's retry."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from markupsafe import escape

from engine import Actor
from tests.conftest import ROOT
from tests.timers.test_scheduler import FLAKY_FAILURES
from tests.web.test_cases import _advance

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")


def test_waiting_counts_match_the_open_tasks_and_timers(browser, nrm):
    keys = [nrm.start_case("nrm_pathway", actor=POLICE).key for _ in range(3)]
    _advance(nrm, keys[0], "choose_referral_form", age_group="adult")
    cancelled = nrm.start_case("nrm_pathway", actor=POLICE).key
    nrm.cancel_case(cancelled, "Duplicate")
    manager = browser("manager")
    page = manager.get("/processes").get_data(as_text=True)
    expected = Counter(t.element_id for t in nrm.tasks())
    assert expected == {"choose_referral_form": 2, "ask_adult_consent": 1}
    names = {t.element_id: t.name for t in nrm.tasks()}
    for element, count in expected.items():
        row = f'>{escape(names[element])}</a></td>\n        <td data-label="Active cases waiting" '
        assert f'{row}class="govuk-table__cell govuk-table__cell--numeric">{count}<' in page
    assert "choose_referral_form<" not in page  # steps by name, never by element id
    assert "National Referral Mechanism pathway" in page
    assert browser("support").get("/processes").status_code == 403
    assert manager.get("/processes?version=999").status_code == 404


def test_an_incident_is_listed_and_a_manager_retries_it(browser, nrm, moving_clock):
    nrm.deploy(ROOT / "tests" / "fixtures" / "flaky_timer")
    FLAKY_FAILURES["left"] = 5
    key = nrm.start_case("flaky_timer", {"due": moving_clock.now().isoformat()}).key
    for _ in range(5):
        moving_clock.move(timedelta(hours=1))
        nrm.fire_due_timers()
    owner, manager = browser("owner"), browser("manager")
    listed = owner.get("/processes").get_data(as_text=True)
    assert key in listed and "did not answer" in listed and "Retry" not in listed
    page = manager.get("/processes").get_data(as_text=True)
    incident = nrm.incidents()[0]
    assert f"/incidents/{incident.id}/retry" in page
    assert owner.post(f"/incidents/{incident.id}/retry").status_code == 403
    assert manager.post(f"/incidents/{incident.id}/retry").status_code == 303
    assert nrm.incidents() == []
    nrm.fire_due_timers()
    assert nrm.case(key).status == "completed" or nrm.case(key).timers[0].state == "fired"
