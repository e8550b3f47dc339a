"""What a reported fact's values are called: the choice labels of the forms of each process's
newest version (`labour` -> `Labour exploitation`), and for values the process sets itself those
of its labels.json (`UKBA` -> `UK Border Agency`); for the case list, statistics and their CSVs."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.persistence.models import DefinitionFile, DefinitionVersion
from engine.spec.case_file import choice_labels
from engine.spec.process_labels import LABELS_FILE, read_labels


def fact_labels(session: Session) -> dict[str, dict[str, str]]:
    """Field name -> value -> label, for every field with labelled choices in the newest forms
    (a field's first labelled form wins: the adult and child forms agree on their shared ones)."""
    newest = select(func.max(DefinitionVersion.id)).group_by(DefinitionVersion.process_id)
    files = session.execute(
        select(DefinitionFile.path, DefinitionFile.content)
        .where(
            DefinitionFile.definition_id.in_(newest),
            DefinitionFile.path.like("forms/%.json") | (DefinitionFile.path == LABELS_FILE),
        )
        .order_by(DefinitionFile.definition_id, DefinitionFile.path)
    ).all()
    labels: dict[str, dict[str, str]] = {}
    for path, content in files:
        if path == LABELS_FILE:
            for name, values in read_labels(content).values.items():
                labels.setdefault(name, dict(values))
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
