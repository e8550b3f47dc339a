"""Who is subject to immigration control, intake at the UKHTC, what the referral forms ask, and one
source for each list: issue 18 items 6, 11, 13 and 15, each rule proven on the real diagrams
(SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import Actor, FormValidationError
from engine.persistence.models import Case
from engine.runtime.step import Step
from engine.spec.bundle import Bundle, read_bundle
from engine.views import SYSTEM
from tests.conftest import BUNDLE
from tests.scenarios.driver import CaseDriver
from web.form_fields import fields_for

MANAGER = Actor("mia", frozenset({"manager"}))
OWNER = Actor("owen", frozenset({"process-owner"}))
PERIOD_FIELDS = (
    "first_responder_telephone",
    "crime_reference",
    "dependants",
    "dependants_details",
    "current_location",
    "location_details",
    "has_legal_representative",
    "legal_representative",
)


def _allocation(case: CaseDriver) -> tuple[str, str, bool]:
    data = case.data()
    return data["competent_authority"], data["nationality_group"], data["considered_for_leave"]


def _to_persons_plans(case: CaseDriver) -> None:
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    case.through_reflection()
    case.complete("decide_conclusive_grounds", cg_decision="positive")


# -- item 6: subject to immigration control --------------------------------------------------------


def test_a_person_with_leave_to_remain_is_not_considered_for_discretionary_leave(drive):
    case = drive("NG")
    case.refer("adult", immigration_status="leave_to_remain")
    assert _allocation(case) == ("UKBA", "non-EEA", False)
    _to_persons_plans(case)
    case.complete("record_persons_plans", wishes_to_return_home=False, cooperating_with_police=True)
    assert case.data()["outcome_route"] == "no_immigration_action"
    assert "consider_discretionary_leave" not in case.open_tasks()
    final = case.through_move_on()
    assert final.status == "completed" and final.outcome == "Support continues (no immigration action)"


def test_a_british_citizen_of_another_nationality_is_not_subject_to_immigration_control(drive):
    case = drive("NG")
    case.refer("adult", immigration_status="british_citizen")
    assert _allocation(case) == ("UKHTC", "UK", False)
    assert case.open_tasks()["decide_reasonable_grounds"].candidate_group == "competent-authority-ukhtc"


@pytest.mark.parametrize("status", ["not_known", "asylum_claim_pending", "no_leave"])
def test_an_unknown_or_irregular_status_falls_back_to_the_nationality(drive, status):
    nigerian = drive("NG")
    nigerian.refer("adult", immigration_status=status)
    assert _allocation(nigerian) == ("UKBA", "non-EEA", True)
    polish = drive("PL")
    polish.refer("adult", immigration_status=status)
    assert _allocation(polish) == ("UKHTC", "EEA", False)


@pytest.mark.parametrize("territory", ["JE", "GG", "IM", "GI", "BM", "FK", "KY"])
def test_a_jersey_national_is_british(drive, territory):
    """So are the other Crown dependencies, Gibraltar and the British overseas territories."""
    case = drive("NG")
    case.refer("adult", nationality=territory, immigration_status="not_known")
    assert _allocation(case) == ("UKHTC", "UK", False)


@pytest.mark.parametrize("territory", ["RE", "GP", "MQ", "GF", "YT", "AX"])
def test_a_reunion_national_is_an_eu_national(drive, territory):
    """So are Guadeloupe, Martinique, French Guiana, Mayotte and the Åland Islands."""
    case = drive("NG")
    case.refer("adult", nationality=territory, immigration_status="not_known")
    assert _allocation(case) == ("UKHTC", "EEA", False)


def test_croatia_is_in_the_eea_for_referrals_from_1_july_2013(drive, moving_clock):
    # 30 June 2013, 23:30 in London (22:30 UTC): the day before Croatia joined
    moving_clock.set(datetime(2013, 6, 30, 22, 30, tzinfo=UTC))
    before = drive("NG")
    before.refer("adult", nationality="HR", immigration_status="not_known")
    assert before.data()["referral_date"] == "2013-06-30"
    assert _allocation(before) == ("UKBA", "non-EEA", True)
    # 1 July 2013, 00:30 in London (23:30 UTC on 30 June)
    moving_clock.set(datetime(2013, 6, 30, 23, 30, tzinfo=UTC))
    after = drive("NG")
    after.refer("adult", nationality="HR", immigration_status="not_known")
    assert after.data()["referral_date"] == "2013-07-01"
    assert _allocation(after) == ("UKHTC", "EEA", False)


# -- item 11: intake at the UKHTC ----------------------------------------------------------------


def _steps_to(case: CaseDriver, element_id: str) -> list[str]:
    """The pathway's steps, in the order the case took them, up to the completed `element_id`."""
    engine = case.engine()
    try:
        with engine.db.reading() as session:
            row = session.scalar(select(Case).where(Case.business_key == case.key))
            definition = engine.definitions.get(session, row.definition_id)
            workflow = Step(session, definition, row, SYSTEM, "england-and-wales").load_workflow()
            done = workflow.get_tasks(state=TaskState.COMPLETED, spec_name=element_id)
            assert len(done) == 1, element_id
            task, steps = done[0], []
            while task is not None:
                steps.insert(0, task.task_spec.name)
                task = task.parent
            return steps
    finally:
        engine.db.dispose()


