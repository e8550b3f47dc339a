"""Letters come from the templates and parameters of the case's own deployed version: a policy
change's figures reach its letters, and a reworded template reaches only the cases on it."""

from __future__ import annotations

from datetime import timedelta

from engine import Actor
from engine.spec.bundle import Bundle, read_bundle
from tests.conftest import BUNDLE
from tests.scenarios.driver import CaseDriver
from web.cli.demo_data import Person

OWNER = Actor("owen", frozenset({"process-owner"}))
VERSION_TWO = BUNDLE / "policy_changes" / "recovery_30_days"
IRISH = Person("Siobhan", "Byrne", "female", "IE", "Ireland", ("English", "Irish"), 29, ("labour",))


def _rg_letters(case: CaseDriver) -> dict[str, str]:
    return {d.kind: d.body for d in case.documents() if d.kind.startswith("rg_positive")}


def test_a_version_2_letter_says_30_days(drive, nrm):
    old = drive("NG")
    old.refer("adult")
    nrm.deploy(read_bundle(BUNDLE, VERSION_TWO), OWNER)
    new = drive("NG")
    new.refer("adult")
    for case in (old, new):
        case.complete("decide_reasonable_grounds", rg_decision="positive")
    new_letters, old_letters = _rg_letters(new), _rg_letters(old)
    assert "at least 30 calendar days" in new_letters["rg_positive_letter"]
    assert "At about day 20 we will review" in new_letters["rg_positive_letter"]
    assert "at least 30 calendar days" in new_letters["rg_positive_first_responder_notice"]
    assert "review progress at about day 20" in new_letters["rg_positive_support_provider_notice"]
    assert not any("45" in body or "day 30" in body for body in new_letters.values())
    assert "at least 45 calendar days" in old_letters["rg_positive_letter"]
    assert "At about day 30 we will review" in old_letters["rg_positive_letter"]


def test_letter_texts_come_from_the_bundle(drive, nrm):
    old = drive("NG")
    old.refer("adult")
    files = dict(read_bundle(BUNDLE).files)
    path = "letters/rg_positive_letter.txt"
    files[path] = files[path].replace(b"What happens next", b"What happens now (new wording)")
    assert nrm.deploy(Bundle(files), OWNER).created
    new = drive("NG")
    new.refer("adult")
    for case in (old, new):
        case.complete("decide_reasonable_grounds", rg_decision="positive")
    assert (old.case().definition_version, new.case().definition_version) == (1, 2)
    new_letter, old_letter = _rg_letters(new)["rg_positive_letter"], _rg_letters(old)["rg_positive_letter"]
    assert "What happens now (new wording)" in new_letter and "What happens next" not in new_letter
    assert "What happens next" in old_letter and "new wording" not in old_letter


def test_an_irish_citizen_on_the_policy_change_version(nrm, database_url, moving_clock):
    nrm.deploy(read_bundle(BUNDLE, VERSION_TWO), OWNER)
    case = CaseDriver(database_url, moving_clock, IRISH)
    case.refer("adult")
    data = case.data()
    assert data["competent_authority"] == "UKHTC"
    assert data["allocation"]["competent_authority_name"] == "UK Human Trafficking Centre"
    assert case.open_tasks()["decide_reasonable_grounds"].candidate_group == "competent-authority-ukhtc"
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    decided = moving_clock.now()
    assert case.case().definition_version == 2
    assert case.waiting_timers()["progress_review_due"] == decided + timedelta(days=20)
    letter = _rg_letters(case)["rg_positive_letter"]
    assert "Dear Siobhan Byrne," in letter
    assert "UK Human Trafficking Centre, the competent authority" in letter
    assert "at least 30 calendar days" in letter and "day 20" in letter
