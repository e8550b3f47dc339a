"""User-task forms: JSON Schemas, checked at deploy and used to validate submitted data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import SchemaError, ValidationError

from engine import clock
from engine.errors import FieldError, FormValidationError
from engine.spec.json_input import JsonRefused, check_depth, read_json
from engine.views import Actor
from engine.working_days import LONDON

# The form keywords of our own (docs/modelling.md#user-tasks), beside JSON Schema's.
WHEN = "x-when"  # on a date: "past", "today-or-past", "future" or "today-or-future", by London date
WHENS = {
    "past": ("must be in the past", lambda day, today: day < today),
    "today-or-past": ("must be today or in the past", lambda day, today: day <= today),
    "future": ("must be in the future", lambda day, today: day > today),
    "today-or-future": ("must be today or in the future", lambda day, today: day >= today),
}
AGE_MATCHES = "x-age-matches"  # on the form: {"age": field, "date_of_birth": field}
MESSAGES = "x-messages"  # on a field: how web words its errors ({"name", "required", "item"})
MESSAGE_KEYS = frozenset({"name", "required", "item"})
CHECK_ANSWERS = "x-check-answers"  # on the form: true, the page shows "Check your answers" before sending
FROM_USER = "x-from-user"  # on a field: the answer is the person's own, e.g. "agency"; not asked
USER_ATTRIBUTES = frozenset({"agency"})


def checks_answers(schema: dict) -> bool:
    """Whether the form's answers are shown to check before they are sent (`x-check-answers`)."""
    return schema.get(CHECK_ANSWERS) is True


def answers_from_user(schema: dict, actor: Actor) -> dict[str, str]:
    """The answers the form takes from the person sending it (`x-from-user` fields), when they have
    one the field accepts (one of its choices, if it has choices); the others are asked as usual."""
    found = {}
    for name, spec in schema.get("properties", {}).items():
        attribute = spec.get(FROM_USER) if isinstance(spec, dict) else None
        value = getattr(actor, attribute, None) if attribute in USER_ATTRIBUTES else None
        if not value:
            continue
        choices = [option.get("const") for option in spec.get("oneOf", []) if isinstance(option, dict)]
        choices += list(spec.get("enum", []))
        if not choices or value in choices:
            found[name] = value
    return found


@lru_cache(maxsize=256)
def _takes_from_user(schema_json: str) -> dict | None:
    """The form's schema if it has an `x-from-user` field (else None: most forms have none)."""
    if FROM_USER not in schema_json:
        return None
    return json.loads(schema_json)


def answers_from_user_json(schema_json: str | None, actor: Actor) -> dict[str, str]:
    """`answers_from_user` for a stored form (its JSON text), parsed once."""
    schema = _takes_from_user(schema_json) if schema_json else None
    return answers_from_user(schema, actor) if schema is not None else {}


def check_form_schema(content: bytes) -> dict:
    """Parse and check a form file; raises ValueError saying what is wrong."""
    schema = read_json(content)  # JsonRefused, a ValueError, says what is wrong
    if not isinstance(schema, dict):
        raise ValueError("a form must be a JSON object (a JSON Schema)")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        raise ValueError(f"not a valid JSON Schema: {error.message}") from None
    if schema.get("type") != "object":
        raise ValueError('a form schema must have "type": "object"')
    _check_own_keywords(schema)
    return schema


