"""How long a process keeps a closed case's personal data: its `retention` property, in whole
years after the case closed (like Camunda's `historyTimeToLive`). Read at deploy, where a value
that is not a whole number of years from 1 to 100 is refused, and by the retention run."""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from engine.spec.case_facts import BPMN
from engine.spec.expressions import SPIFF
from engine.spec.xml_guard import parse_untrusted_xml

PROPERTY = "retention"
MOST_YEARS = 100


def retention_of(root: etree._Element, process_id: str) -> int | None:
    """The process's retention in years (None if it declares none); ValueError if malformed."""
    for process in root.iter(f"{{{BPMN}}}process"):
        if process.get("id") != process_id:
            continue
        for prop in process.findall(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}properties/{{{SPIFF}}}property"):
            if prop.get("name") == PROPERTY:
                text = (prop.get("value") or "").strip()
                if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MOST_YEARS:
                    raise ValueError(
                        f"retention must be a whole number of years from 1 to {MOST_YEARS} after the "
                        f"case closed, such as 6; it is {text!r}"
                    )
                return int(text)
    return None


def retention_years(files: Mapping[str, bytes | str], process_id: str) -> int | None:
    """`retention` of `process_id`, from a deployed version's stored files."""
    for path, content in files.items():
        raw = content.encode() if isinstance(content, str) else content
        if path.endswith(".bpmn") and f'id="{process_id}"'.encode() in raw:
            return retention_of(parse_untrusted_xml(raw, path), process_id)
    return None
