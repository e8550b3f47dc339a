"""Fill a task's GOV.UK form in the browser the way a person would, from answers as data.

Driven by the same JSON Schema the page is rendered from (web.form_fields), so every form in
bpmn/forms can be filled without a hand-written script per form."""

from __future__ import annotations

from typing import Any

from web.form_fields import Field, fields_for


def _fill_one(page, one: Field, value: Any) -> None:
    if one.kind == "date":
        year, month, day = str(value).split("-")
        page.fill(f"#{one.name}-day", day.lstrip("0"))
        page.fill(f"#{one.name}-month", month.lstrip("0"))
        page.fill(f"#{one.name}-year", year)
    elif one.kind == "yes-no":
        page.check(f"input[name={one.name}][value={'true' if value else 'false'}]")
    elif one.kind == "radios":
        page.check(f"input[name={one.name}][value='{value}']")
    elif one.kind == "select":
        page.select_option(f"#{one.name}", str(value))
    elif one.kind == "checkboxes":
        for item in value:
            page.check(f"input[name={one.name}][value='{item}']")
    elif one.kind == "lines":
        page.fill(f"#{one.name}", "\n".join(map(str, value)))
    else:
        page.fill(f"#{one.name}", str(value))


def _fill(page, fields: list[Field], data: dict[str, Any]) -> None:
    for one in fields:
        if one.name not in data:
            continue
        if page.locator(f"[name='{one.name}'], [name='{one.name}-day']").count() == 0:
            continue  # not asked: an answer taken from the person (x-from-user), e.g. their agency
        _fill_one(page, one, data[one.name])
        chosen = data[one.name]
        option = ("true" if chosen else "false") if isinstance(chosen, bool) else str(chosen)
        _fill(page, one.children.get(option, []), data)  # revealed under the chosen option


def fill_form(page, schema: dict, data: dict[str, Any]) -> None:
    """Answer every field in `data`; questions revealed by an answer are answered after it."""
    _fill(page, fields_for(schema), data)


def answer_adult_referral(page, account: str) -> None:
    """The adult referral form as a police officer answers it by hand: Adaeze Okafor, 24, from
    Nigeria, speaking Igbo and English with an interpreter, exploited for labour; `account`, what
    happened."""
    page.fill("#first_responder_name", "Priya Shah")
    page.fill("#first_responder_email", "priya.shah@example.org")
    page.fill("#given_names", "Adaeze")
    page.fill("#family_name", "Okafor")
    page.fill("#age", "24")
    page.check("input[name=sex][value=female]")
    page.select_option("#nationality", "NG")
    page.fill("#languages", "Igbo\nEnglish")
    page.check("#interpreter_needed")
    page.check("input[name=exploitation_types][value=labour]")
    page.check("input[name=exploitation_location][value=uk]")
    page.check("input[name=indicators][value=debt_bondage]")
    page.fill("#narrative", account)
    page.check("#support_needed")
    page.check("#accommodation_needed")
    page.check("input[name=immigration_status][value=not_known]")
    page.check("input[name=referral_region][value=england-and-wales]")
