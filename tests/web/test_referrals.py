"""A first responder's referral through the pages: the agency filled in from the user, "Check
your answers" before the referral form is sent, the confirmation panel, answers saved to come back
later (for that person only), and the referrals list and a referral's own page, for its agency
only."""

from __future__ import annotations

import re

import pytest

from engine import Actor, Forbidden
from tests.web.api_client import demo_user
from tests.web.test_inbox import _refer_adult, _referral_form_post, accept_and_send
from web.cli.demo import DEMO_PASSWORD
from web.cli.demo_data import form_payload

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
SALVATION = Actor("fr-salvation", frozenset({"first-responder"}), agency="salvation_army")
UKBA = Actor("ca-ukba", frozenset({"competent-authority-ukba"}))


def _colleague(nrm) -> str:
    """A second police first responder."""
    if nrm.users.get("fr-police-2") is None:
        nrm.users.add(
            "fr-police-2",
            DEMO_PASSWORD,
            ["first-responder"],
            display_name="Alex Brown (police)",
            agency="police",
        )
    return "fr-police-2"


@pytest.fixture
def referral_form(browser, nrm):
    """A police referral at its adult referral form: (the signed-in first responder, case key, task id)."""
    police = browser("fr-police")
    key = _refer_adult(police)
    task = nrm.case(key).open_tasks[0]
    assert task.element_id == "complete_adult_referral"
    return police, key, task.id


def test_the_agency_is_the_users_own_and_is_not_asked(browser, nrm):
    police = browser("fr-police")
    task_page = police.post("/referrals/start").headers["Location"]
    page = police.get(task_page).get_data(as_text=True)
    assert "Your first responder agency:</strong> Police" in page
    assert 'name="first_responder_agency"' not in page
    assert "Back to referrals" in page and "Back to tasks" not in page  # their page, not an inbox
    key = re.search(r"NRM-\d{4}-\d{6}", page).group(0)
    assert police.post(task_page, {"age_group": "adult"}).status_code == 303
    assert nrm.case_data(key)["first_responder_agency"] == "police"  # the data is as if it were asked


def test_the_referral_form_is_checked_before_it_is_sent(nrm, referral_form):
    police, key, task_id = referral_form
    response = police.post(f"/tasks/{task_id}", _referral_form_post())
    assert response.status_code == 303 and response.headers["Location"] == f"/tasks/{task_id}/check"
    assert nrm.case(key).open_tasks[0].id == task_id  # not sent yet
    page = police.get(f"/tasks/{task_id}/check").get_data(as_text=True)
    assert "Check your answers before sending" in page
    assert "Given names" in page and "Adaeze" in page
    assert "Nigeria" in page and ">NG<" not in page  # a choice by its label
    assert f'href="/tasks/{task_id}?change=given_names#given_names"' in page
    assert "Accept and send" in page


def test_a_change_link_goes_back_to_the_form_with_the_answers(nrm, referral_form):
    police, _key, task_id = referral_form
    police.post(f"/tasks/{task_id}", _referral_form_post())
    page = police.get(f"/tasks/{task_id}?change=given_names").get_data(as_text=True)
    assert 'value="Adaeze"' in page and 'value="Okafor"' in page
    assert "have been restored" not in page  # coming back to change an answer is no surprise


def test_answers_with_errors_stay_on_the_form(nrm, referral_form):
    police, _key, task_id = referral_form
    response = police.post(f"/tasks/{task_id}", {**_referral_form_post(), "age": "12"})
    assert response.status_code == 400 and "There is a problem" in response.get_data(as_text=True)
    assert police.get(f"/tasks/{task_id}/check").status_code == 303  # nothing to check yet


def test_accept_and_send_completes_the_task_and_confirms_with_the_reference(nrm, referral_form):
    police, key, task_id = referral_form
    police.post(f"/tasks/{task_id}", _referral_form_post())
    response = accept_and_send(police, task_id)
    assert response.status_code == 303 and response.headers["Location"] == f"/referrals/{key}/sent"
    assert all(t.id != task_id for t in nrm.case(key).open_tasks)
    assert nrm.case_data(key)["given_names"] == "Adaeze"
    page = police.get(response.headers["Location"]).get_data(as_text=True)
    assert "govuk-panel" in page and "Referral sent" in page and key in page
    assert "5 working days" in page and f'href="/referrals/{key}"' in page and 'href="/referrals/"' in page


def test_accept_and_send_without_csrf_is_refused(nrm, referral_form):
    police, key, task_id = referral_form
    police.post(f"/tasks/{task_id}", _referral_form_post())
    assert police.post(f"/tasks/{task_id}/check", csrf=False).status_code == 400
    assert nrm.case(key).open_tasks[0].id == task_id


def test_save_and_come_back_later_restores_the_answers_for_that_person_only(browser, nrm, referral_form):
    police, _key, task_id = referral_form
    typed = {"given_names": "Adaeze", "family_name": "Okafor", "age": "not a number yet", "action": "save"}
    response = police.post(f"/tasks/{task_id}", typed)
    assert response.status_code == 303
    page = police.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "your answers have been saved" in page
    page = police.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Your answers saved on" in page and "have been restored" in page
    assert 'value="Adaeze"' in page and 'value="not a number yet"' in page
    colleague = browser(_colleague(nrm))
    page = colleague.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Adaeze" not in page and "have been restored" not in page  # drafts are personal


def test_another_agency_may_not_save_or_read_a_draft(nrm, referral_form):
    _police, key, task_id = referral_form
    demo_user(nrm, "fr-salvation")
    with pytest.raises(Forbidden):
        nrm.save_task_draft(task_id, {"given_names": "X"}, SALVATION)
    with pytest.raises(Forbidden):
        nrm.task_draft_for(task_id, SALVATION)
    refused = [e.detail["attempted"] for e in nrm.history(key) if e.action == "refused"]
    assert refused == ["draft_saved", "draft_read"]


