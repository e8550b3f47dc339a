"""Reported facts: the pathway's `reportedFields` are copied into case_facts on every step, so
lists and statistics never load a workflow; they change when the data changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import DeploymentError
from engine.persistence.models import CaseFact
from engine.spec.bundle import Bundle, read_bundle
from tests.conftest import BUNDLE, MINI


def _facts(engine, key: str) -> set[tuple[str, str]]:
    case_id = engine.case(key)  # raises if missing
    with engine.db.reading() as session:
        from engine.persistence.models import Case

        row_id = session.scalar(select(Case.id).where(Case.business_key == case_id.key))
        rows = session.scalars(select(CaseFact).where(CaseFact.case_id == row_id))
        return {(f.name, f.value) for f in rows}


def test_facts_follow_the_case_data_step_by_step(drive, nrm):
    case = drive("NG")
    case.start()
    assert _facts(nrm, case.key) == set()
    case.complete("choose_referral_form", age_group="adult", first_responder_agency="police")
    assert _facts(nrm, case.key) == {("age_group", "adult"), ("first_responder_agency", "police")}
    case.complete("ask_adult_consent")
    case.complete("complete_adult_referral", exploitation_types=["labour", "domestic_servitude"])
    facts = _facts(nrm, case.key)
    assert {("exploitation_types", "labour"), ("exploitation_types", "domestic_servitude")} <= facts
    assert ("competent_authority", "UKBA") in facts or ("competent_authority", "UKHTC") in facts
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    assert ("rg_decision", "positive") in _facts(nrm, case.key)


def test_a_malformed_reported_fields_property_is_refused_at_deploy(engine):
    files = {p.relative_to(MINI).as_posix(): p.read_bytes() for p in MINI.rglob("*") if p.is_file()}
    main = next(p for p in files if p.endswith(".bpmn"))
    text = files[main].decode()
    process_open = text.index(">", text.index("<bpmn:process")) + 1
    files[main] = (
        text[:process_open]
        + '<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="reportedFields"'
        ' value="age_group, os.system(1)"/></spiffworkflow:properties></bpmn:extensionElements>'
        + text[process_open:]
    ).encode()
    with pytest.raises(DeploymentError) as refused:
        engine.deploy(Bundle(files))
    assert "reportedFields" in str(refused.value) and "os.system(1)" in str(refused.value)


def test_a_reported_free_text_field_is_refused_at_deploy(engine):
    files = dict(read_bundle(BUNDLE).files)
    text = files["nrm_pathway.bpmn"].decode()
    files["nrm_pathway.bpmn"] = text.replace('value="age_group, ', 'value="given_names, age_group, ').encode()
    with pytest.raises(DeploymentError) as refused:
        engine.deploy(Bundle(files))
    assert (
        "reportedFields: given_names is free text; only closed choices may be reported, "
        "as facts are stored in clear"
    ) in str(refused.value)
    engine.deploy(read_bundle(BUNDLE))  # the shipped bundle reports closed choices only


def test_backfill_writes_the_facts_of_cases_that_have_none(drive, nrm):
    from sqlalchemy import delete

    case = drive("NG")
    case.refer("adult")
    before = _facts(nrm, case.key)
    with nrm.db.writing() as session:
        session.execute(delete(CaseFact))
    assert _facts(nrm, case.key) == set()
    assert nrm.backfill_facts() == 1
    assert _facts(nrm, case.key) == before
    assert nrm.backfill_facts() == 0  # nothing left to do
