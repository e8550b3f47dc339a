"""Statistics on a known set of cases, checked against counts made by hand, through the CSV
downloads (the same figures the page charts)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from engine import Actor, clock
from engine.persistence.models import CaseSummary
from engine.reporting.statistics import figures
from tests.web.test_cases import _advance

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
SALVATION = Actor("fr-salvation", frozenset({"first-responder"}), agency="salvation_army")
PERIOD = "from=2026-03&to=2026-04"
LABOUR, SEXUAL = "Labour exploitation", "Sexual exploitation"


def _refer_adult(nrm, actor: Actor, exploitation: list[str]) -> str:
    key = nrm.start_case("nrm_pathway", actor=actor).key
    _advance(nrm, key, "choose_referral_form", age_group="adult")
    _advance(nrm, key, "ask_adult_consent")
    _advance(nrm, key, "complete_adult_referral", exploitation_types=exploitation, nationality="NG")
    return key


@pytest.fixture
def known(nrm, moving_clock):
    """2 March: adults A (labour, sexual) and B (labour) from the police, child C from the Salvation
    Army. A's RG is positive on 5 March; B's is still open past its target. 2 April: adult D from
    the Salvation Army. A's day-30 review is done; A's reflection period ends on 19 April."""
    a = _refer_adult(nrm, POLICE, ["labour", "sexual"])
    b = _refer_adult(nrm, POLICE, ["labour"])
    c = nrm.start_case("nrm_pathway", actor=SALVATION).key
    _advance(nrm, c, "choose_referral_form", age_group="child")
    moving_clock.move(timedelta(days=3))
    _advance(nrm, a, "decide_reasonable_grounds", rg_decision="positive")
    _advance(nrm, a, "arrange_support")
    moving_clock.move(timedelta(days=7))
    nrm.fire_due_timers()  # B's 5-working-day target passes
    moving_clock.move(timedelta(days=21))
    d = nrm.start_case("nrm_pathway", actor=SALVATION).key
    _advance(nrm, d, "choose_referral_form", age_group="adult")
    moving_clock.move(timedelta(days=3))
    nrm.fire_due_timers()  # A's day-30 review
    _advance(nrm, a, "review_recovery_progress", extend_reflection=False)
    moving_clock.move(timedelta(days=9))  # 14 April: A's period ends within 7 days
    return {"a": a, "b": b, "c": c, "d": d}


def _figure(manager, key: str) -> list[dict]:
    response = manager.get(f"/statistics/{key}.csv?{PERIOD}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_each_figure_matches_the_hand_count(browser, known):
    manager = browser("manager")
    assert _figure(manager, "by-age") == [
        {"Month": "March 2026", "Adult (18 or over)": "2", "Child (under 18)": "1"},
        {"Month": "April 2026", "Adult (18 or over)": "1", "Child (under 18)": "0"},
    ]
    assert _figure(manager, "by-exploitation") == [
        {"Month": "March 2026", LABOUR: "2", SEXUAL: "1", "Not recorded": "1"},
        {"Month": "April 2026", LABOUR: "0", SEXUAL: "0", "Not recorded": "1"},
    ]
    assert _figure(manager, "by-agency") == [
        {"Agency": "Police", "Referrals": "2"},
        {"Agency": "The Salvation Army", "Referrals": "2"},
    ]
    assert _figure(manager, "by-authority") == [{"Competent authority": "UK Border Agency", "Referrals": "2"}]
    assert _figure(manager, "outcomes") == [
        {"Decision": "Reasonable grounds", "Positive": "1", "Negative": "0"},
        {"Decision": "Conclusive grounds", "Positive": "0", "Negative": "0"},
    ]
    timing = {row["Stage"]: row for row in _figure(manager, "time-to-decision")}
    assert timing["Referral to reasonable grounds decision"]["Decisions"] == "1"
    assert timing["Referral to reasonable grounds decision"]["Median days"] == "3.0"
    assert timing["Referral to conclusive grounds decision"]["Decisions"] == "0"
    assert _figure(manager, "rg-past-target") == [
        {"Month referred": "March 2026", "Reasonable grounds decisions made": "1", "Past the target": "1"}
    ]
    assert _figure(manager, "reflection-ending") == [{"Case": known["a"], "Period ends": "19 April 2026"}]


def test_summaries_written_afresh_from_the_stored_rows_give_the_same_figures(known, nrm):
    """Upgrading a database (`nrm init`) writes the summaries of existing cases from their facts,
    decision audit rows and flags; the figures must be those the steps kept."""
    since, until = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)
    with nrm.db.reading() as session:
        kept = figures(session, since, until, clock.now())
    with nrm.db.writing() as session:
        session.execute(delete(CaseSummary))
    assert nrm.backfill_summaries() == 4
    with nrm.db.reading() as session:
        assert figures(session, since, until, clock.now()) == kept
    outcomes = next(f for f in kept if f.key == "outcomes")
    assert kept[0].rows and outcomes.rows[0][1] == 1  # not empty: by month, and one RG decision
    assert nrm.backfill_summaries() == 0  # every case has its row now
    with nrm.db.reading() as session, pytest.raises(ValueError, match="whole months"):
        figures(session, since + timedelta(days=1), until, clock.now())


def test_the_statistics_page_for_managers_and_owners_only(browser, known, nrm):
    manager, owner, caseworker = browser("manager"), browser("owner"), browser("ca-ukba")
    page = manager.get(f"/statistics?{PERIOD}").get_data(as_text=True)
    assert "Referrals by month: adults and children" in page and known["a"] in page
    assert owner.get("/statistics").status_code == 200
    assert caseworker.get("/statistics").status_code == 403
    assert caseworker.get("/statistics/by-age.csv").status_code == 403
    assert manager.get("/statistics/nothing.csv").status_code == 404
    bad = manager.get("/statistics?from=March&to=2026-13").get_data(as_text=True)
    assert "Enter a month like 2026-03" in bad


def test_figures_are_counted_again_after_five_minutes_or_on_request(browser, nrm, moving_clock):
    manager = browser("manager")
    by_age = "/statistics/by-age.csv?from=2026-03&to=2026-03"
    nrm.start_case("nrm_pathway", actor=POLICE)
    assert manager.get(by_age).get_data(as_text=True).count("March 2026") == 1  # counted: 1 case
    _advance(nrm, nrm.start_case("nrm_pathway", actor=POLICE).key, "choose_referral_form", age_group="child")
    assert "Child" not in manager.get(by_age).get_data(as_text=True)  # the same count, a minute old
    moving_clock.move(timedelta(minutes=5))
    assert "Child" in manager.get(by_age).get_data(as_text=True)
    _advance(nrm, nrm.start_case("nrm_pathway", actor=POLICE).key, "choose_referral_form", age_group="adult")
    page = manager.get("/statistics?from=2026-03&to=2026-03&fresh=yes").get_data(as_text=True)
    assert "count now" in page and ">1</td>" in page  # recounted: the adult is there
