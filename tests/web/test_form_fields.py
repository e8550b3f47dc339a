"""Every task form, driven by its JSON Schema: rendered with every field, answers round-trip through
the page, and each kind of invalid answer is refused naming the field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from engine import FormValidationError
from engine.spec.forms import validate_form_data
from web.cli.demo_data import PEOPLE, form_payload
from web.form_fields import date_field_names, error_messages, fields_for, parse_submission

FORMS = sorted((Path(__file__).resolve().parents[2] / "bpmn" / "forms").glob("*.json"))
ADULT = PEOPLE[0]


def _schema(path: Path) -> dict:
    return json.loads(path.read_text())


def _posted(schema: dict, data: dict) -> MultiDict:
    """What a browser posts for `data` (the reverse of parse_submission)."""
    kinds = {}

    def collect(fields):
        for one in fields:
            kinds[one.name] = one.kind
            for children in one.children.values():
                collect(children)

    collect(fields_for(schema))
    posted = MultiDict()
    for name, value in data.items():
        kind = kinds[name]
        if kind == "yes-no":
            posted.add(name, "true" if value else "false")
        elif kind == "date":
            day = date.fromisoformat(value)
            posted.add(f"{name}-day", str(day.day))
            posted.add(f"{name}-month", str(day.month))
            posted.add(f"{name}-year", str(day.year))
        elif kind == "checkboxes":
            for item in value:
                posted.add(name, item)
        elif kind == "lines":
            posted.add(name, "\n".join(value))
        else:
            posted.add(name, str(value))
    return posted


def _every_name(fields) -> list[str]:
    names = []
    for one in fields:
        names.append(one.name)
        for children in one.children.values():
            names += _every_name(children)
    return names


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.stem)
def test_every_property_is_a_field_once(path):
    schema = _schema(path)
    assert sorted(_every_name(fields_for(schema))) == sorted(schema["properties"])


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.stem)
def test_every_field_is_rendered_with_its_label(app, path):
    schema = _schema(path)
    fields = fields_for(schema)
    with app.test_request_context():
        html = render_template_string(
            '{% from "forms/fields.html" import form_fields %}{{ form_fields(fields, {}, {}) }}',
            fields=fields,
        )
    for name, spec in schema["properties"].items():
        assert spec["title"].replace("'", "&#39;") in html, name
        assert f'name="{name}' in html, name


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.stem)
def test_answers_round_trip_through_the_page_and_validate(path):
    schema = _schema(path)
    data = form_payload(path.name, ADULT)
    parsed = parse_submission(schema, _posted(schema, data))
    assert parsed == data
    validate_form_data(path.name, json.dumps(schema), parsed)


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.stem)
def test_each_missing_required_answer_is_named(path):
    schema = _schema(path)
    data = form_payload(path.name, ADULT)
    for name in schema.get("required", []):
        spec = schema["properties"][name]
        if spec.get("type") == "array" and not spec.get("minItems"):
            continue  # ticking nothing is a valid answer here: an empty list
        incomplete = {k: v for k, v in data.items() if k != name}
        with pytest.raises(FormValidationError) as refused:
            validate_form_data(
                path.name, json.dumps(schema), parse_submission(schema, _posted(schema, incomplete))
            )
        assert name in {e.field for e in refused.value.errors}
        message = error_messages(schema, refused.value.errors)[name]
        assert message.startswith(("Enter", "Select")), message


def test_a_conditional_answer_is_dropped_when_its_option_is_not_chosen():
    schema = _schema(next(p for p in FORMS if p.name == "adult-consent.json"))
    posted = MultiDict(
        {
            "consent_given": "false",
            "no_consent_reason": "Afraid",
            "consent_signed_date-day": "4",
            "consent_signed_date-month": "3",
            "consent_signed_date-year": "2013",
        }
    )
    assert parse_submission(schema, posted) == {"consent_given": False, "no_consent_reason": "Afraid"}


def test_an_impossible_date_and_a_word_for_a_number_are_named():
    schema = _schema(next(p for p in FORMS if p.name == "adult-referral-form.json"))
    data = form_payload("adult-referral-form.json", ADULT)
    posted = _posted(schema, data)
    posted.setlist("age", ["twenty"])
    posted.setlist("date_of_birth-day", ["31"])
    posted.setlist("date_of_birth-month", ["2"])
    posted.setlist("date_of_birth-year", ["1990"])
    with pytest.raises(FormValidationError) as refused:
        validate_form_data("adult-referral-form.json", json.dumps(schema), parse_submission(schema, posted))
    messages = error_messages(schema, refused.value.errors)
    assert set(messages) == {"age", "date_of_birth"}
    assert messages["date_of_birth"].startswith("Enter a real date")


def test_answers_are_escaped_on_the_page(app):
    schema = _schema(next(p for p in FORMS if p.name == "child-local-authority.json"))
    with app.test_request_context():
        html = render_template_string(
            '{% from "forms/fields.html" import form_fields %}{{ form_fields(fields, values, {}) }}',
            fields=fields_for(schema),
            values={"local_authority_name": "<script>alert(1)</script>"},
        )
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_a_revealed_date_is_listed_for_the_error_summary_link():
    schema = _schema(next(p for p in FORMS if p.name == "adult-consent.json"))
    assert date_field_names(fields_for(schema)) == ["consent_signed_date"]


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.stem)
def test_too_long_text_and_bad_email_are_named_in_plain_words(path):
    schema = _schema(path)
    data = form_payload(path.name, ADULT)
    kinds = {one.name: one.kind for one in fields_for(schema)}  # top-level: always shown
    checked = 0
    for name, spec in schema.get("properties", {}).items():
        if name not in kinds or spec.get("type") != "string" or "oneOf" in spec or "enum" in spec:
            continue
        if kinds[name] == "email":
            bad, expected = "priya at example", "Enter an email address in the correct format"
        elif "maxLength" in spec and kinds[name] in ("text", "textarea"):
            bad, expected = "x" * (spec["maxLength"] + 1), f"{spec['maxLength']} characters or fewer"
        else:
            continue
        with pytest.raises(FormValidationError) as refused:
            validate_form_data(path.name, json.dumps(schema), {**data, name: bad})
        message = error_messages(schema, refused.value.errors)[name]
        assert expected in message and "jsonschema" not in message and "'" not in message, message
        checked += 1
    if not checked:
        pytest.skip(f"{path.name} has no always-shown length-limited or email text field")
