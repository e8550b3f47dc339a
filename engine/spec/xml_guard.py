"""Untrusted XML: the one way a diagram a user supplied is read, before SpiffWorkflow or anything.

Only UTF-8 is accepted (drafts, the browser editor and bpmnlint all read UTF-8), so the text that
is checked is the text that is parsed. In turn: a file in another encoding (UTF-16 or UTF-32, with
or without a byte order mark, NUL bytes, or an XML declaration naming another encoding) is
refused; DOCTYPE and entity declarations are refused in the decoded text (XXE, billion laughs);
the parser reads the bytes as UTF-8 whatever they declare, loads no DTD, resolves no entity and
touches no network; and a tree that still has a DTD or an entity reference is refused.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

from engine.errors import UnsafeXml

MAX_XML_BYTES = 5 * 1024 * 1024
_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
_DECLARED = re.compile(r"""<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
# How a file in another encoding starts (XML 1.0, appendix F), longest first: UTF-32's byte order
# marks begin with UTF-16's.
_OTHER_ENCODINGS = (
    (codecs.BOM_UTF32_LE, "UTF-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "UTF-32", "utf-32"),
    (b"<\0\0\0", "UTF-32", "utf-32-le"),
    (b"\0\0\0<", "UTF-32", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "UTF-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "UTF-16", "utf-16"),
    (b"<\0", "UTF-16", "utf-16-le"),
    (b"\0<", "UTF-16", "utf-16-be"),
)
SAVE_AS_UTF8 = "save the file as UTF-8 without a DOCTYPE and upload it again"


def xml_text(content: bytes, filename: str) -> str:
    """The text of a user's XML file; UnsafeXml unless it is UTF-8 with no DOCTYPE or declaration."""
    if len(content) > MAX_XML_BYTES:
        raise UnsafeXml(f"{filename}: {len(content)} bytes is larger than the {MAX_XML_BYTES} byte limit")
    for start, name, codec in _OTHER_ENCODINGS:
        if content.startswith(start):
            doctype = " and has a DOCTYPE" if _FORBIDDEN.search(content.decode(codec, "replace")) else ""
            raise UnsafeXml(
                f"{filename}: saved as {name}{doctype}, but only UTF-8 is accepted; {SAVE_AS_UTF8}"
            )
    if b"\0" in content:
        raise UnsafeXml(f"{filename}: has NUL bytes, so it is not UTF-8 (UTF-16?); {SAVE_AS_UTF8}")
    try:
        text = content.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise UnsafeXml(
            f"{filename}: not UTF-8 text (byte {error.start} is not UTF-8); {SAVE_AS_UTF8}"
        ) from None
    declared = _DECLARED.match(text)
    if declared and _codec(declared.group(1)) != "utf-8":
        raise UnsafeXml(
            f"{filename}: declares encoding {declared.group(1)!r}, but only UTF-8 is accepted; {SAVE_AS_UTF8}"
        )
    if _FORBIDDEN.search(text):
        raise UnsafeXml(f"{filename}: DOCTYPE and entity declarations are not accepted; {SAVE_AS_UTF8}")
    return text


def _codec(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name  # "UTF8", "utf_8" and "U8" are UTF-8 too
    except LookupError:
        return None


def parse_untrusted_xml(content: bytes, filename: str) -> etree._Element:
    """Parse XML that a user supplied (checked by `xml_text` first); UnsafeXml for anything else."""
    xml_text(content, filename)
    parser = etree.XMLParser(
        encoding="utf-8",  # what was checked, whatever the file declares
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise UnsafeXml(f"{filename}: not well-formed XML: {error}; fix it and upload it again") from None
    if root is None:
        raise UnsafeXml(f"{filename}: empty document")
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UnsafeXml(f"{filename}: DOCTYPE and entity declarations are not accepted; {SAVE_AS_UTF8}")
    if next(root.iter(etree.Entity), None) is not None:
        raise UnsafeXml(f"{filename}: entity references are not accepted; {SAVE_AS_UTF8}")
    return root
