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
from engine.errors import FieldError
from engine.spec.forms import validate_form_data
from web.cli.demo_data import PEOPLE, form_payload
from web.form_fields import date_field_names, error_messages, fields_for, parse_submission, values_for

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
    assert messages["date_of_birth"] == "Date of birth must be a real date"  # GOV.UK's wording
    shown = values_for(parse_submission(schema, posted))  # the page shows the boxes as typed
    assert (shown["date_of_birth-day"], shown["date_of_birth-month"], shown["date_of_birth-year"]) == (
        "31",
        "2",
        "1990",
    )


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


def _messages_for(
    form: str, posted_changes: dict[str, list[str]], data: dict | None = None
) -> dict[str, str]:
    """The page's messages when the demo answers are posted with some boxes changed."""
    schema = _schema(next(p for p in FORMS if p.name == form))
    posted = _posted(schema, form_payload(form, ADULT) if data is None else data)
    for name, values in posted_changes.items():
        posted.setlist(name, values)
    with pytest.raises(FormValidationError) as refused:
        validate_form_data(form, json.dumps(schema), parse_submission(schema, posted))
    return error_messages(schema, refused.value.errors)


def _day(name: str, day: str, month: str, year: str) -> dict[str, list[str]]:
    return {f"{name}-day": [day], f"{name}-month": [month], f"{name}-year": [year]}


@pytest.mark.parametrize("form", ["adult-referral-form.json", "child-referral-form.json"])
def test_a_date_of_birth_in_the_future_is_refused(moving_clock, form):
    messages = _messages_for(form, _day("date_of_birth", "3", "3", "2026"))  # the clock: 2 March 2026
    assert messages["date_of_birth"] == "Date of birth must be in the past"


def test_a_consent_date_in_the_future_is_refused(moving_clock):
    messages = _messages_for(
        "adult-consent.json", _day("consent_signed_date", "3", "3", "2026"), {"consent_given": True}
    )
    assert messages == {
        "consent_signed_date": "The date the consent form was signed must be today or in the past"
    }


def test_a_date_with_a_box_left_empty_says_which(moving_clock):
    messages = _messages_for("adult-referral-form.json", _day("date_of_birth", "3", "", "1990"))
    assert messages["date_of_birth"] == "Date of birth must include a month"
    messages = _messages_for("adult-referral-form.json", _day("date_of_birth", "", "", "1990"))
    assert messages["date_of_birth"] == "Date of birth must include a day and month"


def test_an_age_that_does_not_match_the_date_of_birth_is_named_on_the_age(moving_clock):
    born = _day("date_of_birth", "3", "3", "1990")  # 35 on 2 March 2026
    messages = _messages_for("adult-referral-form.json", {**born, "age": ["36"]})
    assert messages == {"age": "Age must match the date of birth"}
    schema = _schema(next(p for p in FORMS if p.name == "adult-referral-form.json"))
    posted = _posted(schema, form_payload("adult-referral-form.json", ADULT))
    for name, values in {**born, "age": ["35"]}.items():
        posted.setlist(name, values)
    validate_form_data("adult-referral-form.json", json.dumps(schema), parse_submission(schema, posted))


def test_a_repeated_other_name_is_named_plainly():
    messages = _messages_for("adult-referral-form.json", {"aliases": ["Lan\nMai\nLan\nLan"]})
    assert messages == {"aliases": "Other names must not repeat a name: Lan"}


def test_a_long_other_name_gets_the_items_limit():
    messages = _messages_for("adult-referral-form.json", {"aliases": ["Lan\n" + "x" * 201]})
    assert messages == {"aliases": "Each other name must be 200 characters or fewer"}


def test_the_error_summary_follows_the_page_order():
    schema = _schema(next(p for p in FORMS if p.name == "child-referral-form.json"))
    posted = MultiDict({"accompanied": "true", "aliases": "Lan\nLan", "age": "200", "given_names": "x" * 300})
    with pytest.raises(FormValidationError) as refused:
        validate_form_data("child-referral-form.json", json.dumps(schema), parse_submission(schema, posted))
    messages = error_messages(schema, refused.value.errors)
    page = _every_name(fields_for(schema))  # revealed fields right after their question
    assert list(messages) == sorted(messages, key=page.index)
    assert list(messages)[:4] == [  # names may be left blank when not known: only the too long one
        "first_responder_name",
        "first_responder_email",
        "given_names",
        "aliases",
    ]
    order = list(messages)  # revealed under "Yes" to "accompanied", before the questions after it
    assert (
        order.index("interpreter_needed")
        < order.index("accompanying_adult_details")
        < order.index("exploitation_types")
    )


CHOICE_KINDS = ("radios", "select", "yes-no", "checkboxes")
NOT_A_VERB = ("is", "are", "does", "do", "has", "have", "was", "were", "did", "can", "should", "will", "ask")


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.stem)
def test_every_choice_question_is_asked_for_in_plain_words(path):
    schema = _schema(path)
    for one, _ in _every_field(fields_for(schema)):
        if one.kind not in CHOICE_KINDS:
            continue
        error = FieldError(one.name, f"'{one.name}' is a required property", "required")
        message = error_messages(schema, [error])[one.name]
        words = message.rstrip(".").split()
        assert words[0] == "Select" and words[1].lower() not in NOT_A_VERB, message
        assert "?" not in message and "_" not in message, message  # no question mark, no field id
        assert message[0].isupper() and not message.endswith("."), message


def _every_field(fields):
    for one in fields:
        yield one, None
        for children in one.children.values():
            yield from _every_field(children)


REPR_LIKE = ("'", "[", "]", "{", "}", "None", "True", "False", "jsonschema", "is not valid under")


@pytest.mark.parametrize(
    ("spec", "value", "expected"),
    [
        ({"type": "string", "maxLength": 3}, "abcd", "Answer must be 3 characters or fewer"),
        ({"type": "string", "minLength": 2}, "a", "Answer must be 2 characters or more"),
        ({"type": "string", "pattern": "^[A-Z]+$"}, "abc", "Enter answer in the correct format"),
        ({"type": "string", "format": "email"}, "x", "Enter an email address in the correct format"),
        ({"type": "string", "enum": ["a", "b"]}, "c", "Select answer from the list"),
        ({"type": "integer", "minimum": 2}, 1, "Answer must be 2 or more"),
        ({"type": "integer", "maximum": 2}, 3, "Answer must be 2 or less"),
        ({"type": "integer", "minimum": 1, "maximum": 2}, 3, "Answer must be a whole number between 1 and 2"),
        (
            {"type": "array", "items": {"type": "string"}, "maxItems": 1},
            ["a", "b"],
            "Enter no more than 1 for answer",
        ),
        ({"type": "array", "items": {"type": "string"}, "minItems": 2}, ["a"], "Enter at least 2 for answer"),
        (
            {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            ["a", "a"],
            "must not repeat an entry: a",
        ),
        (
            {"type": "array", "items": {"type": "string", "maxLength": 1}},
            ["ab"],
            "Each entry must be 1 characters",
        ),
        (
            {"type": "string", "format": "date", "x-when": "future"},
            "2000-01-01",
            "Answer must be in the future",
        ),
    ],
)
def test_every_keyword_has_a_plain_message(moving_clock, spec, value, expected):
    schema = {"type": "object", "properties": {"answer": {"title": "Answer", **spec}}}
    with pytest.raises(FormValidationError) as refused:
        validate_form_data("test.json", json.dumps(schema), {"answer": value})
    message = error_messages(schema, refused.value.errors)["answer"]
    assert expected in message and not any(bit in message for bit in REPR_LIKE), message
