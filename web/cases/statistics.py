"""/statistics: the NRM figures as charts and tables, each downloadable as CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from engine import now
from web.csv_export import csv_response
from web.engine_access import actor, engine

statistics = Blueprint("statistics", __name__)


def _month(raw: str | None, errors: dict[str, str], name: str) -> date | None:
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        errors[name] = "Enter a month like 2026-03"
        return None


def _period() -> tuple[datetime, datetime, dict[str, str], str, str]:
    """[since, until) from the `from` and `to` months (default: the last 12 months)."""
    errors: dict[str, str] = {}
    today = now().date()
    first = _month(request.args.get("from"), errors, "from")
    last = _month(request.args.get("to"), errors, "to")
    last = last or today.replace(day=1)
    first = first or date(last.year - (last.month < 12), last.month % 12 + 1, 1)  # 12 months to `last`
    if first > last:
        errors["to"] = "The last month must be on or after the first"
        first = last
    following = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    since = datetime(first.year, first.month, 1, tzinfo=UTC)
    until = datetime(following.year, following.month, 1, tzinfo=UTC)
    return since, until, errors, f"{first:%Y-%m}", f"{last:%Y-%m}"


def _figures():
    since, until, errors, first, last = _period()
    found, counted = engine().statistics(actor(), since, until, fresh=request.args.get("fresh") == "yes")
    return found, counted, errors, first, last


@statistics.get("/statistics")
@login_required
def index():
    found, counted, errors, first, last = _figures()
    charts = [
        {"key": f.key, "title": f.title, "columns": f.columns, "rows": f.rows, "kind": f.chart}
        for f in found
        if f.chart != "none" and f.rows
    ]
    return render_template(
        "cases/statistics.html",
        figures=found,
        charts=charts,
        errors=errors,
        first=first,
        last=last,
        period=f"{_month_words(first)} to {_month_words(last)}",
        counted=counted,
    )


def _month_words(month: str) -> str:
    """`2026-03` as people write it: `March 2026`."""
    return f"{datetime.strptime(month, '%Y-%m'):%B %Y}"


@statistics.get("/statistics/<key>.csv")
@login_required
def figure_csv(key: str):
    found, _counted, _errors, first, last = _figures()
    figure = next((f for f in found if f.key == key), None)
    if figure is None:
        abort(404)
    return csv_response(figure.columns, figure.rows, f"nrm-{key}-{first}-to-{last}.csv")
