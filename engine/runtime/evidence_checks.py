"""Whether an uploaded file may be kept as evidence, decided by its content, never its name.

Accepted: PDF, JPEG, PNG, Word (.docx) and plain text. The type comes from the file's first bytes
(for a Word document, its zip directory); the name's extension decides nothing, and the download
name gets the extension of the type found. No library: five signatures are a few lines, and the
checks that matter (zip bombs, text that is really markup) are our own either way.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from engine.errors import EngineError

MB = 1024 * 1024
MAX_DESCRIPTION = 500
MAX_NOTE = 5000
MAX_UNZIPPED = 100 * MB  # a Word document's members, all together
MAX_RATIO = 100  # uncompressed to compressed, for any member
MAX_MEMBERS = 1000
WRONG_TYPE = "The selected file must be a PDF, JPG, PNG, Word document or text file"


class EvidenceRefused(EngineError):
    """What is wrong with an upload or a note, for the field `field` (file, description, note)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class FileType:
    media_type: str
    extension: str
    name: str  # in words, for lists: "PDF"


PDF = FileType("application/pdf", "pdf", "PDF")
JPEG = FileType("image/jpeg", "jpg", "JPG image")
PNG = FileType("image/png", "png", "PNG image")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word document"
)
TEXT = FileType("text/plain; charset=utf-8", "txt", "Text file")
TYPE_NAMES = {t.media_type: t.name for t in (PDF, JPEG, PNG, DOCX, TEXT)}

_SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
# programs, whatever they are named: Windows, Linux, macOS, scripts
_EXECUTABLES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_MARKUP = re.compile(r"\s*<[a-zA-Z!?/]")


def file_type(content: bytes, max_bytes: int) -> FileType:
    """The type of an upload, or EvidenceRefused saying what to do."""
    if not content:
        raise EvidenceRefused("file", "The selected file is empty")
    if len(content) > max_bytes:
        raise EvidenceRefused("file", f"The selected file must be smaller than {max_bytes // MB}MB")
    if content.startswith(_EXECUTABLES):
        raise EvidenceRefused("file", WRONG_TYPE)
    for signature, found in _SIGNATURES:
        if content.startswith(signature):
            return found
    if content.startswith(b"PK\x03\x04"):
        return _word_document(content)
    if _is_plain_text(content):
        return TEXT
    raise EvidenceRefused("file", WRONG_TYPE)


def _word_document(content: bytes) -> FileType:
    """A .docx, checked from its zip directory without unpacking it: a Word document's parts, and
    not a zip bomb (too large unpacked, too compressed, too many members)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise EvidenceRefused("file", WRONG_TYPE) from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise EvidenceRefused("file", WRONG_TYPE)
    too_compressed = any(m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members)
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED or too_compressed:
        raise EvidenceRefused(
            "file", "The selected Word document is too large when opened; save it again or upload a PDF"
        )
    return DOCX


def _is_plain_text(content: bytes) -> bool:
    """UTF-8 text without NUL bytes that is not markup (HTML, SVG, XML start with `<`)."""
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not _MARKUP.match(text)


def checked_description(description: str) -> str:
    return _checked_text("description", description, "Enter a description of the file", MAX_DESCRIPTION)


def checked_note(text: str) -> str:
    return _checked_text("note", text, "Enter a note", MAX_NOTE)


def _checked_text(field: str, text: str, missing: str, limit: int) -> str:
    """`text` stripped, or EvidenceRefused for `field` when it is empty or longer than `limit`."""
    kept = (text or "").strip()
    if not kept:
        raise EvidenceRefused(field, missing)
    if len(kept) > limit:
        raise EvidenceRefused(field, f"{field.capitalize()} must be {limit:,} characters or fewer")
    return kept


def safe_filename(name: str) -> str:
    """The uploaded name without folders or unusual characters (the stem is kept for downloads)."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFKC", name or ""))[-1]
    cleaned = re.sub(r"[^A-Za-z0-9 ._-]+", "_", base).strip(" ._")[:150]
    return cleaned or "evidence"


def download_name(filename: str, media_type: str) -> str:
    """The stored name with the extension of the type the content has."""
    extension = next(t.extension for t in (PDF, JPEG, PNG, DOCX, TEXT) if t.media_type == media_type)
    return f"{PurePosixPath(filename).stem or 'evidence'}.{extension}"
