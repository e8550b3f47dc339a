"""Hostile XML for the tests: the small test process (tests/fixtures/mini) with a DOCTYPE or an
entity, written in every encoding an XML parser recognises, the entity used in an attribute (the
process name, which deploy stores) or in element text (a script)."""

from __future__ import annotations

import codecs
from collections.abc import Callable

import pytest

from tests.conftest import MINI

MARKER = "ENTITY-TEXT-WAS-EXPANDED"  # an internal entity's text: it must never be stored
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
NOWHERE = "http://127.0.0.1:9"  # the discard port: a regression fails fast instead of fetching

ENCODINGS: dict[str, tuple[str, Callable[[str], bytes]]] = {  # id: (declared, how text becomes bytes)
    "utf-8": ("UTF-8", lambda t: t.encode("utf-8")),
    "utf-8-bom": ("UTF-8", lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
    "utf-16-le-bom": ("UTF-16", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le")),
    "utf-16-be-bom": ("UTF-16", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be")),
    "utf-16-le": ("UTF-16", lambda t: t.encode("utf-16-le")),
    "utf-16-be": ("UTF-16", lambda t: t.encode("utf-16-be")),
    "utf-32-le-bom": ("UTF-32", lambda t: codecs.BOM_UTF32_LE + t.encode("utf-32-le")),
    "utf-32-be-bom": ("UTF-32", lambda t: codecs.BOM_UTF32_BE + t.encode("utf-32-be")),
    "utf-32-le": ("UTF-32", lambda t: t.encode("utf-32-le")),
    "utf-32-be": ("UTF-32", lambda t: t.encode("utf-32-be")),
}
ATTACKS = {
    "doctype": "<!DOCTYPE bpmn:definitions>",
    "internal-entity": f'<!DOCTYPE bpmn:definitions [<!ENTITY e "{MARKER}">]>',
    "external-entity-file": '<!DOCTYPE bpmn:definitions [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "external-entity-http": f'<!DOCTYPE bpmn:definitions [<!ENTITY e SYSTEM "{NOWHERE}/e.xml">]>',
    "external-dtd": f'<!DOCTYPE bpmn:definitions SYSTEM "{NOWHERE}/evil.dtd">',
    "parameter-entity": f"<!DOCTYPE bpmn:definitions [<!ENTITY % p \"<!ENTITY e '{MARKER}'>\"> %p;]>",
    "external-parameter-entity": f'<!DOCTYPE bpmn:definitions [<!ENTITY % p SYSTEM "{NOWHERE}/p.dtd"> %p;]>',
}
USES = {
    "attribute": ('name="Mini process"', 'name="&e;"'),
    "text": (
        "<bpmn:script>greeting = 'hello ' + name</bpmn:script>",
        "<bpmn:script>greeting = '&e;'</bpmn:script>",
    ),
    "none": ("", ""),  # a DOCTYPE alone declares no entity to use
}


def diagram(encoding: str, attack: str | None = None, use: str = "none") -> bytes:
    """mini.bpmn in `encoding` (declared in its XML declaration), with `attack` used as `use` says."""
    declared, encode = ENCODINGS[encoding]
    text = (MINI / "mini.bpmn").read_text()
    prolog = f'<?xml version="1.0" encoding="{declared}"?>'
    text = text.replace(DECLARATION, prolog + (f"\n{ATTACKS[attack]}" if attack else ""))
    old, new = USES[use]
    assert old in text
    return encode(text.replace(old, new, 1))


def mini_files(mini_bpmn: bytes) -> dict[str, bytes]:
    """The test process's files, its diagram replaced."""
    files = {"mini.bpmn": mini_bpmn}
    files |= {f"forms/{p.name}": p.read_bytes() for p in (MINI / "forms").iterdir()}
    return files


MATRIX = [
    pytest.param(encoding, attack, use, id=f"{encoding}-{attack}-{use}")
    for encoding in ENCODINGS
    for attack in ATTACKS
    for use in (["none"] if attack == "doctype" else ["attribute", "text"])
]