@pytest.mark.parametrize("age_group", ["adult", "child"])
def test_every_referral_is_received_at_the_ukhtc_before_allocation(drive, moving_clock, age_group):
    """The page: completed forms should be sent to the UKHTC, which allocates them."""
    case = drive("VN", adult=age_group == "adult")
    case.refer(age_group, safeguarding=False)  # a child's safeguarding runs beside, still open
    steps = _steps_to(case, "queue_for_competent_authority")
    referred = steps.index(f"refer_{age_group}")
    received = steps.index("receive_at_ukhtc")
    assert referred < received < steps.index("allocate_competent_authority")
    assert steps.count("receive_at_ukhtc") == 1
    assert case.data()["received_by_ukhtc_at"] == moving_clock.now().astimezone(UTC).isoformat()
    assert case.data()["competent_authority"] == "UKBA"
    rg = case.open_tasks()["decide_reasonable_grounds"]  # the clock runs from the allocation
    assert rg.candidate_group == "competent-authority-ukba"
    assert rg.created_at == moving_clock.now()
    if age_group == "child":
        assert "confirm_safeguarding" in case.open_tasks()


# -- item 13: the referral forms of the period ----------------------------------------------------


def _schema(nrm, form: str) -> dict:
    _version, files = nrm.version_files(_pathway_version(nrm), OWNER)
    return json.loads(files[f"forms/{form}"])


def _pathway_version(nrm) -> int:
    return max(d.id for d in nrm.deployments() if d.process_id == "nrm_pathway")


@pytest.mark.parametrize("form", ["adult-referral-form.json", "child-referral-form.json"])
def test_the_referral_form_asks_the_period_fields_and_takes_unknown_names(drive, nrm, form):
    schema = _schema(nrm, form)
    for name in PERIOD_FIELDS:
        assert name in schema["properties"], name
    optional = set(PERIOD_FIELDS) | {"given_names", "family_name"}
    assert not optional & set(schema["required"])
    page = {f.name: f for f in fields_for(schema)}  # follow-ups revealed under "Yes"
    assert [f.name for f in page["dependants"].children["true"]] == ["dependants_details"]
    assert [f.name for f in page["has_legal_representative"].children["true"]] == ["legal_representative"]
    assert page["first_responder_telephone"].kind == "tel"

    case = drive("VN", adult=form.startswith("adult"))
    case.start()
    case.complete("choose_referral_form", age_group="adult" if form.startswith("adult") else "child")
    if form.startswith("adult"):
        case.complete("ask_adult_consent")
        task = "complete_adult_referral"
    else:
        case.complete("name_childs_local_authority")
        task = "complete_child_referral"
    period = {
        "first_responder_telephone": "+44 808 157 0192",
        "crime_reference": "CR/12345/13",
        "current_location": "immigration_detention",
        "location_details": "Yarl's Wood Immigration Removal Centre",
        "dependants": True,
        "dependants_details": "A daughter, 4, in Lagos with her grandmother.",
        "has_legal_representative": True,
        "legal_representative": "A. Solicitor, Example Law, 020 7946 0000",
    }
    with pytest.raises(FormValidationError) as refused:  # a "yes" needs its follow-up
        case.complete(task, **{**period, "dependants_details": None})
    assert "dependants_details" in {e.field for e in refused.value.errors}
    with pytest.raises(FormValidationError) as refused:
        case.complete(task, **{**period, "first_responder_telephone": "call me"})
    assert "first_responder_telephone" in {e.field for e in refused.value.errors}
    case.complete(task, given_names=None, family_name=None, **period)
    if "confirm_safeguarding" in case.open_tasks():  # a child's answers join the case with it
        case.complete("confirm_safeguarding")
    data = case.data()
    assert "given_names" not in data and "family_name" not in data
    assert {name: data[name] for name in period} == period


def test_a_refusing_adult_need_not_give_a_reason(drive, nrm):
    page = {f.name: f for f in fields_for(_schema(nrm, "adult-consent.json"))}
    reason = page["consent_given"].children["false"][0]
    assert (reason.name, reason.required) == ("no_consent_reason", False)  # asked under "No", optional
    case = drive("NG")
    case.start()
    case.complete("choose_referral_form", age_group="adult")
    final = case.complete("ask_adult_consent", consent_given=False, consent_signed_date=None)
    assert final.status == "completed" and final.outcome == "Not referred: no consent"
    assert "no_consent_reason" not in case.data()


