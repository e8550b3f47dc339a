"""A task's case file (engine/runtime/case_file.py): what each party may read of the case, as the
task's `caseFile` property in the NRM diagrams declares, in words; nothing without it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import Actor, CaseFile, Forbidden
from web.cli.demo_data import form_payload

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
UKBA = Actor("ca-ukba", frozenset({"competent-authority-ukba"}))
SUPPORT = Actor("sp-salvation", frozenset({"support-provider"}))
ACCOUNT = "She was recruited in Lagos with a promise of work.\nHer passport was taken at the airport."
REFERRAL = {
    "given_names": "Adaeze Chioma",
    "family_name": "McOkafor",
    "nationality": "NG",
    "languages": ["Igbo", "English"],
    "interpreter_needed": True,
    "narrative": ACCOUNT,
    "indicators": ["documents_held_by_others"],
    "sex": "female",
}


def _task(nrm, key: str, element_id: str):
    return next(t for t in nrm.tasks(case_key=key) if t.element_id == element_id)


def _to_reasonable_grounds(nrm) -> str:
    """A police referral of an adult, answered up to the reasonable grounds decision."""
    key = nrm.start_case("nrm_pathway", actor=POLICE).key
    nrm.complete_task(
        _task(nrm, key, "choose_referral_form").id,
        {"first_responder_agency": "police", "age_group": "adult"},
        POLICE,
    )
    nrm.complete_task(_task(nrm, key, "ask_adult_consent").id, form_payload("adult-consent.json"), POLICE)
    nrm.complete_task(
        _task(nrm, key, "complete_adult_referral").id,
        form_payload("adult-referral-form.json", **REFERRAL),
        POLICE,
    )
    return key


def _rows(case_file: CaseFile) -> dict[str, str]:
    return {row.label: row.value for section in case_file.sections for row in section.rows}


def test_the_reasonable_grounds_caseworker_reads_the_whole_referral(nrm):
    key = _to_reasonable_grounds(nrm)
    case_file = nrm.case_file(_task(nrm, key, "decide_reasonable_grounds").id, UKBA)
    titles = [s.title for s in case_file.sections]
    assert "Adult referral form" in titles and "Ask for the adult's consent" in titles
    assert "Child referral form" not in titles  # never answered on this case
    rows = _rows(case_file)
    assert rows["Given names"] == "Adaeze Chioma" and rows["Family name"] == "McOkafor"
    assert rows["Nationality"] == "Nigeria"
    assert rows["What happened"] == ACCOUNT  # line breaks kept
    assert rows["Is an interpreter needed?"] == "Yes"
    assert rows["Languages spoken"] == "Igbo, English"
    assert rows["Sex"] == "Female"
    assert "Passport or identity documents held by someone else" in rows["Indicators of trafficking"]
    assert "documents_held_by_others" not in " ".join(rows.values())
    assert case_file.letters == ()  # declared, none yet
    assert case_file.history is not None
    assert any("Complete the adult referral form: done" in e.text for e in case_file.history)
    assert all("refused" not in e.text for e in case_file.history)


def test_a_consent_date_reads_as_a_date(nrm):
    key = _to_reasonable_grounds(nrm)
    rows = _rows(nrm.case_file(_task(nrm, key, "decide_reasonable_grounds").id, UKBA))
    signed = rows["Date consent was signed"]
    assert "-" not in signed and signed.split()[1] in {
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    }  # fmt: skip


def test_the_support_provider_reads_who_the_person_is_but_not_their_account(nrm):
    key = _to_reasonable_grounds(nrm)
    nrm.complete_task(
        _task(nrm, key, "decide_reasonable_grounds").id, form_payload("reasonable-grounds-decision.json")
    )
    case_file = nrm.case_file(_task(nrm, key, "arrange_support").id, SUPPORT)
    rows = _rows(case_file)
    assert rows["Given names"] == "Adaeze Chioma" and rows["Family name"] == "McOkafor"
    assert rows["Languages spoken"] == "Igbo, English"
    assert rows["Is an interpreter needed?"] == "Yes"
    assert rows["Nationality"] == "Nigeria"
    text = " ".join(rows) + " ".join(rows.values())
    assert "Lagos" not in text and "What happened" not in text
    assert "Indicators of trafficking" not in rows and "Type of exploitation" not in rows
    assert case_file.letters is None and case_file.history is None
    # the decision forms come only where declared: the conclusive grounds caseworker sees the RG decision
    assert "Reasonable grounds decision" not in [s.title for s in case_file.sections]


def test_a_task_without_a_case_file_shows_nothing_personal(nrm):
    key = nrm.start_case("nrm_pathway", actor=POLICE).key
    nrm.complete_task(
        _task(nrm, key, "choose_referral_form").id,
        {"first_responder_agency": "police", "age_group": "adult"},
        POLICE,
    )
    case_file = nrm.case_file(_task(nrm, key, "ask_adult_consent").id, POLICE)
    assert case_file == CaseFile() and case_file.empty


def test_someone_who_may_not_work_on_the_task_is_refused_and_audited(nrm):
    key = _to_reasonable_grounds(nrm)
    task = _task(nrm, key, "decide_reasonable_grounds")
    for outsider in (POLICE, SUPPORT):
        with pytest.raises(Forbidden):
            nrm.case_file(task.id, outsider)
    refused = [e for e in nrm.history(key) if e.action == "refused"]
    assert {(e.actor, e.detail["attempted"]) for e in refused} == {
        ("fr-police", "task_viewed"),
        ("sp-salvation", "task_viewed"),
    }


def test_earlier_decisions_and_letters_reach_the_recovery_review(nrm, moving_clock):
    key = _to_reasonable_grounds(nrm)
    nrm.complete_task(
        _task(nrm, key, "decide_reasonable_grounds").id, form_payload("reasonable-grounds-decision.json")
    )
    nrm.complete_task(_task(nrm, key, "arrange_support").id, form_payload("support-and-accommodation.json"))
    moving_clock.move(timedelta(days=31))
    assert nrm.fire_due_timers() >= 1
    case_file = nrm.case_file(_task(nrm, key, "review_recovery_progress").id, UKBA)
    sections = {s.title: {r.label: r.value for r in s.rows} for s in case_file.sections}
    assert sections["Reasonable grounds decision"]["Reasonable grounds decision"].startswith("Positive")
    assert "Your decision" not in sections["Reasonable grounds decision"]  # the x-summary-title
    assert case_file.letters  # the RG letters
