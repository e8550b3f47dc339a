"""What a decision's coded outputs are called, read from the decision itself.

A decision table that has an output `X` and beside it an output `X_name` names each value of `X`
in the same rule: the competent_authority_allocation decision gives `competent_authority` "UKBA"
and `competent_authority_name` "UK Border Agency". A new rule there is a new code with its name,
labelled everywhere (case list, statistics, their CSVs) with nothing else to change."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from lxml import etree

from engine.errors import EngineError
from engine.spec.xml_guard import parse_untrusted_xml

NAME_SUFFIX = "_name"


def decision_value_labels(files: Iterable[tuple[str, bytes | str]]) -> dict[str, dict[str, str]]:
    """Output name -> value -> label, from every `.dmn` file among (path, content) pairs; string
    literal cells only, the first rule naming a value wins."""
    labels: dict[str, dict[str, str]] = {}
    for path, content in files:
        if not path.endswith(".dmn"):
            continue
        data = content.encode() if isinstance(content, str) else content
        try:
            root = parse_untrusted_xml(data, path)
        except EngineError:
            continue
        for table in root.iter("{*}decisionTable"):
            _table_labels(table, labels)
    return labels


def _table_labels(table: etree._Element, labels: dict[str, dict[str, str]]) -> None:
    outputs = [output.get("name") or "" for output in table.iterfind("{*}output")]
    pairs = [
        (i, outputs.index(name + NAME_SUFFIX))
        for i, name in enumerate(outputs)
        if name + NAME_SUFFIX in outputs
    ]
    for rule in table.iterfind("{*}rule"):
        cells = [_literal(entry.findtext("{*}text")) for entry in rule.iterfind("{*}outputEntry")]
        for value_at, name_at in pairs:
            if max(value_at, name_at) >= len(cells):
                continue
            value, name = cells[value_at], cells[name_at]
            if value and name:
                labels.setdefault(outputs[value_at], {}).setdefault(value, name)


def _literal(text: str | None) -> str | None:
    """The string a cell such as `"UKBA"` holds; None for anything else (an expression)."""
    try:
        value = ast.literal_eval((text or "").strip())
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None
