"""Reported case facts: which data fields a process reports (its `reportedFields` property) and
the (name, value) pairs a case's data gives for them. Lists and statistics read these rows."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from engine.spec.expressions import SPIFF
from engine.spec.xml_guard import parse_untrusted_xml

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,59}$")
MAX_VALUE = 200


def reported_fields_of(root: etree._Element, process_id: str) -> tuple[str, ...]:
    """The process's `reportedFields` (comma-separated data field names); ValueError if malformed."""
    for process in root.iter(f"{{{BPMN}}}process"):
        if process.get("id") != process_id:
            continue
        for prop in process.findall(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}properties/{{{SPIFF}}}property"):
            if prop.get("name") == "reportedFields":
                names = tuple(n.strip() for n in (prop.get("value") or "").split(",") if n.strip())
                bad = [n for n in names if not FIELD.match(n)]
                if bad:
                    raise ValueError(f"reportedFields: {', '.join(bad)} are not data field names")
                return names
    return ()


def reported_fields(files: dict[str, bytes | str], process_id: str) -> tuple[str, ...]:
    """`reportedFields` of `process_id`, from a deployed version's stored files."""
    for path, content in files.items():
        raw = content.encode() if isinstance(content, str) else content
        if path.endswith(".bpmn") and f'id="{process_id}"'.encode() in raw:
            return reported_fields_of(parse_untrusted_xml(raw, path), process_id)
    return ()


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)[:MAX_VALUE]


def facts_from(data: dict[str, Any], fields: tuple[str, ...]) -> set[tuple[str, str]]:
    """The (name, value) rows for `data`: one per item of a list, none for a missing value."""
    facts = set()
    for name in fields:
        value = data.get(name)
        for item in value if isinstance(value, list) else [value]:
            text = _text(item)
            if text is not None and text != "":
                facts.add((name, text))
    return facts
