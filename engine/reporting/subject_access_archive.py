"""The subject access archive: one zip of what is held about the person on a case, in readable
form. `index.html` (a self-contained GOV.UK-styled page: no scripts, no outside files), `case.json`
(the same answers by form and field, labelled), the letters, the evidence files as uploaded, and
the notes. Built from plain data the engine's read methods give (engine/reporting/subject_access.py
gathers it), so nothing here touches the database."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from engine.views import CaseFileRow, DocumentView, EvidenceView, NoteView
from engine.working_days import LONDON


@dataclass(frozen=True)
class AnsweredField:
    name: str  # the form's field name (case.json keys)
    label: str  # its title on the form
    answer: Any  # as stored (JSON)
    words: str  # as a person reads it: choices by label, Yes/No, `7 December 2026`


@dataclass(frozen=True)
class AnsweredForm:
    form: str  # its file name, e.g. adult-referral-form.json
    title: str
    fields: tuple[AnsweredField, ...]


@dataclass(frozen=True)
class EvidenceItem:
    view: EvidenceView
    filename: str  # the name it downloads as
    content: bytes


@dataclass(frozen=True)
class PersonRecord:
    """Everything the archive holds about the person on one case."""

    reference: str
    status: str  # in words
    stage: str
    referred_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    exported_at: datetime
    forms: tuple[AnsweredForm, ...]
    other: tuple[CaseFileRow, ...]  # what the process worked out, in the diagrams' labels
    letters: tuple[DocumentView, ...]
    evidence: tuple[EvidenceItem, ...]
    notes: tuple[NoteView, ...]


def archive_name(reference: str) -> str:
    return f"subject-access-{reference}.zip"


def build_archive(record: PersonRecord) -> bytes:
    """The zip archive of `record` (its files named in index.html)."""
    letters = [(f"letters/{n:02d}-{_slug(d.title)}.txt", d) for n, d in enumerate(record.letters, 1)]
    evidence = [(f"evidence/{n:02d}-{e.filename}", e) for n, e in enumerate(record.evidence, 1)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", _index(record, letters, evidence))
        archive.writestr("case.json", json.dumps(_case_json(record, letters, evidence), indent=2))
        for path, letter in letters:
            archive.writestr(path, letter.body)
        for path, item in evidence:
            archive.writestr(path, item.content)
        archive.writestr("notes.txt", _notes_text(record))
    return buffer.getvalue()


def day(moment: datetime) -> str:
    """`7 December 2026`, London time."""
    local = _local(moment)
    return f"{local.day} {local:%B %Y}"


def moment_words(moment: datetime) -> str:
    """`7 December 2026 at 14:05`, London time."""
    return f"{day(moment)} at {_local(moment):%H:%M}"


def _local(moment: datetime) -> datetime:
    return moment.astimezone(LONDON) if moment.tzinfo else moment


def _slug(title: str, most: int = 80) -> str:
    """A title as a file name: `reasonable-grounds-decision-positive`, cut at a word."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if len(slug) > most:
        slug = slug[: most + 1].rsplit("-", 1)[0]
    return slug or "letter"


def _recipient(code: str) -> str:
    return "the person" if code == "person" else code.replace("-", " ").replace("_", " ")


def _case_json(record: PersonRecord, letters: list, evidence: list) -> dict[str, Any]:
    return {
        "reference": record.reference,
        "status": record.status,
        "stage": record.stage,
        "referred": moment_words(record.referred_at),
        "last_changed": moment_words(record.updated_at),
        "ended": moment_words(record.ended_at) if record.ended_at else None,
        "exported": moment_words(record.exported_at),
        "forms": {
            form.form: {
                "title": form.title,
                "fields": {
                    f.name: {"label": f.label, "answer": f.answer, "in_words": f.words} for f in form.fields
                },
            }
            for form in record.forms
        },
        "other_information_held": [{"label": row.label, "value": row.value} for row in record.other],
        "letters": [
            {"file": p, "title": d.title, "to": _recipient(d.recipient), "date": moment_words(d.created_at)}
            for p, d in letters
        ],
        "evidence": [
            {
                "file": path,
                "description": e.view.description,
                "type": e.view.type_name,
                "added_by": e.view.added_by,
                "added": moment_words(e.view.added_at),
            }
            for path, e in evidence
        ],
        "notes": [
            {"text": n.text, "written_by": n.written_by, "written": moment_words(n.written_at)}
            for n in record.notes
        ],
    }


