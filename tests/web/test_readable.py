"""Words people read: the case page's data by the forms' labels and choice labels, names as
entered, dates GOV.UK style; no codes, ids, ISO timestamps or Python reprs; readable CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest

from engine import Actor
from tests.web.test_statistics import PERIOD, known  # noqa: F401 (a fixture)
from web.cli.demo_data import form_payload

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


def _advance(nrm, key: str, element_id: str, **answers) -> None:
    task = next(t for t in nrm.case(key).open_tasks if t.element_id == element_id)
    nrm.complete_task(task.id, form_payload(task.form, **answers))


@pytest.fixture
def decided(nrm, browser):
    """A demo-like adult case past its reasonable grounds decision (letters sent, reflection on)."""
    browser("ca-ukba")  # a user, so that the page can name who did what
    key = nrm.start_case("nrm_pathway", actor=POLICE).key
    _advance(nrm, key, "choose_referral_form", age_group="adult")
    _advance(nrm, key, "ask_adult_consent")
    _advance(
        nrm,
        key,
        "complete_adult_referral",
        given_names="Thi Lan",
        family_name="Nguyen",
        nationality="VN",
        immigration_status="no_leave",
        exploitation_types=["labour"],
    )
    task = next(t for t in nrm.case(key).open_tasks if t.element_id == "decide_reasonable_grounds")
    ukba = Actor("ca-ukba", frozenset({"competent-authority-ukba"}), agency="uk_border_agency")
    nrm.claim_task(task.id, ukba)
    nrm.complete_task(task.id, form_payload(task.form), ukba)
    return key


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _main(response) -> str:
    html = response.get_data(as_text=True)
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<script.*?</script>", "", main, flags=re.S)  # the diagram's own data
    return _text(main)


def test_the_case_page_shows_answers_in_words(browser, decided):
    text = _main(browser("manager").get(f"/cases/{decided}"))
    assert "Thi Lan" in text and "Nguyen" in text and "Thi lan" not in text
    assert "Nationality Vietnam" in text and " VN " not in text
    assert "No leave to remain (overstayer or illegal entrant)" in text and "no_leave" not in text
    assert "Type of exploitation Labour exploitation" in text
    assert not ISO_MOMENT.search(text), ISO_MOMENT.search(text)
    assert not UUID.search(text)
    assert "['" not in text and "[]" not in text and "{'" not in text
    assert "Extensions" not in text and "Letters:" not in text
    assert re.search(r"Reflection and recovery period ends \d{1,2} [A-Z][a-z]+ 2026 at \d\d:\d\d", text)


def test_fields_the_process_sets_have_the_words_of_its_labels_file(browser, decided):
    text = _main(browser("manager").get(f"/cases/{decided}"))
    assert re.search(r"Reasonable grounds decision due \d{1,2} March 2026", text)
    assert "Competent authority UK Border Agency" in text and "Nationality group Not a UK or EEA" in text
    assert "Rg due at" not in text and " UKBA " not in text and "non-EEA" not in text


def test_the_case_page_names_the_process_and_the_referring_agency(browser, decided):
    text = _main(browser("manager").get(f"/cases/{decided}"))
    assert "National Referral Mechanism pathway, version 1" in text
    assert "nrm_pathway" not in text and "Referred 2 March 2026 at 09:00 by Police" in text
    assert "Show the diagram of: Adult referral" in text and "Reflection and recovery period" in text


def test_the_case_history_names_people_not_usernames(browser, decided):
    text = _main(browser("manager").get(f"/cases/{decided}"))
    assert "Make the reasonable grounds decision: done Declan Murphy" in text
    assert "Referral started A former user" in text  # fr-police is no user here
    assert "Choose the referral form: done The system" in text
    assert "Task completed" not in text and "Case started" not in text and "Timer set" not in text
    assert "Someone outside the service" not in text
    assert "ca-ukba" not in text and "fr-police" not in text


def test_the_cases_csv_has_words_for_headers_and_values(browser, decided):
    exported = browser("manager").get("/cases.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0][:7] == [
        "Reference",
        "Status",
        "Stage",
        "Referred on",
        "Last updated",
        "Referring agency",
        "Overdue",
    ]
    assert rows[0][7:] == ["Competent authority", "Adult or child", "Type of exploitation"]
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Status"] == "Active" and line["Overdue"] in ("Yes", "No")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ 2026 at \d\d:\d\d", line["Referred on"])
    assert line["Referring agency"] == "Police" and line["Type of exploitation"] == "Labour exploitation"
    assert not ISO_MOMENT.search(exported.get_data(as_text=True))


STATISTICS = (
    "by-age",
    "by-exploitation",
    "by-agency",
    "by-authority",
    "outcomes",
    "time-to-decision",
    "rg-past-target",
    "reflection-ending",
)
CODES = {"adult", "child", "labour", "sexual", "not recorded", "police", "salvation_army"}
CODES |= {"salvation army", "UKBA", "UKHTC", "rg", "RG decisions made"}


def test_every_statistics_csv_is_in_words(browser, known):  # noqa: F811 (the fixture)
    manager = browser("manager")
    for key in STATISTICS:
        exported = manager.get(f"/statistics/{key}.csv?{PERIOD}").get_data(as_text=True)
        assert not re.search(r"\b\d{4}-\d{2}(-\d{2})?\b", exported), (key, exported)
        cells = {cell for row in csv.reader(io.StringIO(exported)) for cell in row}
        assert not cells & CODES, (key, cells & CODES)
    page = _main(manager.get(f"/statistics?{PERIOD}"))
    assert "Referrals made from March 2026 to April 2026" in page
    assert "Labour exploitation" in page and "The Salvation Army" in page and "19 April 2026" in page