def _check_own_keywords(schema: dict) -> None:
    properties = schema.get("properties", {})
    if CHECK_ANSWERS in schema and not isinstance(schema[CHECK_ANSWERS], bool):
        raise ValueError(f'"{CHECK_ANSWERS}" must be true or false')
    for name, spec in properties.items():
        if not isinstance(spec, dict):
            continue
        if FROM_USER in spec and spec[FROM_USER] not in USER_ATTRIBUTES:
            raise ValueError(f'{name}: "{FROM_USER}" must be one of {", ".join(sorted(USER_ATTRIBUTES))}')
        if WHEN in spec:
            if spec[WHEN] not in WHENS:
                raise ValueError(f'{name}: "{WHEN}" must be one of {", ".join(WHENS)}')
            if spec.get("format") != "date":
                raise ValueError(f'{name}: "{WHEN}" is for a date ("format": "date")')
        wording = spec.get(MESSAGES)
        if wording is not None:
            if not isinstance(wording, dict) or not set(wording) <= MESSAGE_KEYS:
                raise ValueError(f'{name}: "{MESSAGES}" takes only {", ".join(sorted(MESSAGE_KEYS))}')
            if not all(isinstance(text, str) and text.strip() for text in wording.values()):
                raise ValueError(f'{name}: each of "{MESSAGES}" must be some text')
    if AGE_MATCHES in schema:
        pair = schema[AGE_MATCHES]
        if not isinstance(pair, dict) or set(pair) != {"age", "date_of_birth"}:
            raise ValueError(f'"{AGE_MATCHES}" must name two fields: "age" and "date_of_birth"')
        age, born = properties.get(pair["age"]), properties.get(pair["date_of_birth"])
        if not isinstance(age, dict) or age.get("type") != "integer":
            raise ValueError(f'"{AGE_MATCHES}": "age" must name an integer field of the form')
        if not isinstance(born, dict) or born.get("format") != "date":
            raise ValueError(f'"{AGE_MATCHES}": "date_of_birth" must name a date field of the form')


def today() -> date:
    """Today in London by the engine's clock (what "in the past" means for a form's date)."""
    return clock.now().astimezone(LONDON).date()


def _as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None  # not a real date: "format" says so


def _when(validator, kind: str, instance: Any, schema: dict) -> Iterator[ValidationError]:
    day = _as_date(instance)
    if day is not None and kind in WHENS:
        wording, holds = WHENS[kind]
        if not holds(day, today()):
            yield ValidationError(wording)


