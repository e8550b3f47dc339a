"""A task's JSON Schema as GOV.UK form fields, and a submitted form back into typed data.

The schema stays the single source: the same file renders the page here and validates the data
in the engine. Choices are `oneOf: [{const, title}]`; `allOf` if/then on one property's `const`
becomes a GOV.UK conditional reveal under that option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

SELECT_ABOVE = 12  # more choices than this: a select instead of radios
LONG_TEXT = 500  # strings allowed to be longer than this get a textarea


@dataclass
class Field:
    name: str
    kind: str  # text, email, textarea, number, radios, select, yes-no, checkboxes, lines, date
    label: str
    hint: str
    required: bool
    options: list[tuple[str, str]] = field(default_factory=list)
    children: dict[str, list[Field]] = field(default_factory=dict)
    spec: dict[str, Any] = field(default_factory=dict, repr=False)  # its schema: limits and x-messages


def _choices(spec: dict) -> list[tuple[str, str]]:
    if "oneOf" in spec:
        return [(str(o["const"]), o.get("title", str(o["const"]))) for o in spec["oneOf"] if "const" in o]
    return [(str(v), str(v).replace("_", " ").capitalize()) for v in spec.get("enum", [])]


def _kind(spec: dict) -> str:
    kind = spec.get("type")
    if kind == "boolean":
        return "yes-no"
    if kind == "integer" or kind == "number":
        return "number"
    if kind == "array":
        return "checkboxes" if _choices(spec.get("items", {})) else "lines"
    if spec.get("format") == "date":
        return "date"
    if "oneOf" in spec or "enum" in spec:
        return "select" if len(_choices(spec)) > SELECT_ABOVE else "radios"
    if spec.get("format") == "email":
        return "email"
    if spec.get("x-input") == "tel":
        return "tel"
    return "textarea" if spec.get("maxLength", 0) > LONG_TEXT else "text"


def _reveals(schema: dict) -> dict[str, tuple[str, str]]:
    """Field revealed -> (controlling field, option value), from `allOf` if/then on one `const`:
    the `then` names it in `required` (asked and needed then) or in `properties` (asked then, optional)."""
    revealed: dict[str, tuple[str, str]] = {}
    for rule in schema.get("allOf", []):
        condition = rule.get("if", {}).get("properties", {})
        if len(condition) != 1:
            continue
        ((controller, test),) = condition.items()
        if "const" not in test:
            continue
        value = test["const"]
        option = ("true" if value else "false") if isinstance(value, bool) else str(value)
        then = rule.get("then", {})
        for name in [*then.get("required", []), *then.get("properties", {})]:
            revealed.setdefault(name, (controller, option))
    return revealed


def fields_for(schema: dict) -> list[Field]:
    """The form's fields in schema order; conditional ones nested under their option."""
    required = set(schema.get("required", []))
    built = {
        name: Field(
            name,
            _kind(spec),
            spec.get("title", name),
            spec.get("description", ""),
            name in required,
            _choices(spec.get("items", {})) if spec.get("type") == "array" else _choices(spec),
            spec=spec,
        )
        for name, spec in schema.get("properties", {}).items()
    }
    reveals = {name: where for name, where in _reveals(schema).items() if name in built and where[0] in built}
    top = []
    for name, built_field in built.items():
        if name in reveals:
            controller, option = reveals[name]
            built[controller].children.setdefault(option, []).append(built_field)
        else:
            top.append(built_field)
    return top


def _all_fields(fields: list[Field]) -> list[tuple[Field, tuple[str, str] | None]]:
    found: list[tuple[Field, tuple[str, str] | None]] = []
    for one in fields:
        found.append((one, None))
        for option, children in one.children.items():
            found += [(child, (one.name, option)) for child, _ in _all_fields(children)]
    return found


def date_field_names(fields: list[Field]) -> list[str]:
    """Every date field, revealed ones included (the error summary links to their day box)."""
    return [one.name for one, _ in _all_fields(fields) if one.kind == "date"]