def test_personal_circumstances_are_asked_only_when_they_may_warrant_leave(drive):
    uk = drive("GB", adult=False)
    uk.refer("child")
    _to_persons_plans(uk)
    final = uk.complete("record_persons_plans", personal_circumstances_warrant_leave=False)
    assert final.status == "completed" and "personal_circumstances" not in uk.data()

    case = drive("NG")
    case.refer("adult")
    _to_persons_plans(case)
    with pytest.raises(FormValidationError) as refused:
        case.complete(
            "record_persons_plans", personal_circumstances_warrant_leave=True, wishes_to_return_home=False
        )
    assert {e.field for e in refused.value.errors} == {"personal_circumstances"}
    case.complete(
        "record_persons_plans",
        personal_circumstances_warrant_leave=True,
        wishes_to_return_home=False,
        personal_circumstances="Would be at risk from the traffickers on return.",
    )
    assert case.data()["outcome_route"] == "discretionary_leave"


# -- item 15: one source for each list ------------------------------------------------------------


def _with(bundle: Bundle, path: str, old: str, new: str) -> Bundle:
    text = bundle.files[path].decode()
    assert text.count(old) == 1, old
    return Bundle({**bundle.files, path: text.replace(old, new).encode()})


def _with_choice(bundle: Bundle, path: str, beside: str, choice: dict) -> Bundle:
    """The bundle with `choice` added to the form's list of choices that holds `beside`."""
    schema = json.loads(bundle.files[path])

    def add(node) -> int:
        if isinstance(node, list):
            if any(isinstance(item, dict) and item.get("const") == beside for item in node):
                node.append(choice)
                return 1
            return sum(add(item) for item in node)
        if isinstance(node, dict):
            return sum(add(value) for value in node.values())
        return 0

    assert add(schema) == 1, beside
    return Bundle({**bundle.files, path: json.dumps(schema, indent=2).encode()})


THIRD_AUTHORITY = """      <rule id="rule_serious_organised_crime">
        <description>Example: Albanian nationals to a third competent authority.</description>
        <inputEntry id="rule_serious_organised_crime_input_1"><text>"AL"</text></inputEntry>
        <inputEntry id="rule_serious_organised_crime_input_2"><text>-</text></inputEntry>
        <inputEntry id="rule_serious_organised_crime_input_3"><text>-</text></inputEntry>
        <outputEntry id="rule_serious_organised_crime_output_1"><text>"SOCA"</text></outputEntry>
        <outputEntry id="rule_serious_organised_crime_output_2">
          <text>"Serious Organised Crime Agency"</text>
        </outputEntry>
        <outputEntry id="rule_serious_organised_crime_output_3"><text>"non-EEA"</text></outputEntry>
        <outputEntry id="rule_serious_organised_crime_output_4"><text>True</text></outputEntry>
      </rule>
      <rule id="rule_non_eea_national">"""


def test_a_competent_authority_added_to_the_dmn_needs_no_python_change(drive, nrm):
    bundle = _with(
        read_bundle(BUNDLE),
        "competent_authority.dmn",
        '      <rule id="rule_non_eea_national">',
        THIRD_AUTHORITY,
    )
    assert nrm.deploy(bundle, OWNER).created
    nrm.add_user("sam", "a long enough password", ["competent-authority-soca"], display_name="Sam Caseworker")
    case = drive("AL")
    case.refer("adult")
    data = case.data()
    assert data["competent_authority"] == "SOCA"
    assert data["allocation"] == {
        "queue": "competent-authority-soca",
        "competent_authority_name": "Serious Organised Crime Agency",
    }
    assert case.open_tasks()["decide_reasonable_grounds"].candidate_group == "competent-authority-soca"
    case.complete("decide_reasonable_grounds", rg_decision="negative", rg_reasons="No indicators found.")
    letters = [d for d in case.documents() if d.kind.startswith("rg_negative")]
    assert letters and all("Serious Organised Crime Agency" in d.body for d in letters)
    labels = nrm.case_fact_labels(MANAGER)["competent_authority"]
    assert labels == {
        "UKBA": "UK Border Agency",
        "UKHTC": "UK Human Trafficking Centre",
        "SOCA": "Serious Organised Crime Agency",
    }


def test_an_extension_reason_added_to_the_form_needs_no_python_change(drive, nrm):
    bundle = _with_choice(
        read_bundle(BUNDLE),
        "forms/recovery-review.json",
        "intimidation",
        {"const": "pregnancy", "title": "Pregnancy or a new baby"},
    )
    nrm.deploy(bundle, OWNER)
    case = drive("NG")
    case.refer("adult")
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    case.through_reflection(
        {"extend_reflection": True, "extension_days": 14, "extension_reason": "pregnancy"}
    )
    extensions = case.data()["reflection"]["extensions"]
    assert [(e["days"], e["reason"]) for e in extensions] == [(14, "pregnancy")]