def age_on(born: date, day: date) -> int:
    """Age in whole years on `day` of someone born on `born`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _age_matches(validator, pair: dict, instance: Any, schema: dict) -> Iterator[ValidationError]:
    if not isinstance(instance, dict) or not isinstance(pair, dict):
        return
    age, born = instance.get(pair.get("age", "")), _as_date(instance.get(pair.get("date_of_birth", "")))
    if not isinstance(age, int) or isinstance(age, bool) or born is None or born > today():
        return  # missing or invalid answers have their own errors
    if age != age_on(born, today()):
        yield ValidationError(f"does not match {pair['date_of_birth']}", path=[pair["age"]])


FormValidator = validators.extend(Draft202012Validator, {WHEN: _when, AGE_MATCHES: _age_matches})


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Draft202012Validator:
    schema = choices_as_enums(json.loads(schema_json))
    return FormValidator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


CHOICE_KEYS = frozenset({"const", "title", "description"})
# Keywords whose value is a schema, a list of schemas or a mapping of names to schemas: only these
# are walked (a `const`, `enum`, `default` or `examples` value is data, whatever it looks like).
ONE_SCHEMA: tuple[str, ...]  # extended below
ONE_SCHEMA = ("additionalProperties", "items", "contains", "not", "if", "then", "else", "propertyNames")
ONE_SCHEMA += ("unevaluatedItems", "unevaluatedProperties")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


def choices_as_enums(schema: dict) -> dict:
    """The schema to validate with: each list of labelled choices (`oneOf: [{const, title}, …]`,
    distinct text values) becomes `enum` of its values, which accepts exactly the same values.
    jsonschema checks `oneOf` by validating every branch and building an error object for each
    branch that fails, which is slow for long lists such as the adult referral form's nationalities;
    enums are not (docs/performance.md). A schema that refers into a `oneOf` (a `$ref`
    ending in `/oneOf/…`) is left as it is."""
    if "/oneOf/" in json.dumps(schema):
        return schema
    return _rewritten(schema)


def _rewritten(node: Any) -> Any:
    if not isinstance(node, dict):
        return node  # a boolean schema
    out = dict(node)
    for key in ONE_SCHEMA:
        if key in out:
            out[key] = _rewritten(out[key])
    for key in SCHEMA_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [_rewritten(item) for item in out[key]]
    for key in SCHEMA_MAPS:
        if isinstance(out.get(key), dict):
            out[key] = {name: _rewritten(item) for name, item in out[key].items()}
    branches = out.get("oneOf")
    if isinstance(branches, list) and branches and "enum" not in out:
        values = [b.get("const") for b in branches if isinstance(b, dict) and set(b) <= CHOICE_KEYS]
        labelled = len(values) == len(branches) and all(isinstance(v, str) for v in values)
        if labelled and len(set(values)) == len(values):  # a repeated value matches two branches
            del out["oneOf"]
            out["enum"] = values
    return out


@lru_cache(maxsize=256)
def declared_fields(schema_json: str) -> frozenset[str]:
    """The fields a form declares (its schema's top-level properties)."""
    return frozenset(json.loads(schema_json).get("properties", {}))


def _repeated(items: Any) -> str:
    """The first item of a list that repeats an earlier one, as plain text."""
    seen: list[Any] = []
    for item in items if isinstance(items, list) else []:
        if item in seen:
            return item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
        seen.append(item)
    return ""


def _message(error) -> str:
    """jsonschema's message, but a value outside a long list of choices is not answered with the
    whole list (the nationalities are 200), nor a long value with itself."""
    if error.validator == "uniqueItems":
        return "must not repeat an item"  # not jsonschema's, which quotes the whole list
    quoted = repr(error.instance)
    value = quoted if len(quoted) <= 80 else "the value"
    if error.validator == "enum" and len(error.validator_value) > 10:
        return f"{value} is not one of the {len(error.validator_value)} choices of this field"
    if error.message.startswith(quoted):
        return value + error.message[len(quoted) :]
    return error.message


def _field_of(error) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    elif error.validator == "additionalProperties" and "'" in error.message:
        path.append(error.message.split("'")[1])
    return ".".join(p for p in path if p) or "(form)"


def validate_form_data(form: str, schema_json: str, data: Any) -> None:
    """Raise FormValidationError naming every failing field; nothing else happens."""
    if not isinstance(data, dict):
        raise FormValidationError(form, [FieldError("(form)", "form data must be a JSON object")])
    try:
        check_depth(data)  # before jsonschema, json_shaped and the serializer recurse into it
    except JsonRefused as refused:
        raise FormValidationError(form, [FieldError("(form)", str(refused))]) from None
    found = [(_field_of(e), e) for e in _validator(schema_json).iter_errors(data)]
    if found:
        order = {name: n for n, name in enumerate(declared_fields_in_order(schema_json))}

        def place(item: tuple[str, ValidationError]) -> tuple[int, list[str]]:
            name, _ = item
            return order.get(name.split(".")[0], len(order)), name.split(".")[1:]

        found.sort(key=place)  # the form's order, so that the page lists them as it shows them
        raise FormValidationError(form, [_field_error(name, e) for name, e in found])


def _field_error(name: str, error: ValidationError) -> FieldError:
    keyword = str(error.validator)
    detail = ""
    if keyword == "uniqueItems":
        repeated = _repeated(error.instance)
        detail = repeated if len(repeated) <= 80 else repeated[:79] + "…"
        message = f"must not repeat an item: {detail}" if detail else _message(error)
        return FieldError(name, message, keyword, detail)
    elif keyword == "format" and isinstance(error.instance, str) and len(error.instance) <= 40:
        detail = error.instance  # e.g. "1990--3": web tells which part of a date is missing
    return FieldError(name, _message(error), keyword, detail)


@lru_cache(maxsize=256)
def declared_fields_in_order(schema_json: str) -> tuple[str, ...]:
    """The form's top-level properties in the order the schema declares them."""
    return tuple(json.loads(schema_json).get("properties", {}))
