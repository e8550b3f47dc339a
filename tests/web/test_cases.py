"""The managers' case list (each filter, search, sort, counts, CSV), the case page's personal-data
rule, status changes with a reason, and the refusals for everyone else."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from engine import Actor
from web.cli.demo_data import form_payload

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
SALVATION = Actor("fr-salvation", frozenset({"first-responder"}), agency="salvation_army")


def _advance(nrm, key: str, element_id: str, **answers) -> None:
    task = next(t for t in nrm.case(key).open_tasks if t.element_id == element_id)
    nrm.complete_task(task.id, form_payload(task.form, **answers))


@pytest.fixture
def cases(nrm, moving_clock):
    """Four cases: a child (police), an adult at RG with labour exploitation (police, 3 days
    later), a new one (Salvation Army, 10 days later) and a cancelled one."""
    child = nrm.start_case("nrm_pathway", actor=POLICE).key
    _advance(nrm, child, "choose_referral_form", age_group="child")
    moving_clock.move(timedelta(days=3))
    adult = nrm.start_case("nrm_pathway", actor=POLICE).key
    _advance(nrm, adult, "choose_referral_form", age_group="adult")
    _advance(nrm, adult, "ask_adult_consent")
    _advance(nrm, adult, "complete_adult_referral", exploitation_types=["labour"], nationality="NG")
    moving_clock.move(timedelta(days=10))
    new = nrm.start_case("nrm_pathway", actor=SALVATION).key
    cancelled = nrm.start_case("nrm_pathway", actor=SALVATION).key
    nrm.cancel_case(cancelled, "Referred twice by mistake")
    return {"child": child, "adult": adult, "new": new, "cancelled": cancelled}


def _keys(response) -> set[str]:
    text = response.get_data(as_text=True)
    return {
        key
        for key in ("NRM-2026-000001", "NRM-2026-000002", "NRM-2026-000003", "NRM-2026-000004")
        if key in text
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"child", "adult", "new", "cancelled"}),
        ("status=active", {"child", "adult", "new"}),
        ("status=cancelled", {"cancelled"}),
        ("step=decide_reasonable_grounds", {"adult"}),
        ("step=choose_referral_form", {"new"}),
        ("authority=UKBA", {"adult"}),
        ("age=child", {"child"}),
        ("age=adult", {"adult"}),
        ("exploitation=labour", {"adult"}),
        ("agency=salvation_army", {"new", "cancelled"}),
        ("from=2026-03-04&to=2026-03-06", {"adult"}),
        ("from=2026-03-10", {"new", "cancelled"}),
        ("overdue=yes", {"adult"}),
        ("q=NRM-2026-000002", {"adult"}),
        ("q=nrm-2026-00000", {"child", "adult", "new", "cancelled"}),
        ("age=adult&agency=salvation_army", set()),
        ("authority=UKBA&age=adult&exploitation=labour", {"adult"}),  # several facts: the summaries
        ("authority=UKBA&age=child", set()),
        ("age=adult&exploitation=lab", set()),  # a value is matched whole, not as a prefix
        ("age=adult&exploitation=Labour", set()),  # … and with its case
    ],
)
def test_each_filter_finds_the_right_cases(browser, cases, query, expected):
    manager = browser("manager")
    response = manager.get(f"/cases?{query}")
    assert response.status_code == 200
    order = ["child", "adult", "new", "cancelled"]
    assert _keys(response) == {f"NRM-2026-00000{order.index(name) + 1}" for name in expected}


def test_counts_sorting_bad_filters_and_csv(browser, cases, moving_clock):
    manager = browser("manager")
    page = manager.get("/cases").get_data(as_text=True)
    assert "Active <strong>3</strong>" in page and "Cancelled <strong>1</strong>" in page
    oldest = manager.get("/cases?sort=oldest").get_data(as_text=True)
    assert oldest.index(cases["child"]) < oldest.index(cases["new"])
    newest = manager.get("/cases").get_data(as_text=True)
    assert newest.index(cases["new"]) < newest.index(cases["child"])
    bad = manager.get("/cases?from=31/02/2026&status=lost&sort=sideways")
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "Enter a real date" in text and "Choose a status" in text and "Choose a sort order" in text
    exported = manager.get("/cases.csv?agency=police")
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert {r["Reference"] for r in rows} == {cases["child"], cases["adult"]}
    adult = next(r for r in rows if r["Reference"] == cases["adult"])
    assert adult["Competent authority"] == "UK Border Agency"
    assert adult["Type of exploitation"] == "Labour exploitation"
    assert adult["Overdue"] == "Yes" and adult["Adult or child"] == "Adult (18 or over)"


def test_personal_details_only_for_managers(browser, cases):
    manager, owner = browser("manager"), browser("owner")
    full = manager.get(f"/cases/{cases['adult']}").get_data(as_text=True)
    assert "Given names" in full and "Personal details are shown to managers only" not in full
    facts = owner.get(f"/cases/{cases['adult']}").get_data(as_text=True)
    assert "Personal details are shown to managers only" in facts
    assert "Given names" not in facts and "Competent authority" in facts
    assert "Suspend" not in facts


@pytest.mark.parametrize("role", ["fr-police", "ca-ukba", "support", "children", "returns", "immigration"])
def test_other_roles_are_refused_and_audited(browser, cases, nrm, role):
    user = browser(role)
    for path in ("/cases", f"/cases/{cases['adult']}", "/cases.csv"):
        assert user.get(path).status_code == 403
    assert (
        user.post(f"/cases/{cases['adult']}/status", {"action": "suspend", "reason": "x"}).status_code == 403
    )
    refused = [e for e in nrm.history(cases["adult"]) if e.action == "refused" and e.actor == role]
    assert {e.detail["attempted"] for e in refused} == {"case_viewed", "case_suspended"}
    assert nrm.case(cases["adult"]).status == "active"


def test_a_manager_suspends_resumes_and_cancels_with_a_reason(browser, cases, nrm):
    manager = browser("manager")
    page = f"/cases/{cases['adult']}"
    manager.get(page)
    response = manager.post(f"{page}/status", {"action": "suspend", "reason": "  "})
    assert response.status_code == 400 and nrm.case(cases["adult"]).status == "active"
    text = response.get_data(as_text=True)
    assert "govuk-error-summary" in text and 'href="#reason"' in text
    assert 'id="reason-error"' in text and "Enter a reason for suspending the case" in text
    assert "govuk-notification-banner" not in text and "<title>Error: " in text
    assert re.search(r'<textarea[^>]*id="reason"[^>]*>  </textarea>', text)  # what was typed
    done = manager.post(f"{page}/status", {"action": "suspend", "reason": "Person missing; police informed"})
    success = manager.get(done.headers["Location"]).get_data(as_text=True)
    assert "govuk-notification-banner--success" in success and "suspended" in success
    assert nrm.case(cases["adult"]).status == "suspended"
    assert "Person missing; police informed" in manager.get(page).get_data(as_text=True)
    manager.post(f"{page}/status", {"action": "resume", "reason": "Person found"})
    manager.post(f"{page}/status", {"action": "cancel", "reason": "Duplicate of another referral"})
    assert nrm.case(cases["adult"]).status == "cancelled"
    actions = [e.action for e in nrm.history(cases["adult"])]
    assert [a for a in actions if a.startswith("case_") and a != "case_started"] == [
        "case_suspended",
        "case_resumed",
        "case_cancelled",
    ]
    assert manager.post(f"{page}/status", {"action": "explode", "reason": "x"}).status_code == 400
    owner = browser("owner")  # may see the case, may not change it: refused before the reason is checked
    owner.get(page)
    assert owner.post(f"{page}/status", {"action": "resume", "reason": ""}).status_code == 403
    assert manager.get("/cases/NRM-2026-999999").status_code == 404


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted():
    from web.csv_export import csv_response

    text = csv_response(["a", "b"], [["=HYPERLINK(1)", "-2"], ["plain", 3]], "x.csv").get_data(as_text=True)
    assert text.splitlines() == ["a,b", "'=HYPERLINK(1),'-2", "plain,3"]


def test_counts_of_a_fact_filter_follow_the_case_status(browser, cases, nrm):
    """A filter on facts is counted in the case summaries: they must follow suspend, resume and
    cancel as the cases table does."""
    manager = browser("manager")
    facts = "/cases?age=adult&exploitation=labour"
    assert "Active <strong>1</strong>" in manager.get(facts).get_data(as_text=True)
    nrm.suspend_case(cases["adult"], "the person is in hospital")
    page = manager.get(facts).get_data(as_text=True)
    assert "Suspended <strong>1</strong>" in page and "Active <strong>0</strong>" in page
    nrm.resume_case(cases["adult"], "out of hospital")
    assert "Active <strong>1</strong>" in manager.get(facts).get_data(as_text=True)
    nrm.cancel_case(cases["adult"], "referred twice")
    page = manager.get(f"{facts}&agency=police&from=2026-03-01").get_data(as_text=True)
    assert "Cancelled <strong>1</strong>" in page and "Active <strong>0</strong>" in page
    assert "Cancelled <strong>0</strong>" in manager.get(f"{facts}&agency=salvation_army").get_data(
        as_text=True
    )


def test_a_case_leaves_the_overdue_filter_when_its_late_task_is_done(browser, cases, nrm):
    """ "Overdue" reads the soonest due date each step keeps in the case's summary."""
    manager = browser("manager")
    assert _keys(manager.get("/cases?overdue=yes")) == {cases["adult"]}
    _advance(nrm, cases["adult"], "decide_reasonable_grounds", rg_decision="positive")
    page = manager.get("/cases?overdue=yes")
    assert _keys(page) == set() and "Active <strong>0</strong>" in page.get_data(as_text=True)