def _notes_text(record: PersonRecord) -> str:
    lines = [f"Notes on case {record.reference}", ""]
    if not record.notes:
        lines.append("There are no notes on this case.")
    for note in record.notes:
        lines += [f"{moment_words(note.written_at)}, written by {note.written_by}:", note.text, ""]
    return "\n".join(lines).rstrip() + "\n"


STYLE = """
body{margin:0;font-family:Arial,sans-serif;color:#0b0c0c;background:#fff;line-height:1.3;font-size:19px}
.header{background:#0b0c0c;color:#fff;padding:10px 30px;font-weight:700;font-size:24px}
main{max-width:960px;margin:0 auto;padding:30px 15px}
h1{font-size:36px;margin:0 0 30px}h2{font-size:27px;margin:45px 0 20px}h3{font-size:19px;margin:30px 0 10px}
.caption{color:#505a5f;font-size:24px;display:block;margin-bottom:5px}
dl{margin:0 0 20px;border-top:1px solid #b1b4b6}
.row{display:flex;border-bottom:1px solid #b1b4b6;padding:10px 0}
dt{font-weight:700;width:40%;padding-right:20px}dd{margin:0;width:60%;white-space:pre-line}
table{border-collapse:collapse;width:100%;margin-bottom:20px}
th,td{text-align:left;border-bottom:1px solid #b1b4b6;padding:10px 20px 10px 0;vertical-align:top}
.note{white-space:pre-line;border-left:5px solid #b1b4b6;padding:0 0 0 15px;margin:0 0 5px}
.small{font-size:16px;color:#505a5f;margin:0 0 20px}
"""


def _index(record: PersonRecord, letters: list, evidence: list) -> str:
    key = escape(record.reference)
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>Personal data held on case {key}</title><style>{STYLE}</style></head><body>",
        '<div class="header">National Referral Mechanism</div><main>',
        f'<span class="caption">Subject access request</span><h1>Personal data held on case {key}</h1>',
        _summary(
            [
                ("Case reference", record.reference),
                ("Status", record.status),
                ("Stage", record.stage or "None"),
                ("Referred", moment_words(record.referred_at)),
                ("Last change", moment_words(record.updated_at)),
                ("Ended", moment_words(record.ended_at) if record.ended_at else "Not yet"),
                ("Exported", moment_words(record.exported_at)),
            ]
        ),
        "<h2>Answers given on forms</h2>",
    ]
    if not record.forms:
        parts.append("<p>No forms have been completed on this case.</p>")
    for form in record.forms:
        parts += [f"<h3>{escape(form.title)}</h3>", _summary([(f.label, f.words) for f in form.fields])]
    if record.other:
        parts += ["<h2>Other information held</h2>", _summary([(r.label, r.value) for r in record.other])]
    parts += ["<h2>Letters</h2>", _letters_table(letters), "<h2>Evidence</h2>", _evidence_table(evidence)]
    parts += ["<h2>Notes</h2>", *_notes_html(record.notes), _contents()]
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _summary(rows: list[tuple[str, str]]) -> str:
    items = "".join(
        f'<div class="row"><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>' for label, value in rows
    )
    return f"<dl>{items}</dl>"


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f"<p>{escape(empty)}</p>"
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _letters_table(letters: list[tuple[str, DocumentView]]) -> str:
    rows = [[d.title, _recipient(d.recipient), moment_words(d.created_at), path] for path, d in letters]
    headers = ["Letter", "To", "Date", "File in this archive"]
    return _table(headers, rows, "There are no letters on this case.")


def _evidence_table(evidence: list[tuple[str, EvidenceItem]]) -> str:
    rows = [
        [e.view.description, e.view.type_name, e.view.added_by, moment_words(e.view.added_at), path]
        for path, e in evidence
    ]
    headers = ["File", "Type", "Added by", "Added", "File in this archive"]
    return _table(headers, rows, "There are no evidence files on this case.")


def _notes_html(notes: tuple[NoteView, ...]) -> list[str]:
    if not notes:
        return ["<p>There are no notes on this case.</p>"]
    return [
        f'<p class="note">{escape(n.text)}</p>'
        f'<p class="small">{escape(n.written_by)}, {escape(moment_words(n.written_at))}</p>'
        for n in notes
    ]


def _contents() -> str:
    return (
        "<h2>What this archive holds</h2><p>This page, <code>case.json</code> (the same answers for "
        "computers to read), the letters in the folder <code>letters</code>, the evidence files exactly "
        "as they were uploaded in the folder <code>evidence</code>, and the notes in "
        "<code>notes.txt</code>.</p>"
    )
