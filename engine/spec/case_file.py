"""A user task's case file: what its worker may read of the case, declared on the task.

The task's `caseFile` property (docs/modelling.md#case-files) is a comma-separated list of items:

- `adult-referral-form.json`: every answer of that form;
- `adult-referral-form.json#languages`: one field of it;
- `decisions`: the answers of the case's decision forms (a form with a field named `…_decision`);
- `letters`: the letters and notices of the case, by title and date;
- `history`: what happened on the case, as readable lines;
- `evidence`: the files added to the case as evidence, to download and add to;
- `notes`: the notes written on the case, to read and add to.

A task without it shows nothing personal. This module parses and checks the list and turns an
answer into the words a caseworker reads; engine/runtime/case_file.py gathers a task's case file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from engine.working_days import LONDON

FORM_PROPERTY = "formJsonSchemaFilename"  # a user task's form, next to its case file
CASE_FILE_PROPERTY = "caseFile"


def task_property(task_spec: Any, name: str) -> str | None:
    """A `spiffworkflow:property` of a parsed task spec (None if it has none)."""
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties") or {}
    return properties.get(name)


SECTIONS = ("decisions", "letters", "history", "evidence", "notes")
DECISION_SUFFIX = "_decision"


@dataclass(frozen=True)
class CaseFileItem:
    """One item of a `caseFile` list: a whole form, one field of a form, or a named section."""

    form: str | None = None
    field: str | None = None
    section: str | None = None


def parse_case_file(value: str) -> list[CaseFileItem]:
    """The items of a `caseFile` value, in order; ValueError says what is wrong with its syntax."""
    items = []
    for raw in value.split(","):
        text = raw.strip()
        if not text:
            continue
        if text in SECTIONS:
            items.append(CaseFileItem(section=text))
            continue
        form, hash_sign, field = text.partition("#")
        form, field = form.strip(), field.strip()
        if not form.endswith(".json"):
            raise ValueError(
                f"{text!r} is neither a form file (such as adult-referral-form.json), a field "
                f"(adult-referral-form.json#languages) nor a section ({', '.join(SECTIONS)})"
            )
        if hash_sign and not field:
            raise ValueError(f"{text!r} names no field after '#': write {form}#field_name, or {form} alone")
        items.append(CaseFileItem(form=form, field=field or None))
    return items


def check_case_file(value: str, forms: dict[str, dict]) -> list[str]:
    """What is wrong with a `caseFile` value, given the bundle's forms (file name -> schema)."""
    try:
        items = parse_case_file(value)
    except ValueError as error:
        return [f"{CASE_FILE_PROPERTY}: {error}"]
    problems = []
    for item in items:
        if item.form is None:
            continue
        schema = forms.get(item.form)
        if schema is None:
            problems.append(
                f"{CASE_FILE_PROPERTY}: there is no form forms/{item.form}; name a form of the "
                f"bundle ({', '.join(sorted(forms)) or 'none'})"
            )
        elif item.field is not None and item.field not in schema.get("properties", {}):
            problems.append(
                f"{CASE_FILE_PROPERTY}: form {item.form} has no field {item.field!r}; "
                f"its fields: {', '.join(schema.get('properties', {})) or 'none'}"
            )
    return problems


def is_decision_form(schema: dict) -> bool:
    return any(name.endswith(DECISION_SUFFIX) for name in schema.get("properties", {}))


SUMMARY_TITLE = "x-summary-title"  # on a field: its name in case files and case pages


def field_title(schema: dict, name: str) -> str:
    """A field's name where others read the answer: its `x-summary-title` if the question speaks
    to the person answering ("Your name"), else its title."""
    spec = schema.get("properties", {}).get(name, {})
    title = (spec.get(SUMMARY_TITLE) or spec.get("title")) if isinstance(spec, dict) else None
    return str(title) if title else name.replace("_", " ").capitalize()


def readable(spec: dict, value: Any) -> str:
    """An answer as a caseworker reads it: a choice by its label, Yes/No, `4 March 2026`, a list
    one item a line when its items are long, text exactly as entered (line breaks kept)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        items_spec = spec.get("items", {}) if isinstance(spec.get("items"), dict) else {}
        shown = [readable(items_spec, item) for item in value]
        if any(len(s) > 40 or "," in s or ";" in s for s in shown):
            return "\n".join(shown)
        return ", ".join(shown)
    if isinstance(value, dict):
        return "\n".join(f"{k.replace('_', ' ').capitalize()}: {readable({}, v)}" for k, v in value.items())
    labels = _choice_labels(spec)
    if labels and str(value) in labels:
        return labels[str(value)]
    if isinstance(value, str) and spec.get("format") == "date":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.day} {day:%B %Y}"
    if isinstance(value, str) and spec.get("format") == "date-time":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        local = moment.astimezone(LONDON) if moment.tzinfo else moment
        return f"{local.day} {local:%B %Y} at {local:%H:%M}"
    return str(value)


def choice_labels(spec: dict) -> dict[str, str]:
    """A field's choices by value -> label (a list's by its items' choices)."""
    items = spec.get("items")
    return _choice_labels(items if spec.get("type") == "array" and isinstance(items, dict) else spec)


def _choice_labels(spec: dict) -> dict[str, str]:
    """Labelled choices: `oneOf`/`anyOf` of `{const, title}`, or `enum` with `enumNames`."""
    labels = {}
    for key in ("oneOf", "anyOf"):
        for option in spec.get(key, []) or []:
            if isinstance(option, dict) and "const" in option and "title" in option:
                labels[str(option["const"])] = str(option["title"])
    names = spec.get("enumNames")
    if isinstance(spec.get("enum"), list) and isinstance(names, list):
        labels.update({str(v): str(n) for v, n in zip(spec["enum"], names, strict=False)})
    return labels
