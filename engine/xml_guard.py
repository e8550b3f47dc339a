"""Untrusted XML: refuse DOCTYPE and entities before SpiffWorkflow (or anything) parses it."""

from __future__ import annotations

import re

from lxml import etree

from engine.errors import UnsafeXml

MAX_XML_BYTES = 5 * 1024 * 1024
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)


def parse_untrusted_xml(content: bytes, filename: str) -> etree._Element:
    """Parse XML that a user supplied; raise UnsafeXml for anything we do not accept.

    DOCTYPE declarations are refused outright (XXE, billion laughs); the parser also resolves no
    entities, loads no DTD and touches no network, as a second line of defence.
    """
    if len(content) > MAX_XML_BYTES:
        raise UnsafeXml(f"{filename}: {len(content)} bytes is larger than the {MAX_XML_BYTES} byte limit")
    if _FORBIDDEN.search(content):
        raise UnsafeXml(
            f"{filename}: DOCTYPE and entity declarations are not accepted; remove them and upload again"
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
    )
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise UnsafeXml(f"{filename}: not well-formed XML: {error}") from None
    if root is None:
        raise UnsafeXml(f"{filename}: empty document")
    return root
