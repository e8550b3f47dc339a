"""What a process calls the values it sets itself: `labels.json` beside the diagrams, written by
the process owner and deployed with the bundle.

    {"fields": {"rg_due_at": "Reasonable grounds decision due", "reflection.ends_at": "..."},
     "values": {"competent_authority": {"UKBA": "UK Border Agency"}}}

A field inside a group is named by its path (`reflection.ends_at`). Anything not named here is
shown by its name in words."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.errors import Finding
from engine.spec.bundle import LABELS_FILE
from engine.spec.decision_labels import decision_value_labels


@dataclass(frozen=True)
class ProcessLabels:
    fields: dict[str, str] = field(default_factory=dict)  # field path -> label
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> value -> label

    def label_of(self, path: str) -> str:
        """The label of a field path, or its last name in words (`rg_due_at` -> `Rg due at`)."""
        return self.fields.get(path) or in_words(path.rsplit(".", 1)[-1])

    def value_of(self, name: str, value: str) -> str | None:
        return self.values.get(name, {}).get(value)


def in_words(name: str) -> str:
    text = name.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def check_labels(content: bytes | str) -> list[Finding]:
    """Findings for a labels file that is not `{"fields": {str: str}, "values": {str: {str: str}}}`."""
    try:
        raw = json.loads(content)
    except ValueError as error:
        return [Finding(LABELS_FILE, None, f"not valid JSON: {error}")]
    fields, values = (raw.get("fields", {}), raw.get("values", {})) if isinstance(raw, dict) else (None, None)
    ok = isinstance(fields, dict) and all(isinstance(v, str) for v in fields.values())
    ok = ok and isinstance(values, dict)
    ok = ok and all(
        isinstance(m, dict) and all(isinstance(v, str) for v in m.values()) for m in (values or {}).values()
    )
    if not ok:
        return [
            Finding(
                LABELS_FILE,
                None,
                'give "fields" as {"name": "label"} and "values" as {"name": {"value": "label"}}',
            )
        ]
    return []


def read_labels(content: bytes | str | None) -> ProcessLabels:
    """The labels of a deployed bundle (none if it has no labels file or a bad one)."""
    if content is None or check_labels(content):
        return ProcessLabels()
    raw = json.loads(content)
    return ProcessLabels(dict(raw.get("fields", {})), {k: dict(v) for k, v in raw.get("values", {}).items()})


def bundle_labels(files: Mapping[str, bytes | str]) -> ProcessLabels:
    """The labels of a bundle's files (path -> content): its labels.json, and for values it does not
    name, the names its decisions give them (see engine/spec/decision_labels.py)."""
    labels = read_labels(files.get(LABELS_FILE))
    values = {name: dict(found) for name, found in decision_value_labels(files.items()).items()}
    for name, named in labels.values.items():
        values.setdefault(name, {}).update(named)
    return ProcessLabels(labels.fields, values)
