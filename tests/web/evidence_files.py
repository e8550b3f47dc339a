"""Files for the evidence tests, built in memory: real small ones, and ones to refuse."""

from __future__ import annotations

import io
import zipfile

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xdb\x00\x43\x00" + bytes(range(1, 65)) + b"\xff\xd9"
)
EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'  <svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
TEXT = "Called the support line on 3 March.\nThey confirmed a bed for tonight: £0 cost.\n".encode()


def word_document(document: bytes | None = None, *, members: int = 0, zeros_mb: int = 0) -> bytes:
    """A .docx: its content types and document, `members` more parts, or a document of
    `zeros_mb` megabytes of zeros written as a stream (a zip bomb: tiny packed, huge unpacked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as docx:
        docx.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        if zeros_mb:
            with docx.open("word/document.xml", "w", force_zip64=True) as part:
                for _ in range(zeros_mb):
                    part.write(bytes(1024 * 1024))
        else:
            docx.writestr("word/document.xml", document or b'<?xml version="1.0"?><w:document/>')
        for number in range(members):
            docx.writestr(f"word/media/part{number}.xml", f"<p>{number}</p>")
    return buffer.getvalue()
