"""Small template helpers shared by the pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask

from engine.working_days import LONDON


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


def due_state(due: datetime | None, now: datetime) -> str:
    """`overdue`, `soon` (within two days) or empty."""
    if due is None:
        return ""
    if due < now:
        return "overdue"
    return "soon" if due - now < timedelta(days=2) else ""


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(error_list=error_list, due_state=due_state)
    app.jinja_env.filters["london"] = london
