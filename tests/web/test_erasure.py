"""The manager's erasure and legal hold pages: a confirmation page with the reason, then the case
page says the data was erased and when and why; first responders' referral pages and the subject
access page say so too; every other role is refused with one audit row, the same for a made-up
reference."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from engine import Actor
from engine.persistence.models import AuditEvent
from tests.web.api_client import demo_user
from web.cli.demo_data import form_payload

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
MANAGER = Actor("manager", frozenset({"manager"}))
MADE_UP = "NRM-2026-999999"
REASON = "The person asked for their data to be erased"


@pytest.fixture
def key(nrm, moving_clock):
    """A police referral of an adult, cancelled by a manager."""
    demo_user(nrm, "fr-police")
    case = nrm.start_case("nrm_pathway", actor=POLICE)
    for _ in range(3):
        task = nrm.case(case.key).open_tasks[0]
        overrides = {"age_group": "adult"} if task.form == "choose-referral-form.json" else {}
        nrm.complete_task(task.id, form_payload(task.form, **overrides), POLICE)
    nrm.cancel_case(case.key, "Referred twice", MANAGER)
    moving_clock.move(timedelta(days=280))  # 7 December 2026
    return case.key


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_a_manager_confirms_with_a_reason_then_the_case_page_says_erased(browser, nrm, key):
    manager = browser("manager")
    assert "Erase the person's data" in _text(manager.get(f"/cases/{key}"))
    confirm = manager.get(f"/cases/{key}/erase")
    assert confirm.status_code == 200 and "You cannot undo this" in _text(confirm)
    empty = manager.post(f"/cases/{key}/erase", {"reason": "  ", "back": f"/cases/{key}"})
    assert empty.status_code == 400 and "There is a problem" in _text(empty)
    assert "Enter why the person's data is being erased" in _text(empty)
    assert nrm.case_data(key)  # nothing erased
    done = manager.post(f"/cases/{key}/erase", {"reason": REASON, "back": f"/cases/{key}"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/cases/{key}")
    page = _text(manager.get(f"/cases/{key}"))
    assert f"Personal data erased on 7 December 2026 because {REASON}" in page
    assert "cannot be marked on the diagram" in page and "Referred twice" not in page
    assert "subject access request" not in page
    refused = manager.get(f"/cases/{key}/subject-access")
    assert refused.status_code == 410 and "The person's data has been erased" in _text(refused)
    again = manager.post(f"/cases/{key}/erase", {"reason": REASON, "back": f"/cases/{key}"})
    assert again.status_code == 303
    assert "erased already" in _text(manager.get(f"/cases/{key}"))
    assert key in _text(manager.get("/cases?status=cancelled"))
    assert key in manager.get("/cases.csv").get_data(as_text=True)


def test_the_first_responders_referral_page_says_the_data_was_erased(browser, nrm, key):
    nrm.erase_personal_data(key, REASON, MANAGER)
    police = browser("fr-police")
    assert key in _text(police.get("/referrals/?status=closed"))
    page = police.get(f"/referrals/{key}")
    assert page.status_code == 410 and "The personal data on this case was erased" in _text(page)


def test_a_running_case_cannot_be_erased_and_says_to_cancel_it(browser, nrm):
    demo_user(nrm, "fr-police")
    running = nrm.start_case("nrm_pathway", actor=POLICE).key
    manager = browser("manager")
    assert "Erase the person's data" not in _text(manager.get(f"/cases/{running}"))
    manager.get(f"/cases/{running}/erase")
    refused = manager.post(f"/cases/{running}/erase", {"reason": REASON, "back": f"/cases/{running}"})
    assert refused.status_code == 303
    assert "cancel it first" in _text(manager.get(f"/cases/{running}"))
    assert nrm.case_data(running) == {}  # still opens: nothing erased


def test_a_legal_hold_stops_erasure_until_lifted(browser, nrm, key):
    manager = browser("manager")
    manager.get(f"/cases/{key}")
    empty = manager.post(f"/cases/{key}/legal-hold", {"action": "set", "hold_reason": ""})
    assert empty.status_code == 400 and "Enter a reason for putting the case on legal hold" in _text(empty)
    held = manager.post(f"/cases/{key}/legal-hold", {"action": "set", "hold_reason": "Court order 12"})
    assert held.status_code == 303
    page = _text(manager.get(f"/cases/{key}"))
    assert "On legal hold since 7 December 2026 because Court order 12" in page
    assert "Lift the legal hold" in page and "Put on legal hold" not in page
    refused = manager.post(f"/cases/{key}/erase", {"reason": REASON, "back": f"/cases/{key}"})
    assert refused.status_code == 303 and "lift the hold first" in _text(manager.get(f"/cases/{key}"))
    lifted = manager.post(f"/cases/{key}/legal-hold", {"action": "lift", "hold_reason": "The case is over"})
    assert lifted.status_code == 303
    page = _text(manager.get(f"/cases/{key}"))
    assert "Put on legal hold" in page and "Legal hold lifted" in page and "The case is over" in page


def _audit_rows(nrm) -> int:
    with nrm.db.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("role", ["fr-police", "ca-ukba", "support"])
def test_other_roles_are_refused_once_each_before_any_not_found(browser, nrm, key, role):
    user = browser(role)
    requests = [
        (user.get, "/erase", None),
        (user.post, "/erase", {"reason": REASON}),
        (user.post, "/erase", {"reason": ""}),
        (user.post, "/legal-hold", {"action": "set", "hold_reason": "Court order"}),
        (user.post, "/legal-hold", {"action": "lift", "hold_reason": ""}),
    ]
    for method, path, form in requests:
        for reference in (key, MADE_UP):
            before = _audit_rows(nrm)
            response = (
                method(f"/cases/{reference}{path}", form)
                if form is not None
                else method(f"/cases/{reference}{path}")
            )
            assert response.status_code == 403, (method, path, reference)
            assert "You cannot do this" in _text(response)
            assert _audit_rows(nrm) == before + 1
            with nrm.db.reading() as session:
                last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
            assert last.action == "refused" and last.actor == role
    assert nrm.case_data(key)
    assert not [e for e in nrm.history(key) if e.action in ("personal_data_erased", "legal_hold_set")]