DATE_TYPED = re.compile(r"^([^-]*)-([^-]*)-([^-]*)$")  # year-month-day, as _date joins them


def _date(form, name: str) -> str | None:
    parts = [form.get(f"{name}-{part}", "").strip() for part in ("year", "month", "day")]
    if not any(parts):
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError:
        return "-".join(parts)  # not a real date: the schema's date check names the field


def parse_submission(schema: dict, form) -> dict[str, Any]:
    """Typed data from a posted form (a MultiDict): what the engine validates against the schema."""
    data: dict[str, Any] = {}
    fields = _all_fields(fields_for(schema))
    for one, condition in fields:
        if condition and form.get(condition[0]) != condition[1]:
            continue  # revealed under an option that is not chosen: drop what was typed there
        value: Any
        if one.kind == "date":
            value = _date(form, one.name)
        elif one.kind == "checkboxes":
            value = [v for v in form.getlist(one.name) if v] or ([] if one.required else None)
        elif one.kind == "lines":
            value = [line.strip() for line in form.get(one.name, "").splitlines() if line.strip()] or None
        elif one.kind == "yes-no":
            value = {"true": True, "false": False}.get(form.get(one.name, ""))
        elif one.kind == "number":
            raw = form.get(one.name, "").strip()
            value = int(raw) if raw.lstrip("-").isdigit() else (raw or None)
        else:
            value = form.get(one.name, "").strip() or None
        if value is not None:
            data[one.name] = value
    return data


def values_for(data: dict[str, Any]) -> dict[str, Any]:
    """What the page shows for data already given (after a failed submission)."""
    shown: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, bool):
            shown[name] = "true" if value else "false"
        elif isinstance(value, list):
            shown[name] = value
            shown[f"{name}__lines"] = "\n".join(map(str, value))
        elif isinstance(value, str) and (typed := DATE_TYPED.match(value)):
            shown[name] = value  # a date, or the boxes as typed when they make no date (31-2-2099)
            year, month, day = typed.groups()
            shown.update(
                {f"{name}-year": year, f"{name}-month": month.lstrip("0"), f"{name}-day": day.lstrip("0")}
            )
        else:
            shown[name] = str(value)
    return shown


def error_messages(schema: dict, errors) -> dict[str, str]:
    """GOV.UK-style messages by field name, first error per field, in the order the page shows the
    fields (revealed ones under their option), for the error summary and the fields."""
    every = [one for one, _ in _all_fields(fields_for(schema))]
    kinds = {one.name: one for one in every}
    messages: dict[str, str] = {}
    for error in errors:
        name, _, item = error.field.partition(".")
        if name not in messages:
            one = kinds.get(name)
            messages[name] = message_for(one, error, bool(item)) if one else _plain(error.message)
    page_order = {one.name: n for n, one in enumerate(every)}
    return dict(sorted(messages.items(), key=lambda pair: page_order.get(pair[0], len(page_order))))


def _plain(text: str) -> str:
    """A message about no field of the form (the engine's words), first letter capitalised."""
    return text[:1].upper() + text[1:]


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _date_parts_missing(detail: str) -> list[str]:
    """For a date posted with boxes left empty (`1990--3`: year, month, day), the parts missing."""
    parts = detail.split("-")
    if len(parts) != 3 or all(parts):
        return []
    return [part for part, given in zip(("day", "month", "year"), reversed(parts), strict=True) if not given]


