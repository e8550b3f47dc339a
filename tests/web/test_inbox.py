"""The inbox, the task page and the referral start page, for every role, with the refusals."""

from __future__ import annotations

import re

from tests.web.conftest import Browser
from web.cli.demo import DEMO_PASSWORD

TASK_LINK = re.compile(r'href="/tasks/([0-9a-f-]{36})"')


def _refer_adult(police: Browser) -> str:
    """A police first responder starts a referral and answers the first two forms; returns the case."""
    response = police.post("/referrals/start")
    assert response.status_code == 303
    task_page = response.headers["Location"]
    page = police.get(task_page).get_data(as_text=True)
    case_key = re.search(r"NRM-\d{4}-\d{6}", page).group(0)
    response = police.post(task_page, {"first_responder_agency": "police", "age_group": "adult"})
    assert response.status_code == 303, response.get_data(as_text=True)
    consent = response.headers["Location"]
    response = police.post(
        consent,
        {
            "consent_given": "true",
            "consent_signed_date-day": "2",
            "consent_signed_date-month": "3",
            "consent_signed_date-year": "2026",
        },
    )
    assert response.status_code == 303
    return case_key


def test_a_first_responder_sees_only_their_agencys_referrals(browser):
    police, salvation = browser("fr-police"), browser("fr-salvation")
    key = _refer_adult(police)
    assert key in police.get("/referrals/").get_data(as_text=True)
    assert key not in salvation.get("/referrals/").get_data(as_text=True)
    police_tasks = police.get("/tasks").get_data(as_text=True)
    assert "Complete the adult referral form" in police_tasks
    assert "Complete the adult referral form" not in salvation.get("/tasks").get_data(as_text=True)
    task_id = TASK_LINK.search(police_tasks).group(1)
    assert salvation.get(f"/tasks/{task_id}").status_code == 403


def test_a_caseworker_cannot_start_a_referral_or_open_another_groups_task(browser, nrm):
    police, ukba = browser("fr-police"), browser("ca-ukba")
    assert ukba.post("/referrals/start").status_code == 403
    assert ukba.get("/referrals/").status_code == 403
    _refer_adult(police)
    task_id = TASK_LINK.search(police.get("/tasks").get_data(as_text=True)).group(1)
    assert ukba.get(f"/tasks/{task_id}").status_code == 403
    assert ukba.post(f"/tasks/{task_id}", {"given_names": "X"}).status_code == 403
    refusals = [e for e in nrm.history(nrm.tasks()[0].case_key) if e.action == "refused"]
    assert {e.actor for e in refusals} == {"ca-ukba"}


