"""User-task forms: JSON Schemas, checked at deploy and used to validate submitted data."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from engine.errors import FieldError, FormValidationError
from engine.spec.json_input import JsonRefused, check_depth, read_json


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
    return schema


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Draft202012Validator:
    schema = choices_as_enums(json.loads(schema_json))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


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


def _message(error) -> str:
    """jsonschema's message, but a value outside a long list of choices is not answered with the
    whole list (the nationalities are 200), nor a long value with itself."""
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
    errors = sorted(_validator(schema_json).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise FormValidationError(form, [FieldError(_field_of(e), _message(e)) for e in errors])
