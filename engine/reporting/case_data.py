"""A case's data as managers read it on the case page: each answered form's answers under the
form's title, labelled by its questions and choice labels (engine/spec/case_file.py words them),
then what the process worked out itself, in words. Bookkeeping (letter ids, empty lists, queue
names and other codes) is left out."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from engine.spec.case_file import field_title, readable
from engine.spec.process_labels import ProcessLabels, in_words
from engine.views import CaseFileRow, CaseFileSection
from engine.working_days import LONDON

OTHER_TITLE = "Worked out by the process"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_CODE = re.compile(r"^[a-z0-9]+([_-][a-z0-9]+)+$")  # a slug such as competent-authority-ukba
_EMPTY: tuple[Any, ...] = (None, "", [], {})


def case_data_sections(
    data: dict[str, Any],
    schemas: dict[str, dict],
    answered: list[str],
    labels: ProcessLabels | None = None,
) -> tuple[CaseFileSection, ...]:
    """The sections of `data`: one per answered form (in the order answered, file name ->
    schema in `schemas`), each field under the first form that asks it, then the rest, labelled
    by the process's own `labels` (its labels.json)."""
    labels = labels or ProcessLabels()
    sections = []
    shown: set[str] = set()
    for form in answered:
        schema = schemas.get(form)
        if schema is None:
            continue
        properties = schema.get("properties", {})
        names = [n for n in properties if n in data and n not in shown and data[n] not in _EMPTY]
        shown.update(properties)
        rows = tuple(CaseFileRow(field_title(schema, n), readable(properties[n], data[n])) for n in names)
        if rows:
            sections.append(CaseFileSection(str(schema.get("title") or form), rows))
    other = tuple(
        row for name, value in data.items() if name not in shown for row in _rows(name, value, labels)
    )
    if other:
        sections.append(CaseFileSection(OTHER_TITLE, other))
    return tuple(sections)


def _rows(path: str, value: Any, labels: ProcessLabels) -> list[CaseFileRow]:
    """Rows for a value no form asked for (`path`: its name, `group.name` inside a group): a group
    of values one row each, bookkeeping none."""
    if isinstance(value, dict):
        return [row for key, item in value.items() for row in _rows(f"{path}.{key}", item, labels)]
    text = labels.value_of(path, value) if isinstance(value, str) else None
    text = text or _words(value)
    return [CaseFileRow(_label(path, labels), text)] if text else []


def _label(path: str, labels: ProcessLabels) -> str:
    """The process's label for the field, else its group's label and its name in words."""
    if path in labels.fields or "." not in path:
        return labels.label_of(path)
    group, name = path.rsplit(".", 1)
    words = in_words(name)
    return f"{_label(group, labels)}: {words[:1].lower()}{words[1:]}"


def _words(value: Any) -> str:
    """A value in words, or "" when it is bookkeeping no one reads."""
    if value in _EMPTY:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(w for item in value if (w := _words(item)))
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _UUID.match(text) or _CODE.match(text):
        return ""
    return _moment(text) or text


def _moment(text: str) -> str:
    """An ISO date or timestamp as `3 December 2026` (at `14:05`, London time); "" if it is not one."""
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return ""
        return f"{day.day} {day:%B %Y}"
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return ""
        local = moment.astimezone(LONDON) if moment.tzinfo else moment
        return f"{local.day} {local:%B %Y} at {local:%H:%M}"
    return ""
