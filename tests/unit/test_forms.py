"""Form validation: labelled choices are checked as enums, with exactly the same verdicts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import pytest
from jsonschema import Draft202012Validator

from engine.errors import FormValidationError
from engine.spec.forms import check_form_schema, choices_as_enums, validate_form_data
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


def _refusals(form: str, data: dict) -> list:
    schema = (FORMS_DIR / form).read_text()
    with pytest.raises(FormValidationError) as refused:
        validate_form_data(form, schema, data)
    return refused.value.errors


def _referral(**answers) -> dict:
    return {**form_payload("adult-referral-form.json", PEOPLE[0], Random(3)), **answers}


def test_a_date_of_birth_must_be_in_the_past_by_the_engines_clock(moving_clock):
    # the clock stands at 2 March 2026: today and tomorrow are not in the past, yesterday is
    for day in ("2026-03-02", "2026-03-03", "2099-01-01"):
        errors = _refusals("adult-referral-form.json", _referral(date_of_birth=day))
        [error] = [e for e in errors if e.field == "date_of_birth"]  # (today: the age does not match either)
        assert (error.field, error.keyword, error.message) == (
            "date_of_birth",
            "x-when",
            "must be in the past",
        )
    validate_form_data(
        "adult-referral-form.json",
        (FORMS_DIR / "adult-referral-form.json").read_text(),
        _referral(date_of_birth="1990-03-01", age=36),
    )
    moving_clock.move(timedelta(days=2))  # time moves through the engine's clock, not the system's
    child = {
        **form_payload("child-referral-form.json", PEOPLE[0], Random(3)),
        "date_of_birth": "2026-03-03",
        "age": 0,
    }
    validate_form_data(
        "child-referral-form.json", (FORMS_DIR / "child-referral-form.json").read_text(), child
    )


def test_a_consent_date_may_be_today_but_not_tomorrow(moving_clock):
    schema = (FORMS_DIR / "adult-consent.json").read_text()
    validate_form_data(
        "adult-consent.json", schema, {"consent_given": True, "consent_signed_date": "2026-03-02"}
    )
    [error] = _refusals("adult-consent.json", {"consent_given": True, "consent_signed_date": "2026-03-03"})
    assert (error.field, error.message) == ("consent_signed_date", "must be today or in the past")


def test_today_is_the_london_date(moving_clock):
    moving_clock.set(datetime(2026, 6, 1, 23, 30, tzinfo=UTC))  # 00:30 on 2 June in London (BST)
    schema = (FORMS_DIR / "adult-consent.json").read_text()
    validate_form_data(
        "adult-consent.json", schema, {"consent_given": True, "consent_signed_date": "2026-06-02"}
    )


@pytest.mark.parametrize("form", ["adult-referral-form.json", "child-referral-form.json"])
def test_age_must_match_the_date_of_birth_on_the_referral_date(moving_clock, form):
    base = form_payload(form, PEOPLE[0], Random(3))
    born = "2008-03-03" if form.startswith("child") else "1990-03-03"  # the birthday is tomorrow
    years = 17 if form.startswith("child") else 35
    validate_form_data(form, (FORMS_DIR / form).read_text(), {**base, "date_of_birth": born, "age": years})
    [error] = _refusals(form, {**base, "date_of_birth": born, "age": years + 1})
    assert (error.field, error.keyword) == ("age", "x-age-matches")
    moving_clock.move(timedelta(days=1))  # the birthday: now the other age matches
    validate_form_data(
        form, (FORMS_DIR / form).read_text(), {**base, "date_of_birth": born, "age": years + 1}
    )


def test_a_repeated_item_is_named_plainly_without_the_list():
    [error] = _refusals("adult-referral-form.json", _referral(aliases=["Lan", "Mai", "Lan", "Lan"]))
    assert (error.field, error.keyword, error.detail) == ("aliases", "uniqueItems", "Lan")
    assert error.message == "must not repeat an item: Lan"


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"x-when": "yesterday"}, '"x-when" must be one of'),
        ({"x-when": "past", "format": "email"}, '"x-when" is for a date'),
        ({"x-messages": {"title": "x"}}, '"x-messages" takes only'),
        ({"x-messages": {"required": ""}}, "must be some text"),
    ],
)
def test_the_forms_own_keywords_are_checked_at_deploy(change, complaint):
    schema = {"type": "object", "properties": {"day": {"type": "string", "format": "date", **change}}}
    with pytest.raises(ValueError, match=complaint):
        check_form_schema(json.dumps(schema).encode())


@pytest.mark.parametrize(
    "pair",
    [{"age": "age"}, {"age": "day", "date_of_birth": "day"}, {"age": "age", "date_of_birth": "age"}, "age"],
)
def test_the_age_check_must_name_an_age_and_a_date(pair):
    schema = {
        "type": "object",
        "properties": {"age": {"type": "integer"}, "day": {"type": "string", "format": "date"}},
        "x-age-matches": pair,
    }
    with pytest.raises(ValueError, match="x-age-matches"):
        check_form_schema(json.dumps(schema).encode())


def test_every_deployed_form_passes_its_checks():
    for path in FORMS_DIR.glob("*.json"):
        check_form_schema(path.read_bytes())