def message_for(one: Field, error, item: bool = False) -> str:
    """The GOV.UK Design System's wording for one failing field, from the failing keyword (never
    jsonschema's text, which is for developers). The form may set the words per field with
    `x-messages`: `name` (how a message names the field, e.g. "the date the consent form was
    signed"), `required` (the whole message when it is missing, e.g. "Select if …") and `item`
    (one entry of a list, e.g. "other name")."""
    spec, wording = one.spec, one.spec.get("x-messages", {})
    label = one.label.rstrip("?")
    name = wording.get("name") or label.lower()
    subject = name[:1].upper() + name[1:]  # "Date of birth must …"
    question = one.label.endswith("?")
    choose = one.kind in ("radios", "select", "yes-no", "checkboxes")
    keyword = getattr(error, "keyword", "") or _keyword_of(error.message)
    if keyword == "required":
        if "required" in wording:
            return wording["required"]
        if one.kind == "yes-no":
            return "Select yes or no"
        if choose:
            return "Select an option" if question else f"Select {name}"
        return f"Enter {name}"
    if item:
        return _item_message(one, keyword, spec.get("items", {}), wording.get("item") or "entry", subject)
    if keyword == "x-when":
        return f"{subject} {WHEN_WORDS.get(spec.get('x-when', ''), 'must be a different date')}"
    if keyword == "x-age-matches":
        return f"{subject} must match the date of birth"
    if one.kind == "date":
        missing = _date_parts_missing(getattr(error, "detail", ""))
        if missing and len(missing) < 3:
            return f"{subject} must include a {' and '.join(missing)}"  # "must include a day and month"
        return f"{subject} must be a real date"
    if one.kind == "number":
        low, high = spec.get("minimum"), spec.get("maximum")
        if keyword == "type":
            return f"{subject} must be a whole number"
        if low is not None and high is not None:
            return f"{subject} must be a whole number between {low} and {high}"
        if low is not None:
            return f"{subject} must be {low} or more"
        if high is not None:
            return f"{subject} must be {high} or less"
        return f"{subject} must be a whole number"
    if keyword == "uniqueItems":
        repeated = getattr(error, "detail", "")
        noun = _a((wording.get("item") or "entry").split()[-1])
        return f"{subject} must not repeat {noun}" + (f": {repeated}" if repeated else "")
    if keyword == "minItems":
        least = spec.get("minItems", 1)
        if choose:
            return f"Select at least {'one option' if least == 1 else f'{least} options'} for {name}"
        return f"Enter {name}" if least == 1 else f"Enter at least {least} for {name}"
    if keyword == "maxItems":
        return f"{'Select' if choose else 'Enter'} no more than {spec.get('maxItems')} for {name}"
    if one.kind == "email":
        return "Enter an email address in the correct format, like name@example.com"
    if one.kind == "tel" and keyword == "pattern":
        return "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
    if keyword == "maxLength":
        return f"{subject} must be {spec.get('maxLength')} characters or fewer"
    if keyword == "minLength":
        low = spec.get("minLength", 1)
        return f"Enter {name}" if low <= 1 else f"{subject} must be {low} characters or more"
    if choose:
        return "Select one of the options" if question else f"Select {name} from the list"
    if keyword == "pattern" or keyword == "format":
        return f"Enter {name} in the correct format"
    return f"Enter {name} in the correct format" if keyword == "type" else f"Check {name}"


WHEN_WORDS = {
    "past": "must be in the past",
    "today-or-past": "must be today or in the past",
    "future": "must be in the future",
    "today-or-future": "must be today or in the future",
}


def _item_message(one: Field, keyword: str, items: dict, noun: str, subject: str) -> str:
    """An error in one entry of a list (`aliases.2`): the item's own limits."""
    if keyword == "maxLength":
        return f"Each {noun} must be {items.get('maxLength')} characters or fewer"
    if keyword == "minLength":
        low = items.get("minLength", 1)
        return f"Each {noun} must be {low} characters or more" if low > 1 else f"Enter each {noun}"
    if keyword in ("enum", "const", "oneOf"):
        return f"Select {subject[:1].lower() + subject[1:]} from the list"
    if keyword in ("pattern", "format", "type"):
        return f"Enter each {noun} in the correct format"
    return f"Check each {noun}"


def _keyword_of(message: str) -> str:
    """The keyword behind one of the engine's messages, for errors made without one."""
    if "is a required property" in message:
        return "required"
    if "is not a field of this form" in message:
        return "additionalProperties"
    return ""
