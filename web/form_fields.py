"""A task's JSON Schema as GOV.UK form fields, and a submitted form back into typed data.

The schema stays the single source: the same file renders the page here and validates the data
in the engine. Choices are `oneOf: [{const, title}]`; `allOf` if/then on one property's `const`
becomes a GOV.UK conditional reveal under that option.
"""

from __future__ import annotations

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
    return "textarea" if spec.get("maxLength", 0) > LONG_TEXT else "text"


def _reveals(schema: dict) -> dict[str, tuple[str, str]]:
    """Field revealed -> (controlling field, option value), from `allOf` if/then on one `const`."""
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
        for name in rule.get("then", {}).get("required", []):
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
        elif isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
            shown[name] = value
            year, month, day = value.split("-")
            shown.update(
                {f"{name}-year": year, f"{name}-month": month.lstrip("0"), f"{name}-day": day.lstrip("0")}
            )
        else:
            shown[name] = str(value)
    return shown


def error_messages(schema: dict, errors) -> dict[str, str]:
    """GOV.UK-style messages by field name, first error per field, for the summary and the fields."""
    kinds = {one.name: one for one, _ in _all_fields(fields_for(schema))}
    specs = schema.get("properties", {})
    messages: dict[str, str] = {}
    for error in errors:
        name = error.field.split(".")[0]
        if name not in messages:
            one = kinds.get(name)
            messages[name] = _message(one, specs.get(name, {}), error.message) if one else error.message
    return messages


def _message(one: Field, spec: dict, raw: str) -> str:
    """The GOV.UK design system's wording for each kind of failure (jsonschema's text is for developers)."""
    label = one.label.rstrip("?").lower()
    choose = one.kind in ("radios", "select", "yes-no", "checkboxes")
    if "is a required property" in raw:
        if one.kind == "yes-no":
            return f"Select yes or no: {one.label}"
        return f"{'Select' if choose else 'Enter'} {label}"
    if one.kind == "date":
        return f"Enter a real date for {label}"
    if one.kind == "number":
        low, high = spec.get("minimum"), spec.get("maximum")
        if low is not None and high is not None:
            return f"{one.label} must be a whole number between {low} and {high}"
        return f"Enter a whole number for {label}"
    if one.kind == "checkboxes" and "should be non-empty" in raw:
        return f"Select at least one option for {label}"
    if one.kind == "email":
        return "Enter an email address in the correct format, like name@example.com"
    if "is too long" in raw or "expected to be empty" in raw:
        return f"{one.label} must be {spec.get('maxLength', 'fewer')} characters or fewer"
    if "is too short" in raw or "should be non-empty" in raw:
        return f"Enter {label}"
    if choose:
        return f"Select {label} from the list"
    return f"{one.label}: {raw}"
