"""Evidence files and notes on a case: kept when their content is a PDF, image, Word document or
text, refused (with the GOV.UK words, nothing kept) otherwise; downloaded as attachments that
cannot run as pages; audited; and refused, with an audit row, to anyone outside the case."""

from __future__ import annotations

import io
import re

import pytest

from engine import Actor, Forbidden
from tests.web.api_client import demo_user
from tests.web.evidence_files import EXECUTABLE, HTML, JPEG, PDF, SVG, TEXT, word_document
from web.cli.demo_data import form_payload

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")
MANAGER = Actor("manager", frozenset({"manager"}))
WRONG_TYPE = "The selected file must be a PDF, JPG, PNG, Word document or text file"
TOO_LARGE = "The selected file must be smaller than 20MB"
OPENED_TOO_LARGE = "The selected Word document is too large when opened"


@pytest.fixture
def decision(nrm):
    """A police referral waiting for the UKBA reasonable grounds decision: that open task."""
    demo_user(nrm, "fr-police")
    case = nrm.start_case("nrm_pathway", actor=POLICE)
    for _ in range(3):
        task = nrm.case(case.key).open_tasks[0]
        overrides = {"age_group": "adult"} if task.form == "choose-referral-form.json" else {}
        nrm.complete_task(task.id, form_payload(task.form, **overrides), POLICE)
    task = nrm.case(case.key).open_tasks[0]
    assert task.candidate_group == "competent-authority-ukba"
    return task


def _upload(
    person, key: str, content: bytes, name: str, description: str = "Photo of the work permit", back=""
):
    data = {"file": (io.BytesIO(content), name), "description": description, "back": back}
    return person.post(f"/cases/{key}/evidence", data, content_type="multipart/form-data")


def _download(person, path: str):
    return person.client.get(path, base_url="https://localhost")  # bytes: not read as a page


def _stored(nrm, key: str) -> int:
    return len(nrm.evidence_list(key, MANAGER))


def _actions(nrm, key: str, action: str) -> list[dict]:
    return [e.detail for e in nrm.history(key) if e.action == action]


def test_a_caseworker_uploads_a_pdf_and_a_jpeg_from_the_task_and_downloads_them(browser, nrm, decision):
    person = browser("ca-ukba")
    key, back = decision.case_key, f"/tasks/{decision.id}"
    page = person.get(back).get_data(as_text=True)
    assert "Upload file" in page and "Add note" in page and 'enctype="multipart/form-data"' in page
    response = _upload(person, key, PDF, "../../etc/Witness statement.PDF", "Witness statement", back)
    assert response.status_code == 303 and response.headers["Location"] == back
    assert _upload(person, key, JPEG, "passport.txt", "Photo of passport", back).status_code == 303
    page = person.get(back).get_data(as_text=True)
    assert "File uploaded" in page
    assert (
        "Witness statement" in page and "PDF" in page and "Photo of passport" in page and "JPG image" in page
    )
    assert "Declan Murphy" in page
    links = re.findall(rf'href="(/cases/{key}/evidence/\d+)"', page)
    assert len(links) == 2
    pdf = _download(person, links[0])
    assert pdf.status_code == 200 and pdf.data == PDF
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="Witness statement.pdf"'
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in pdf.headers["Content-Security-Policy"]
    assert pdf.headers["Cache-Control"] == "no-store"
    jpeg = _download(person, links[1])
    assert jpeg.data == JPEG and jpeg.headers["Content-Type"] == "image/jpeg"
    assert jpeg.headers["Content-Disposition"] == 'attachment; filename="passport.jpg"'  # by content
    added = _actions(nrm, key, "evidence_added")
    assert [a["media_type"] for a in added] == ["application/pdf", "image/jpeg"]
    assert added[0]["size"] == len(PDF) and len(added[0]["sha256"]) == 64
    assert added[0]["description_length"] == len("Witness statement")
    assert "content" not in added[0] and "Witness" not in str(added)  # no file, no description
    assert len(_actions(nrm, key, "evidence_downloaded")) == 2
    assert "Evidence added: Witness statement, by Declan Murphy" in page


