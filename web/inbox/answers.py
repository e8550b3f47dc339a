"""A task's answers before they are sent: kept as the person's draft, checked on a "Check your
answers" page, the person's own answers (`x-from-user`) filled in rather than asked.

The engine keeps drafts per task and person (engine `save_draft`, `draft_for`); this module turns
them into what the pages show."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import url_for

from engine import EngineError, answer_in_words, answers_from_user
from web.engine_access import actor, engine
from web.form_fields import Field, fields_for


def own_answers(schema: dict) -> dict[str, str]:
    """The answers this form takes from the signed-in person (e.g. their agency), not asked."""
    return answers_from_user(schema, actor())


def asked_fields(schema: dict) -> list[Field]:
    """The form's fields, less those answered from the person (see `own_answers`)."""
    own = own_answers(schema)
    return [one for one in fields_for(schema) if one.name not in own]


def own_rows(schema: dict) -> list[tuple[str, str]]:
    """(question, answer in words) for each answer taken from the person, to show as text."""
    properties = schema.get("properties", {})
    return [
        (str(properties[name].get("title", name)), answer_in_words(properties[name], value))
        for name, value in own_answers(schema).items()
    ]


def _in_page_order(fields: list[Field], answers: dict[str, Any]) -> list[Field]:
    """The fields answered, in page order, revealed ones after the option that reveals them."""
    found = []
    for one in fields:
        if one.name not in answers:
            continue
        found.append(one)
        chosen = answers[one.name]
        option = ("true" if chosen else "false") if isinstance(chosen, bool) else str(chosen)
        found += _in_page_order(one.children.get(option, []), answers)
    return found


def _anchor(one: Field) -> str:
    """The id of the first input of a field, for a "Change" link to land on it."""
    return f"{one.name}-day" if one.kind == "date" else one.name


def summary_rows(schema: dict, answers: dict[str, Any], task_id: str) -> list[dict]:
    """A GOV.UK summary list of the answers: the question, the answer in words, and a "Change" link
    back to the form at that question (answers taken from the person have none)."""
    own = own_answers(schema)
    properties = schema.get("properties", {})
    rows = [
        {"key": {"text": title}, "value": {"text": words}, "actions": {"items": []}}
        for title, words in own_rows(schema)
    ]
    for one in _in_page_order(asked_fields(schema), answers):
        if one.name in own:
            continue
        change = url_for("inbox.task", task_id=task_id, change=one.name, _anchor=_anchor(one))
        rows.append(
            {
                "key": {"text": one.label},
                "value": {"text": answer_in_words(properties.get(one.name, {}), answers[one.name])},
                "actions": {
                    "items": [{"href": change, "text": "Change", "visuallyHiddenText": one.label.lower()}]
                },
            }
        )
    return rows


def keep_as_draft(task_id: str, data: dict[str, Any]) -> bool:
    """Keep answers that could not be sent as the person's draft, if the task is still there to
    come back to (True if kept)."""
    try:
        engine().save_task_draft(task_id, data, actor())
    except EngineError:  # gone, refused (audited), or too long to keep (DraftTooLong): not kept
        return False
    return True


def answers_version(answers: dict[str, Any]) -> str:
    """A short fingerprint of a draft's answers: the check page sends it back, so answers changed
    after they were shown (in another window) are not sent unchecked. (Not the draft's time: two
    saves in one second would look the same.)"""
    text = json.dumps(answers, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]