def test_a_form_error_is_shown_in_an_error_summary_and_nothing_changes(browser, nrm):
    police = browser("fr-police")
    response = police.post("/referrals/start")
    task_page = response.headers["Location"]
    police.get(task_page)
    response = police.post(task_page, {"age_group": "teenager"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "There is a problem" in text and 'href="#age_group"' in text
    assert 'name="first_responder_agency"' not in text  # the agency is the user's: not asked
    assert nrm.tasks()[0].element_id == "choose_referral_form"


def test_claim_release_and_a_manager_assigns(browser, nrm):
    police, ukba, manager = browser("fr-police"), browser("ca-ukba"), browser("manager")
    key = _refer_adult(police)
    nrm.complete_task(nrm.tasks(case_key=key)[0].id, _adult_referral(nrm))
    rg = nrm.tasks(case_key=key)[0]
    assert rg.candidate_group == "competent-authority-ukba"
    ukba.get("/tasks")
    assert ukba.post(f"/tasks/{rg.id}/claim").status_code == 303
    assert nrm.tasks(case_key=key)[0].assignee == "ca-ukba"
    assert "Release" in ukba.get("/tasks?assigned=me").get_data(as_text=True)
    manager.get("/tasks")
    manager.post(f"/tasks/{rg.id}/claim")
    claimed = "already claimed by Declan Murphy (UKBA competent authority)"
    assert claimed in manager.get("/tasks").get_data(as_text=True)
    assert ukba.post(f"/tasks/{rg.id}/release").status_code == 303
    assert manager.post(f"/tasks/{rg.id}/assign", {"username": "ca-ukba"}).status_code == 303
    assert nrm.tasks(case_key=key)[0].assignee == "ca-ukba"
    assert ukba.post(f"/tasks/{rg.id}/assign", {"username": "manager"}).status_code == 403


def test_a_claim_returns_only_to_a_page_of_this_site(browser, nrm):
    police, ukba = browser("fr-police"), browser("ca-ukba")
    key = _refer_adult(police)
    nrm.complete_task(nrm.tasks(case_key=key)[0].id, _adult_referral(nrm))
    rg = nrm.tasks(case_key=key)[0]
    ukba.get("/tasks")
    for back in ("//evil.example/tasks", "/\\evil.example", "https://evil.example/"):
        response = ukba.post(f"/tasks/{rg.id}/release", {"back": back})
        assert response.status_code == 303 and response.headers["Location"] == "/tasks", back
    assert ukba.post(f"/tasks/{rg.id}/claim", {"back": "/tasks?assigned=me"}).headers["Location"] == (
        "/tasks?assigned=me"
    )


def test_the_inbox_filters_and_marks_overdue_tasks(browser, nrm, moving_clock):
    from datetime import timedelta

    police, ukba = browser("fr-police"), browser("ca-ukba")
    key = _refer_adult(police)
    nrm.complete_task(nrm.tasks(case_key=key)[0].id, _adult_referral(nrm))
    page = ukba.get("/tasks").get_data(as_text=True)
    assert "Make the reasonable grounds decision" in page and "govuk-tag--red" not in page
    moving_clock.move(timedelta(days=10))
    page = ukba.get("/tasks?due=overdue").get_data(as_text=True)
    assert "Make the reasonable grounds decision" in page and "govuk-tag--red" in page
    assert "No tasks match" in ukba.get("/tasks?case=NRM-2026-999999").get_data(as_text=True)
    assert key in ukba.get(f"/tasks?case={key.lower()}").get_data(as_text=True)


CHECKED = re.compile(r'name="checked" value="([^"]+)"')


def accept_and_send(person, task_id: str):
    """ "Accept and send" on the "Check your answers" page, as shown (with the answers' version)."""
    page = person.get(f"/tasks/{task_id}/check").get_data(as_text=True)
    return person.post(f"/tasks/{task_id}/check", {"checked": CHECKED.search(page).group(1)})


def test_two_people_completing_one_task_one_is_told_who_did_it(browser, nrm):
    police = browser("fr-police")
    _refer_adult(police)
    if nrm.users.get("fr-police-2") is None:
        nrm.users.add(
            "fr-police-2", DEMO_PASSWORD, ["first-responder"], display_name="Alex Brown", agency="police"
        )
    colleague = browser("fr-police-2")
    task_id = TASK_LINK.search(police.get("/tasks").get_data(as_text=True)).group(1)
    colleague.get(f"/tasks/{task_id}")
    data = {k: v for k, v in _referral_form_post().items()}
    assert police.post(f"/tasks/{task_id}", data).headers["Location"] == f"/tasks/{task_id}/check"
    assert accept_and_send(police, task_id).status_code == 303
    response = colleague.post(f"/tasks/{task_id}", data)
    assert response.status_code == 409
    assert "Priya Shah (police) completed it" in response.get_data(as_text=True)
    assert colleague.get(f"/tasks/{task_id}").status_code == 409


def test_sending_a_referral_twice_shows_its_confirmation_again(browser, nrm):
    police = browser("fr-police")
    key = _refer_adult(police)
    task_id = nrm.case(key).open_tasks[0].id
    police.post(f"/tasks/{task_id}", _referral_form_post())
    page = police.get(f"/tasks/{task_id}/check").get_data(as_text=True)
    checked = {"checked": CHECKED.search(page).group(1)}
    assert police.post(f"/tasks/{task_id}/check", checked).headers["Location"] == f"/referrals/{key}/sent"
    again = police.post(f"/tasks/{task_id}/check", checked)  # a double click, a reload
    assert again.status_code == 303 and again.headers["Location"] == f"/referrals/{key}/sent"


def test_answers_changed_after_they_were_checked_are_checked_again(browser, nrm):
    police = browser("fr-police")
    key = _refer_adult(police)
    task_id = nrm.case(key).open_tasks[0].id
    police.post(f"/tasks/{task_id}", _referral_form_post())
    page = police.get(f"/tasks/{task_id}/check").get_data(as_text=True)
    checked = {"checked": CHECKED.search(page).group(1)}
    police.post(f"/tasks/{task_id}", {**_referral_form_post(), "given_names": "Ada"})  # another window
    response = police.post(f"/tasks/{task_id}/check", checked)
    assert response.headers["Location"] == f"/tasks/{task_id}/check"
    assert nrm.case(key).open_tasks[0].id == task_id  # not sent: to be checked again
    page = police.get(f"/tasks/{task_id}/check").get_data(as_text=True)
    assert "changed after you checked them" in page and "Ada" in page


def test_answers_too_long_to_save_stay_on_the_page(browser, nrm):
    police = browser("fr-police")
    key = _refer_adult(police)
    task_id = nrm.case(key).open_tasks[0].id
    response = police.post(
        f"/tasks/{task_id}", {"narrative": "x" * 250_000, "given_names": "Adaeze", "action": "save"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "too long to save" in page and 'value="Adaeze"' in page


def test_a_draft_goes_when_its_case_is_cancelled(browser, nrm):
    from engine import Actor
    from engine.persistence.models import TaskDraft

    police = browser("fr-police")
    key = _refer_adult(police)
    task_id = nrm.case(key).open_tasks[0].id
    police.post(f"/tasks/{task_id}", {"given_names": "Adaeze", "action": "save"})
    nrm.cancel_case(key, "Referred twice", Actor("manager", frozenset({"manager"})))
    with nrm.db.reading() as session:
        assert session.query(TaskDraft).filter_by(task_id=task_id).count() == 0


def _adult_referral(nrm) -> dict:
    from web.cli.demo_data import form_payload

    return form_payload("adult-referral-form.json")


def _referral_form_post() -> dict:
    return {
        "first_responder_name": "Sam Taylor",
        "first_responder_email": "sam@example.org",
        "given_names": "Adaeze",
        "family_name": "Okafor",
        "age": "24",
        "sex": "female",
        "nationality": "NG",
        "languages": "Igbo\nEnglish",
        "interpreter_needed": "true",
        "exploitation_types": ["sexual"],
        "exploitation_location": "uk",
        "indicators": ["debt_bondage"],
        "narrative": "Found working for no pay.",
        "support_needed": "true",
        "accommodation_needed": "true",
        "immigration_status": "not_known",
        "referral_region": "england-and-wales",
    }


def test_the_task_page_shows_each_party_its_case_file(browser, nrm):
    """The caseworker reads the referral above the decision form; the support provider who the
    person is and their languages, not the account; another agency's first responder nothing."""
    from web.cli.demo_data import form_payload

    police, ukba, support, salvation = (
        browser("fr-police"),
        browser("ca-ukba"),
        browser("support"),
        browser("fr-salvation"),
    )
    key = _refer_adult(police)
    account = "Recruited in Lagos with a promise of work.\nHer passport was taken."
    nrm.complete_task(
        nrm.tasks(case_key=key)[0].id,
        form_payload("adult-referral-form.json", given_names="Adaeze", narrative=account, languages=["Igbo"]),
    )
    rg = nrm.tasks(case_key=key)[0]
    page = ukba.get(f"/tasks/{rg.id}").get_data(as_text=True)
    assert "Adaeze" in page and "Recruited in Lagos" in page and "Nigeria" in page
    assert page.index("Recruited in Lagos") < page.index(
        f'<form method="post" action="/tasks/{rg.id}" novalidate>'
    )
    assert salvation.get(f"/tasks/{rg.id}").status_code == 403
    nrm.complete_task(rg.id, form_payload("reasonable-grounds-decision.json"))
    arrange = next(t for t in nrm.tasks(case_key=key) if t.element_id == "arrange_support")
    page = support.get(f"/tasks/{arrange.id}").get_data(as_text=True)
    assert "Adaeze" in page and "Igbo" in page and "Is an interpreter needed?" in page
    assert "Lagos" not in page and "passport was taken" not in page
    assert salvation.get(f"/tasks/{arrange.id}").status_code == 403
