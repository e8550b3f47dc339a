"""What a reported fact's values are called: the choice labels of the forms of each process's
newest version (`labour` -> `Labour exploitation`), and for values the process sets itself those
of its labels.json and its decisions (`UKBA` -> `UK Border Agency`); for the case list,
statistics and their CSVs."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.persistence.models import DefinitionFile, DefinitionVersion
from engine.spec.case_file import choice_labels
from engine.spec.process_labels import LABELS_FILE, bundle_labels


def fact_labels(session: Session) -> dict[str, dict[str, str]]:
    """Field name -> value -> label, for every field with labelled choices in the newest forms
    (a field's first labelled form wins: the adult and child forms agree on their shared ones)."""
    newest = select(func.max(DefinitionVersion.id)).group_by(DefinitionVersion.process_id)
    files = session.execute(
        select(DefinitionFile.definition_id, DefinitionFile.path, DefinitionFile.content)
        .where(
            DefinitionFile.definition_id.in_(newest),
            DefinitionFile.path.like("forms/%.json")
            | DefinitionFile.path.like("%.dmn")
            | (DefinitionFile.path == LABELS_FILE),
        )
        .order_by(DefinitionFile.definition_id, DefinitionFile.path)
    ).all()
    labels: dict[str, dict[str, str]] = {}
    by_version: dict[int, dict[str, bytes | str]] = {}
    for definition_id, path, content in files:
        by_version.setdefault(definition_id, {})[path] = content
    for bundle in by_version.values():
        for name, values in bundle_labels(bundle).values.items():
            labels.setdefault(name, dict(values))
    for _definition_id, path, content in files:
        if not path.startswith("forms/"):
            continue
        try:
            schema = json.loads(content)
        except ValueError:
            continue
        for name, spec in (schema.get("properties") or {}).items():
            found = choice_labels(spec) if isinstance(spec, dict) else {}
            if found and name not in labels:
                labels[name] = found
    return labels
