"""Form validation: labelled choices are checked as enums, with exactly the same verdicts."""

from __future__ import annotations

import json
from pathlib import Path
from random import Random

import pytest
from jsonschema import Draft202012Validator

from engine.errors import FormValidationError
from engine.spec.forms import choices_as_enums, validate_form_data
from web.cli.demo_data import FORMS, PEOPLE, form_payload

FORMS_DIR = Path(__file__).resolve().parents[2] / "bpmn" / "forms"
CHOICES = [{"const": "yes", "title": "Yes"}, {"const": "no", "title": "No", "description": "Not at all"}]


def test_labelled_choices_become_an_enum_anywhere_in_the_schema():
    schema = {
        "type": "object",
        "properties": {
            "answer": {"type": "string", "oneOf": CHOICES},
            "several": {"type": "array", "items": {"type": "string", "oneOf": CHOICES}},
        },
        "allOf": [{"if": {"properties": {"answer": {"const": "yes"}}}, "then": {"required": ["several"]}}],
    }
    rewritten = choices_as_enums(schema)
    assert rewritten["properties"]["answer"] == {"type": "string", "enum": ["yes", "no"]}
    assert rewritten["properties"]["several"]["items"] == {"type": "string", "enum": ["yes", "no"]}
    assert rewritten["allOf"] == schema["allOf"]
    assert schema["properties"]["answer"]["oneOf"] == CHOICES  # the stored schema is not changed


@pytest.mark.parametrize(
    "branches",
    [
        [{"const": "a"}, {"const": "a"}],  # a repeated value matches two branches: oneOf refuses it
        [{"const": "a"}, {"type": "string", "maxLength": 3}],  # not only labelled values
        [{"const": 1}, {"const": "1"}],  # not text
        [{"const": "a", "title": "A"}, {"title": "no value"}],
        [],
    ],
)
def test_other_one_ofs_are_left_alone(branches):
    schema = {"type": "object", "properties": {"x": {"oneOf": branches}}}
    assert choices_as_enums(schema) == schema


def _verdicts(schema: dict, data: dict) -> list[tuple[str, ...]]:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return sorted(tuple(map(str, e.absolute_path)) for e in validator.iter_errors(data))


def _variants(schema: dict, data: dict) -> list[dict]:
    """The demo answers, and for each choice field: every choice, a value outside them, a number."""
    variants = [data]
    for name, spec in schema.get("properties", {}).items():
        choices = spec.get("oneOf") or spec.get("items", {}).get("oneOf") or []
        values = [c["const"] for c in choices if "const" in c]
        if not values:
            continue
        many = spec.get("type") == "array"
        for value in [*values, "not-a-choice", 7]:
            variants.append({**data, name: [value] if many else value})
    return variants


@pytest.mark.parametrize("form", sorted(p.name for p in FORMS_DIR.glob("*.json")))
def test_every_deployed_form_gives_the_same_verdicts_either_way(form):
    schema = json.loads((FORMS_DIR / form).read_text())
    data = form_payload(form, PEOPLE[0], Random(3)) if form in FORMS else {}
    variants = _variants(schema, data)
    assert len(variants) > 1 or "oneOf" not in json.dumps(schema)
    for variant in variants:
        assert _verdicts(choices_as_enums(schema), variant) == _verdicts(schema, variant), variant


def test_a_value_outside_a_long_list_is_named_without_the_list():
    schema = (FORMS_DIR / "adult-referral-form.json").read_text()
    data = {**form_payload("adult-referral-form.json", PEOPLE[0], Random(3)), "nationality": "Atlantis"}
    with pytest.raises(FormValidationError) as refused:
        validate_form_data("adult-referral-form.json", schema, data)
    [error] = refused.value.errors
    assert error.field == "nationality"
    assert error.message.startswith("'Atlantis' is not one of the ")
    assert error.message.endswith(" choices of this field")
    assert len(error.message) < 80


def test_a_long_value_is_not_quoted_back_in_the_message():
    schema = (FORMS_DIR / "adult-referral-form.json").read_text()
    data = form_payload("adult-referral-form.json", PEOPLE[0], Random(3))
    for field, value in (("nationality", ["NG"] * 100_000), ("family_name", {"a": "b" * 100})):
        with pytest.raises(FormValidationError) as refused:
            validate_form_data("adult-referral-form.json", schema, data | {field: value})
        for error in refused.value.errors:
            assert error.field == field and error.message.startswith("the value is not ")
        assert len(str(refused.value)) < 200


def test_data_that_looks_like_choices_is_not_touched():
    looks_alike = {"oneOf": [{"const": "a"}, {"const": "b"}]}
    schema = {
        "type": "object",
        "properties": {
            "x": {"const": looks_alike},
            "y": {"enum": [looks_alike]},
            "z": {"default": looks_alike},
        },
    }
    assert choices_as_enums(schema) == schema
    assert _verdicts(choices_as_enums(schema), {"x": looks_alike, "y": looks_alike}) == []


def test_a_schema_that_refers_into_a_choice_list_is_left_as_it_is():
    schema = {
        "type": "object",
        "properties": {"x": {"oneOf": CHOICES}, "y": {"$ref": "#/properties/x/oneOf/0"}},
    }
    assert choices_as_enums(schema) == schema
    assert _verdicts(choices_as_enums(schema), {"x": "yes", "y": "yes"}) == []