def test_counts_of_a_step_filter_per_status(browser, cases, nrm):
    """A step alone is counted from the open-task and timer indexes: every case waiting there is
    active or suspended."""
    manager = browser("manager")
    step = "/cases?step=decide_reasonable_grounds"
    assert "Active <strong>1</strong>" in manager.get(step).get_data(as_text=True)
    nrm.suspend_case(cases["adult"], "the person is in hospital")
    page = manager.get(step).get_data(as_text=True)
    assert "Active <strong>0</strong>" in page and "Suspended <strong>1</strong>" in page
    assert cases["adult"] in page
    new = manager.get("/cases?step=choose_referral_form").get_data(as_text=True)
    assert "Active <strong>1</strong>" in new and "Cancelled <strong>0</strong>" in new


def test_a_manager_records_a_missing_person_found_then_left_the_uk(browser, cases, nrm):
    manager = browser("manager")
    page = f"/cases/{cases['adult']}"
    text = manager.get(page).get_data(as_text=True)
    assert "The person is missing" in text and "The person has left the UK" in text
    response = manager.post(f"{page}/status", {"action": "missing", "reason": ""})
    assert response.status_code == 400 and nrm.case(cases["adult"]).status == "active"
    said = response.get_data(as_text=True)
    assert "Enter a reason for recording that the person is missing: it goes" in said
    manager.post(f"{page}/status", {"action": "missing", "reason": "Left the safe house"})
    assert nrm.case(cases["adult"]).outcome == "Suspended (the person is missing)"
    assert "The person has been found" in manager.get(page).get_data(as_text=True)
    manager.post(f"{page}/status", {"action": "found", "reason": "Found by the police"})
    assert nrm.case(cases["adult"]).status == "active"
    manager.post(f"{page}/status", {"action": "left_uk", "reason": "Flew home"})
    ended = nrm.case(cases["adult"])
    assert ended.status == "completed" and ended.outcome == "Withdrawn (left the UK)"


def test_a_support_provider_may_not_record_a_missing_person(browser, cases, nrm):
    support = browser("support")
    response = support.post(f"/cases/{cases['adult']}/status", {"action": "missing", "reason": "x"})
    assert response.status_code == 403
    refused = [e for e in nrm.history(cases["adult"]) if e.action == "refused" and e.actor == "support"]
    assert [e.detail["attempted"] for e in refused] == ["case_suspended"]
    assert nrm.case(cases["adult"]).status == "active"
