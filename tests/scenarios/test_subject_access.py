"""A subject access request: a case driven through the real diagrams to the conclusive grounds
decision, with letters, an evidence file and a note, exported as one archive that holds every
answered field of every completed form (labelled, in words), every letter and evidence file as
they are, and the notes; only managers may export, and every export and refusal is audited."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import escape

import pytest
from sqlalchemy import select

from engine import Actor, CaseNotFound, Forbidden, answer_in_words
from engine.persistence.models import AuditEvent
from tests.conftest import BUNDLE
from tests.scenarios.driver import CaseDriver, person
from tests.web.evidence_files import PDF, TEXT
from web.cli.demo_data import form_payload

MANAGER = Actor("manager", frozenset({"manager"}))
NOT_MANAGERS = [
    Actor("fr-police", frozenset({"first-responder"}), agency="police"),
    Actor("ca-ukba", frozenset({"competent-authority-ukba"})),
    Actor("support", frozenset({"support-provider"})),
    Actor("owner", frozenset({"process-owner"})),
]
NOTE = "Spoke to her by phone.\nShe asked for a copy of everything we hold."


class RecordingDriver(CaseDriver):
    """A CaseDriver that remembers the answers it sends, by form (the latest for a form)."""

    answers: dict[str, dict]

    def complete(self, element_id: str, **overrides):
        task = self.open_tasks()[element_id]
        data = form_payload(task.form, self.person, self.rng, **overrides)
        if "first_responder_agency" in data:  # filled in from the first responder's account
            data["first_responder_agency"] = "police"
        self.answers = getattr(self, "answers", {})
        self.answers[task.form] = data
        actor = Actor(f"user-{task.candidate_group}", frozenset({task.candidate_group}), agency="police")
        return self._with_engine(lambda e: e.complete_task(task.id, data, actor))


@pytest.fixture
def decided(nrm, database_url, moving_clock):
    """A referral of a Nigerian adult through to a positive conclusive grounds decision, with a PDF
    and a text file of evidence and a note from the manager."""
    case = RecordingDriver(database_url, moving_clock, person("NG"))
    case.refer("adult")
    case.complete("decide_reasonable_grounds", rg_decision="positive")
    case.through_reflection()
    case.complete("decide_conclusive_grounds", cg_decision="positive")
    nrm.users.add("manager", "a-long-password-for-tests", ["manager"], display_name="Mo Manager")
    nrm.add_evidence(case.key, "statement.pdf", PDF, "Signed statement", MANAGER)
    nrm.add_evidence(case.key, "call notes.txt", TEXT, "Call notes", MANAGER)
    nrm.add_note(case.key, NOTE, MANAGER)
    return case


def _open(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def _schema(form: str) -> dict:
    return json.loads((BUNDLE / "forms" / form).read_text())


def _label(schema: dict, name: str) -> str:
    spec = schema["properties"][name]
    return spec.get("x-summary-title") or spec.get("title")


def test_the_archive_holds_every_answer_letter_evidence_file_and_note(nrm, decided):
    name, archive = nrm.export_person(decided.key, MANAGER)
    assert name == f"subject-access-{decided.key}.zip"
    files = _open(archive)
    page = files["index.html"].decode()
    held = json.loads(files["case.json"])
    data = nrm.case_data(decided.key)
    assert {"adult-referral-form.json", "conclusive-grounds-decision.json"} <= set(decided.answers)
    checked = 0
    for form in decided.answers:
        schema = _schema(form)
        if not set(schema["properties"]) & {f for f, v in data.items() if v not in (None, "", [], {})}:
            continue  # the case no longer holds them (support arranged in a branch that has ended)
        assert escape(schema["title"]) in page and held["forms"][form]["title"] == schema["title"]
        for field, spec in schema["properties"].items():
            if data.get(field) in (None, "", [], {}):
                continue
            words = answer_in_words(spec, data[field])
            assert f"<dt>{escape(_label(schema, field))}</dt><dd>{escape(words)}</dd>" in page, field
            assert held["forms"][form]["fields"][field] == {
                "label": _label(schema, field),
                "answer": data[field],
                "in_words": words,
            }
            checked += 1
    assert checked > 30
    referral = decided.answers["adult-referral-form.json"]
    assert f"<dd>{referral['given_names']}</dd>" in page and f"<dd>{referral['family_name']}</dd>" in page
    assert "<dd>Positive" in page or "Positive" in page  # a decision by its label, not its code

    letters = nrm.documents(decided.key)
    kinds = {d.kind for d in letters}
    assert {"rg_positive_letter", "cg_positive_letter"} <= kinds
    stored = sorted(n for n in files if n.startswith("letters/"))
    assert len(stored) == len(letters)
    for number, (path, letter) in enumerate(zip(stored, letters, strict=True), 1):
        assert path.startswith(f"letters/{number:02d}-") and path.endswith(".txt")
        assert files[path] == letter.body.encode()
        assert escape(letter.title) in page

    assert files["evidence/01-statement.pdf"] == PDF
    assert files["evidence/02-call notes.txt"] == TEXT
    assert "Signed statement" in page and "Call notes" in page
    notes = files["notes.txt"].decode()
    assert NOTE in notes and "Mo Manager" in notes and "2026 at " in notes
    assert escape(NOTE) in page
    assert held["notes"][0]["text"] == NOTE and held["notes"][0]["written_by"] == "Mo Manager"

    assert "<script" not in page and "http" not in page.replace("http-equiv", "")
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page), "an ISO date in index.html"
    for code in ("competent-authority", "rg_positive", "non-EEA", "<dd>positive</dd>", "{'", "<dd>None</dd>"):
        assert code not in page, code
    assert not re.search(r"<dd>[a-z0-9]+[_-][a-z0-9_-]+</dd>", page), "a code as an answer"
    assert "Other information held" in page and "Competent authority" in page


def test_the_export_is_audited_with_the_manager(nrm, decided):
    nrm.export_person(decided.key, MANAGER)
    exported = [e for e in nrm.history(decided.key) if e.action == "personal_data_exported"]
    assert [e.actor for e in exported] == ["manager"]
    assert exported[0].detail["evidence"] == 2 and exported[0].detail["notes"] == 1
    assert NOTE not in json.dumps(exported[0].detail)


@pytest.mark.parametrize("actor", NOT_MANAGERS, ids=lambda a: a.username)
def test_only_managers_export_and_a_made_up_reference_is_refused_the_same(nrm, decided, actor):
    for key in (decided.key, "NRM-2026-999999"):
        with pytest.raises(Forbidden):
            nrm.export_person(key, actor)
        with pytest.raises(Forbidden):
            nrm.check_person_export(key, actor)
    refused = [e for e in nrm.history(decided.key) if e.action == "refused" and e.actor == actor.username]
    assert [e.detail["attempted"] for e in refused] == ["personal_data_exported"] * 2
    with nrm.db.reading() as session:  # the made-up reference's refusals, on no case
        unknown = session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == "refused",
                AuditEvent.actor == actor.username,
                AuditEvent.case_id.is_(None),
            )
        ).all()
    assert [d["attempted"] for d in unknown] == ["personal_data_exported"] * 2
    assert not [e for e in nrm.history(decided.key) if e.action == "personal_data_exported"]


def test_a_manager_is_told_there_is_no_such_case(nrm):
    with pytest.raises(CaseNotFound, match="check the reference"):
        nrm.export_person("NRM-2026-999999", MANAGER)
