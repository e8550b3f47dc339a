"""Notes on a case are append-only in the database itself, and the case file shows evidence and
notes only to a task that declares them."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine import Actor, EvidenceRefused
from engine.spec.case_file import check_case_file, parse_case_file
from tests.web.api_client import demo_user

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
MANAGER = Actor("manager", frozenset({"manager"}))


def _started(nrm) -> str:
    demo_user(nrm, "fr-police")
    return nrm.start_case("nrm_pathway", actor=POLICE).key


@pytest.mark.parametrize("statement", ["UPDATE case_notes SET text = 'changed'", "DELETE FROM case_notes"])
def test_the_database_refuses_to_change_or_delete_a_note(nrm, statement):
    key = _started(nrm)
    nrm.add_note(key, "Spoke to the officer", MANAGER)
    with pytest.raises(DBAPIError, match="append-only"), nrm.db.engine.begin() as connection:
        connection.execute(text(statement))
    assert [n.text for n in nrm.notes(key, MANAGER)] == ["Spoke to the officer"]


def test_evidence_bytes_are_kept_sealed_with_their_hash(nrm):
    key = _started(nrm)
    evidence_id = nrm.add_evidence(key, "r.pdf", b"%PDF-1.4\n%%EOF", "Report", MANAGER)
    with nrm.db.engine.connect() as connection:
        row = connection.execute(text("SELECT content, sha256, size, filename FROM case_evidence")).one()
    assert b"%PDF" not in row.content and "r.pdf" not in row.filename  # sealed (engine/crypto)
    assert row.size == 14 and row.sha256 == hashlib.sha256(b"%PDF-1.4\n%%EOF").hexdigest()
    download = nrm.evidence_file(key, evidence_id, MANAGER)
    assert download.download_name == "r.pdf" and download.content == b"%PDF-1.4\n%%EOF"


def test_a_note_is_refused_when_empty_or_too_long(nrm):
    key = _started(nrm)
    for note, message in (("", "Enter a note"), ("x" * 5001, "5,000 characters or fewer")):
        with pytest.raises(EvidenceRefused, match=message):
            nrm.add_note(key, note, MANAGER)
    assert nrm.notes(key, MANAGER) == []


def test_evidence_and_notes_are_case_file_sections():
    assert [i.section for i in parse_case_file("evidence, notes")] == ["evidence", "notes"]
    assert check_case_file("letters, evidence, notes", {}) == []
    assert check_case_file("evidense", {})  # a misspelt section is a finding at deploy


def test_a_task_without_the_sections_shows_neither(nrm):
    key = _started(nrm)
    nrm.add_note(key, "Manager's note", MANAGER)
    task = nrm.case(key).open_tasks[0]  # the first responder's referral form: declares no case file
    case_file = nrm.case_file(task.id, POLICE)
    assert case_file.evidence is None and case_file.notes is None