def test_a_draft_is_deleted_when_anyone_completes_the_task(browser, nrm, referral_form):
    police, key, task_id = referral_form
    police.post(f"/tasks/{task_id}", {"given_names": "Adaeze", "action": "save"})
    colleague = Actor(_colleague(nrm), frozenset({"first-responder"}), agency="police")
    nrm.complete_task(task_id, form_payload("adult-referral-form.json"), colleague)
    from engine.persistence.models import TaskDraft

    with nrm.db.reading() as session:
        assert session.query(TaskDraft).filter_by(task_id=task_id).count() == 0


def test_a_suspended_referral_keeps_the_answers_as_a_draft(nrm, referral_form):
    police, key, task_id = referral_form
    police.get(f"/tasks/{task_id}")
    manager = Actor("manager", frozenset({"manager"}))
    nrm.suspend_case(key, "Checking the person's identity", manager)
    response = police.post(f"/tasks/{task_id}", _referral_form_post())
    assert response.status_code == 409
    assert "saved as a draft" in response.get_data(as_text=True)
    nrm.resume_case(key, "Identity checked", manager)
    page = police.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "have been restored" in page and 'value="Adaeze"' in page


def test_the_referrals_list_pages_beyond_200_and_searches_by_reference(browser, nrm):
    demo_user(nrm, "fr-police")
    keys = [nrm.start_case("nrm_pathway", actor=POLICE).key for _ in range(205)]
    police = browser("fr-police")
    first = police.get("/referrals/").get_data(as_text=True)
    assert "205 referrals" in first and keys[-1] in first and keys[0] not in first.split("Your agency's")[1]
    last = police.get("/referrals/?page=9").get_data(as_text=True).split("Your agency's")[1]
    assert keys[0] in last and keys[4] in last and keys[5] not in last  # the oldest five, past 200
    found = (
        police.get(f"/referrals/?reference={keys[6][-6:].lower()}")
        .get_data(as_text=True)
        .split("Your agency's")[1]
    )
    assert f'href="/referrals/{keys[6]}"' in found and "1 referral " in found
    assert keys[7] not in found


def test_unfinished_referrals_say_who_is_working_on_them(browser, nrm):
    demo_user(nrm, "fr-police")
    colleague = Actor(_colleague(nrm), frozenset({"first-responder"}), agency="police")
    mine = nrm.start_case("nrm_pathway", actor=POLICE)
    theirs = nrm.start_case("nrm_pathway", actor=colleague)
    nrm.claim_task(theirs.open_tasks[0].id, colleague)
    page = browser("fr-police").get("/referrals/").get_data(as_text=True)
    unfinished = page.split("Waiting for your agency")[1].split("Your agency's")[0]
    assert f'href="/tasks/{mine.open_tasks[0].id}"' in unfinished
    assert f'href="/tasks/{theirs.open_tasks[0].id}"' in unfinished
    assert "Alex Brown (police) is working on it" in unfinished


@pytest.fixture
def decided(nrm):
    """A police referral whose reasonable grounds decision is made (positive): its key."""
    for name in ("fr-police", "ca-ukba"):
        demo_user(nrm, name)
    case = nrm.start_case("nrm_pathway", actor=POLICE)
    for actor in (POLICE, POLICE, POLICE, UKBA):
        task = nrm.case(case.key).open_tasks[0]
        overrides = {"age_group": "adult"} if task.form == "choose-referral-form.json" else {}
        if task.form == "reasonable-grounds-decision.json":
            overrides = {"rg_decision": "positive"}
        nrm.complete_task(task.id, form_payload(task.form, **overrides), actor)
    return case.key


def test_a_referrals_page_shows_its_decisions_and_letters_to_its_agency(browser, nrm, decided):
    response = browser("fr-police").get(f"/referrals/{decided}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and decided in page
    assert "Reasonable grounds" in page and "Positive" in page
    assert f'href="/referrals/{decided}/letters/1"' in page
    assert "Add information" in page


def test_another_agency_is_refused_a_referrals_page_and_audited(browser, nrm, decided):
    response = browser("fr-salvation").get(f"/referrals/{decided}")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert decided not in page and "Priya Shah" not in page and "Positive" not in page
    refusals = [e for e in nrm.history(decided) if e.action == "refused" and e.actor == "fr-salvation"]
    assert [e.detail["attempted"] for e in refusals] == ["referral_viewed"]


def test_a_letter_downloads_as_plain_text_for_its_agency_only(browser, nrm, decided):
    response = browser("fr-police").get(f"/referrals/{decided}/letters/1")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert decided in response.get_data(as_text=True)
    assert browser("fr-police").get(f"/referrals/{decided}/letters/99").status_code == 404
    assert browser("fr-salvation").get(f"/referrals/{decided}/letters/1").status_code == 403
    assert browser("ca-ukba").get(f"/referrals/{decided}/letters/1").status_code == 403


def test_answers_refused_at_sending_come_back_on_a_form_that_posts_to_the_task(nrm, referral_form):
    """A draft saved with an answer missing, then sent from the check page: the form comes back
    with the errors, and posts its corrections to the task, not to the check page (which would
    send the old draft again)."""
    police, key, task_id = referral_form
    police.post(f"/tasks/{task_id}", {"given_names": "Adaeze", "action": "save"})
    response = accept_and_send(police, task_id)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page
    assert f'<form method="post" action="/tasks/{task_id}" novalidate>' in page
    assert nrm.case(key).open_tasks[0].id == task_id