def test_word_documents_and_text_are_kept_as_what_they_are(browser, nrm, decision):
    person = browser("ca-ukba")
    key = decision.case_key
    assert _upload(person, key, word_document(), "statement.pdf").status_code == 303
    assert _upload(person, key, TEXT, "call.docx", "Call log").status_code == 303
    kept = nrm.evidence_list(key, MANAGER)
    assert [e.type_name for e in kept] == ["Word document", "Text file"]
    text = _download(person, f"/cases/{key}/evidence/{kept[1].id}")
    assert text.data == TEXT and text.headers["Content-Type"].startswith("text/plain")
    assert text.headers["Content-Disposition"] == 'attachment; filename="call.txt"'


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (EXECUTABLE, "statement.pdf", WRONG_TYPE),
        (b"#!/bin/sh\nrm -rf /\n", "notes.txt", WRONG_TYPE),
        (b"\x7fELF\x02\x01\x01" + bytes(50), "photo.jpg", WRONG_TYPE),
        (HTML, "notes.txt", WRONG_TYPE),
        (HTML, "statement.pdf", WRONG_TYPE),
        (SVG, "picture.png", WRONG_TYPE),
        (b"\x00\x01\x02binary", "data.txt", WRONG_TYPE),
        (b"PK\x03\x04 not really a zip", "statement.docx", WRONG_TYPE),
        (word_document(zeros_mb=200), "statement.docx", OPENED_TOO_LARGE),
        (word_document(zeros_mb=2), "statement.docx", OPENED_TOO_LARGE),
        (word_document(members=1001), "statement.docx", OPENED_TOO_LARGE),
        (b"", "empty.pdf", "The selected file is empty"),
    ],
    ids=[
        "exe",
        "script",
        "elf",
        "html-txt",
        "html-pdf",
        "svg",
        "nul",
        "bad-zip",
        "bomb",
        "ratio",
        "members",
        "empty",
    ],
)
def test_files_that_are_not_what_we_keep_are_refused_and_nothing_is_kept(
    browser, nrm, decision, content, name, message
):
    person = browser("ca-ukba")
    response = _upload(person, decision.case_key, content, name, back=f"/tasks/{decision.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page
    assert message in page and "There is a problem" in page and "Nothing was saved" in page
    assert _stored(nrm, decision.case_key) == 0
    assert not _actions(nrm, decision.case_key, "evidence_added")


@pytest.mark.parametrize(
    ("description", "message"),
    [("", "Enter a description of the file"), ("x" * 501, "Description must be 500 characters or fewer")],
)
def test_a_file_needs_a_short_description(browser, nrm, decision, description, message):
    response = _upload(browser("ca-ukba"), decision.case_key, PDF, "a.pdf", description)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _stored(nrm, decision.case_key) == 0


def test_no_file_selected_is_said(browser, nrm, decision):
    response = browser("ca-ukba").post(
        f"/cases/{decision.case_key}/evidence", {"description": "x"}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and "Select a file" in response.get_data(as_text=True)


def test_a_30_mb_post_gets_a_clear_page_and_keeps_nothing(browser, nrm, decision):
    person = browser("ca-ukba")
    big = b"%PDF-1.4\n" + bytes(30 * 1024 * 1024)
    response = _upload(person, decision.case_key, big, "scan.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert TOO_LARGE in page and "There is a problem" in page
    assert _stored(nrm, decision.case_key) == 0


def test_a_file_just_over_the_limit_is_refused_by_the_engine(browser, nrm, decision):
    big = b"%PDF-1.4\n" + bytes(20 * 1024 * 1024)
    response = _upload(browser("ca-ukba"), decision.case_key, big, "scan.pdf")
    assert response.status_code == 400 and TOO_LARGE in response.get_data(as_text=True)
    assert _stored(nrm, decision.case_key) == 0


def test_notes_are_appended_and_shown_in_order_with_their_line_breaks(browser, nrm, decision):
    person = browser("ca-ukba")
    key, back = decision.case_key, f"/tasks/{decision.id}"
    for text in ("First call:\nno answer", "Second call: spoke to the person"):
        response = person.post(f"/cases/{key}/notes", {"note": text, "back": back})
        assert response.status_code == 303 and response.headers["Location"] == back
    page = person.get(back).get_data(as_text=True)
    assert "Note added" in page
    assert page.index("First call:\nno answer") < page.index("Second call")
    assert [n.text for n in nrm.notes(key, MANAGER)] == [
        "First call:\nno answer",
        "Second call: spoke to the person",
    ]
    assert [d["length"] for d in _actions(nrm, key, "note_added")] == [21, 32]
    empty = person.post(f"/cases/{key}/notes", {"note": "  ", "back": back})
    assert empty.status_code == 400 and "Enter a note" in empty.get_data(as_text=True)
    assert len(nrm.notes(key, MANAGER)) == 2
    long_note = "Call with the officer. " * 300  # over 5,000 characters
    refused = person.post(f"/cases/{key}/notes", {"note": long_note, "back": back})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "5,000 characters or fewer" in page
    assert long_note.strip() in page  # shown again to shorten, not lost
    assert len(nrm.notes(key, MANAGER)) == 2


def test_an_outside_back_address_is_not_followed(browser, decision):
    response = browser("ca-ukba").post(
        f"/cases/{decision.case_key}/notes", {"note": "n", "back": "//evil.example/x"}
    )
    assert response.headers["Location"] == f"/cases/{decision.case_key}"


def test_managers_see_and_add_on_the_case_page(browser, nrm, decision):
    person = browser("manager")
    key = decision.case_key
    page = person.get(f"/cases/{key}").get_data(as_text=True)
    assert "Evidence" in page and "No files yet." in page and "Upload file" in page
    assert _upload(person, key, PDF, "a.pdf", "Police report", f"/cases/{key}").status_code == 303
    person.post(f"/cases/{key}/notes", {"note": "Checked with the police", "back": f"/cases/{key}"})
    page = person.get(f"/cases/{key}").get_data(as_text=True)
    assert "Police report" in page and "Checked with the police" in page and "Mary Jones" in page


def test_the_referring_agency_adds_and_sees_only_what_it_added(browser, nrm, decision):
    key = decision.case_key
    _upload(browser("ca-ukba"), key, PDF, "a.pdf", "Caseworker's file")
    police = browser("fr-police")
    assert _upload(police, key, TEXT, "b.txt", "Officer's statement").status_code == 303
    assert police.post(f"/cases/{key}/notes", {"note": "More to follow"}).status_code == 303
    seen = nrm.evidence_list(key, POLICE)
    assert [e.description for e in seen] == ["Officer's statement"]
    caseworkers = nrm.evidence_list(key, MANAGER)[0]
    assert police.get(f"/cases/{key}/evidence/{caseworkers.id}").status_code == 403
    assert _download(police, f"/cases/{key}/evidence/{seen[0].id}").status_code == 200


OUTSIDERS = ("fr-salvation", "ca-ukhtc", "support")


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_are_refused_every_route_without_learning_what_exists(browser, nrm, decision, username):
    key = decision.case_key
    kept = nrm.add_evidence(key, "a.pdf", PDF, "Witness statement", MANAGER)
    person = browser(username)
    attempts = {
        "evidence_added": lambda k, i: _upload(person, k, PDF, "a.pdf"),
        "note_added": lambda k, i: person.post(f"/cases/{k}/notes", {"note": "hello"}),
        "evidence_downloaded": lambda k, i: person.get(f"/cases/{k}/evidence/{i}"),
    }
    for action, attempt in attempts.items():
        pages = []
        for case_key, evidence_id in ((key, kept), (key, kept + 99), ("NRM-2099-999999", 1)):
            response = attempt(case_key, evidence_id)
            assert response.status_code == 403, (action, case_key)
            pages.append(_without_tokens(response.get_data(as_text=True)))
        assert pages[0] == pages[1] == pages[2]  # the same page whether the case or file exists
        assert key not in pages[0] and "Witness" not in pages[0]
        refused = [e for e in nrm.history(key) if e.action == "refused" and e.actor == username]
        assert action in [e.detail["attempted"] for e in refused]
    actor = nrm.users.get(username).actor
    for listing, action in ((nrm.evidence_list, "evidence_listed"), (nrm.notes, "notes_listed")):
        with pytest.raises(Forbidden):
            listing(key, actor)
        assert action in [e.detail["attempted"] for e in nrm.history(key) if e.action == "refused"]
    assert _stored(nrm, key) == 1 and not nrm.notes(key, MANAGER)


def _without_tokens(page: str) -> str:
    return re.sub(r'(nonce|value)="[^"]*"', "", page)
