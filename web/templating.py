"""Small template helpers shared by the pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, g
from markupsafe import Markup

from engine import (
    FORMER_USER,
    LONDON,
    CaseFileSection,
    has_referrals_page,
    has_task_list,
    is_manager,
    may_view_cases,
)
from web.engine_access import engine


def error_list(errors: dict[str, str], date_fields: frozenset[str] = frozenset()) -> list[dict[str, str]]:
    """GOV.UK error summary items, each linking to its field (a date links to its day box)."""
    return [
        {"text": message, "href": f"#{name}-day" if name in date_fields else f"#{name}"}
        for name, message in errors.items()
    ]


def london(moment: datetime | None, with_time: bool = False) -> str:
    """A date (and time) as caseworkers read it: London time, `2 April 2026`."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    text = f"{local.day} {local:%B %Y}"
    return f"{text} at {local:%H:%M}" if with_time else text


def london_short(moment: datetime | None) -> str:
    """A date for a table column: `2 Apr 2026`."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%b %Y}"


def due_state(due: datetime | None, now: datetime) -> str:
    """`overdue`, `soon` (within two days) or empty."""
    if due is None:
        return ""
    if due < now:
        return "overdue"
    return "soon" if due - now < timedelta(days=2) else ""


def humanize(name: str) -> str:
    """A code in words: `not_known` -> `Not known`; the rest as written (`UKBA` stays)."""
    text = str(name).replace("_", " ")
    return text[:1].upper() + text[1:]


def pair(value: str, names: dict[str, str]) -> dict[str, str]:
    """A select option: the value, shown by its name when there is one."""
    return {"value": value, "text": names.get(value, humanize(value))}


def steps_by_id(steps: list[tuple[str, str, int]]) -> dict[str, str]:
    return {element_id: f"{name} ({count})" for element_id, name, count in steps}


SYSTEM_NAME = "The system"
SYSTEM_ACTORS = frozenset({"system", "cli"})  # the timers and scheduler; the command line


def person(username: str | None, names: dict[str, str] | None = None) -> str:
    """The name people read for `username`: its display name (from `names`, else looked up once
    a request), never the username itself; the system's own work is "The system", and anyone
    else (a user since removed) "A former user"."""
    if not username:
        return "Nobody"
    if names is None:
        names = g.setdefault("person_names", {})
        if username not in names:
            names.update(engine().person_names({username}))
    if username in names:
        return names[username]
    return SYSTEM_NAME if username in SYSTEM_ACTORS else FORMER_USER


def case_file_rows(section: CaseFileSection) -> list[dict]:
    """A case file section as summary-list rows; values keep their line breaks (app.css). The value
    is its own element, so that the macro's indentation inside the cell is not kept as a line."""
    return [
        {
            "key": {"text": row.label},
            "value": {"html": Markup('<span class="nrm-case-file__value">{}</span>').format(row.value)},
        }
        for row in section.rows
    ]


def file_size(size: int) -> str:
    """A file's size in words: `640 bytes`, `12 KB`, `1.2 MB`."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        error_list=error_list,
        due_state=due_state,
        # the access rules the pages ask (engine/access/rules.py), never a group name
        may_view_cases=may_view_cases,
        has_manager_pages=is_manager,  # the managers' own pages (the record views report)
        has_referrals_page=has_referrals_page,
        has_task_list=has_task_list,
    )
    app.jinja_env.filters.update(
        london=london,
        london_short=london_short,
        pair=pair,
        steps_by_id=steps_by_id,
        person=person,
        case_file_rows=case_file_rows,
        humanize=humanize,
        file_size=file_size,
    )
