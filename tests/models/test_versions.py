"""Version 2 of the pathway beside version 1; the diff between them; moving running cases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import Actor, Forbidden, MigrationRefused
from engine.spec.bundle import Bundle, read_bundle
from tests.conftest import BUNDLE
from tests.models.conftest import MANAGER, OWNER


def _versions(nrm) -> dict[int, int]:
    return {d.version: d.id for d in nrm.deployments() if d.process_id == "nrm_pathway"}


def _reflection_ends(case) -> datetime:
    return datetime.fromisoformat(case.data()["reflection"]["ends_at"])


def test_version_two_runs_a_30_day_recovery_period_while_version_one_keeps_45(
    drive, nrm, version_two, moving_clock
):
    old = drive("NG")
    old.refer("adult")
    old.complete("decide_reasonable_grounds", rg_decision="positive")
    old_decided = moving_clock.now()
    old_review = old.waiting_timers()["progress_review_due"]
    deployment = nrm.deploy(version_two, OWNER)
    assert (deployment.version, deployment.created) == (2, True)
    new = drive("NG")
    new.refer("adult")
    new.complete("decide_reasonable_grounds", rg_decision="positive")
    decided = moving_clock.now()
    assert new.waiting_timers()["progress_review_due"] == decided + timedelta(days=20)
    assert _reflection_ends(new) == decided + timedelta(days=30)
    assert old.waiting_timers()["progress_review_due"] == old_review == old_decided + timedelta(days=30)
    assert _reflection_ends(old) == old_decided + timedelta(days=45)
    assert (old.case().definition_version, new.case().definition_version) == (1, 2)


def test_version_two_sends_eea_nationals_to_ukba_and_irish_citizens_to_ukhtc(drive, nrm, version_two):
    nrm.deploy(version_two, OWNER)
    polish = drive("PL")
    polish.refer("adult")
    assert polish.data()["competent_authority"] == "UKBA"
    assert polish.data()["nationality_group"] == "EEA"


def test_the_diff_names_what_version_two_changed(nrm, version_two):
    nrm.deploy(version_two, OWNER)
    ids = _versions(nrm)
    changes = nrm.versions.diff(ids[1], ids[2], MANAGER)
    by_id = {(c.file, c.element_id): c.kind for c in changes}
    assert by_id[("reflection_recovery.bpmn", "begin_reflection_period")] == "changed"
    assert by_id[("reflection_recovery.bpmn", "progress_review_due")] == "changed"
    assert by_id[("competent_authority.dmn", "rule_irish_citizen")] == "added"
    assert by_id[("competent_authority.dmn", "rule_eea_national")] == "changed"
    assert not any(c.file == "nrm_pathway.bpmn" for c in changes)
    assert ("reflection_recovery.bpmn", "review_recovery_progress") not in by_id
    with pytest.raises(Forbidden):
        nrm.versions.diff(ids[1], ids[2], Actor("cara", frozenset({"returns"})))


def test_a_case_before_the_changed_part_moves_and_then_runs_version_two(
    drive, nrm, version_two, moving_clock
):
    case = drive("NG")
    case.refer("adult")
    task_before = case.open_tasks()["decide_reasonable_grounds"].id
    nrm.deploy(version_two, OWNER)
    ids = _versions(nrm)
    assert nrm.versions.migrate_case(case.key, ids[2], OWNER) == 2
    assert case.open_tasks()["decide_reasonable_grounds"].id == task_before  # the same open task
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    decided = moving_clock.now()
    assert case.waiting_timers()["progress_review_due"] == decided + timedelta(days=20)
    assert _reflection_ends(case) == decided + timedelta(days=30)
    moved = [h for h in case.history() if h.action == "case_migrated"]
    assert len(moved) == 1 and moved[0].actor == "owen"
    assert moved[0].detail == {"from_version": 1, "to_version": 2}


def test_a_case_waiting_at_a_changed_timer_stays_and_the_refusal_is_audited(drive, nrm, version_two):
    case = drive("NG")
    case.refer("adult")
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    timers = case.waiting_timers()
    nrm.deploy(version_two, OWNER)
    ids = _versions(nrm)
    with pytest.raises(MigrationRefused, match="progress_review_due.*changes"):
        nrm.versions.migrate_case(case.key, ids[2], OWNER)
    assert case.waiting_timers() == timers
    assert case.case().definition_version == 1
    refused = [h for h in case.history() if h.action == "refused"]
    assert refused and "progress_review_due" in refused[-1].detail["reason"]


def test_only_process_owners_move_cases_and_only_running_ones(drive, nrm, version_two):
    case = drive("NG")
    case.refer("adult")
    nrm.deploy(version_two, OWNER)
    ids = _versions(nrm)
    with pytest.raises(Forbidden):
        nrm.versions.migrate_case(case.key, ids[2], MANAGER)
    with pytest.raises(MigrationRefused, match="already"):
        nrm.versions.migrate_case(case.key, ids[1], OWNER)
    nrm.cancel_case(case.key, "duplicate referral")
    with pytest.raises(MigrationRefused, match="cancelled"):
        nrm.versions.migrate_case(case.key, ids[2], OWNER)
    assert case.case().definition_version == 1


def test_a_case_inside_a_call_activity_that_the_new_version_changes_stays(drive, nrm):
    case = drive("NG")
    case.start()
    case.complete("choose_referral_form", age_group="adult")  # now inside nrm_adult_referral
    files = dict(read_bundle(BUNDLE).files)
    for path in ("adult_referral.bpmn", "nrm_pathway.bpmn"):
        files[path] = files[path].replace(b"nrm_adult_referral", b"nrm_adult_referral_2026")
    nrm.deploy(Bundle(files), OWNER)
    with pytest.raises(
        MigrationRefused, match=r"Refer an adult \(refer_adult\), which the new version changes"
    ):
        nrm.versions.migrate_case(case.key, _versions(nrm)[2], OWNER)
    assert case.case().definition_version == 1
    assert "ask_adult_consent" in case.open_tasks()


def test_running_cases_lists_the_cases_on_other_versions(drive, nrm, version_two):
    first, second = drive("NG"), drive("GH")
    first.refer("adult")
    second.refer("adult")
    nrm.cancel_case(second.key, "withdrawn")
    nrm.deploy(version_two, OWNER)
    running = nrm.versions.running_cases(_versions(nrm)[2], MANAGER)
    assert [(c.key, c.version, c.status) for c in running] == [(first.key, 1, "active")]


def _version_with(**edits: tuple[str, str]) -> Bundle:
    """bpmn/ with one text replacement per file (file name with '.' as '__')."""
    files = dict(read_bundle(BUNDLE).files)
    for name, (old, new) in edits.items():
        path = name.replace("__", ".")
        assert old.encode() in files[path], old
        files[path] = files[path].replace(old.encode(), new.encode())
    return Bundle(files)


def test_a_case_that_has_planned_a_changed_element_stays(drive, nrm):
    case = drive("NG")
    case.refer("adult")  # waiting at the RG decision; the letters after it are planned
    renamed = ('id="produce_rg_letters" name="', 'id="produce_rg_letters" name="Renamed: ')
    nrm.deploy(_version_with(reasonable_grounds__bpmn=renamed), OWNER)
    with pytest.raises(MigrationRefused, match="has planned .*produce_rg_letters"):
        nrm.versions.migrate_case(case.key, _versions(nrm)[2], OWNER)
    assert case.case().definition_version == 1


def test_a_case_whose_open_task_has_a_changed_form_stays(drive, nrm):
    case = drive("NG")
    case.refer("adult")
    form = '"additionalProperties": false'
    changed = (form, form + ', "$comment": "New"')
    nrm.deploy(_version_with(**{"forms/reasonable-grounds-decision__json": changed}), OWNER)
    with pytest.raises(MigrationRefused, match="reasonable-grounds-decision.json"):
        nrm.versions.migrate_case(case.key, _versions(nrm)[2], OWNER)


def test_moving_a_suspended_case_runs_nothing(drive, nrm, version_two, moving_clock):
    case = drive("NG")
    case.refer("adult")
    nrm.suspend_case(case.key, "person missing")
    moving_clock.move(timedelta(days=14))  # the 5-working-day RG target is long past
    nrm.deploy(version_two, OWNER)
    assert nrm.versions.migrate_case(case.key, _versions(nrm)[2], OWNER) == 2
    moved = case.case()
    assert moved.status == "suspended" and "rg_target_passed" in case.waiting_timers()
    assert not [h for h in case.history() if h.action in ("timer_fired", "case_flagged")]
