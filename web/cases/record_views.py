"""/record-views: managers' report of people who opened many cases outside their own work."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_login import login_required

from engine import now
from web.engine_access import actor, engine

record_views = Blueprint("record_views", __name__)
PERIODS = {"7": "the last 7 days", "30": "the last 30 days", "90": "the last 90 days", "365": "the last year"}
DEFAULT_PERIOD, DEFAULT_THRESHOLD, MOST_CASES = "30", 10, 1000
THRESHOLD_ERROR = f"Number of cases must be a whole number between 1 and {MOST_CASES}"


@record_views.get("/record-views")
@login_required
def report():
    errors: dict[str, str] = {}
    period = request.args.get("period", DEFAULT_PERIOD)
    if period not in PERIODS:
        errors["period"] = "Select a period"
        period = DEFAULT_PERIOD
    raw = request.args.get("threshold", "").strip() or str(DEFAULT_THRESHOLD)
    threshold = int(raw) if raw.isdigit() else 0
    if not 1 <= threshold <= MOST_CASES:
        errors["threshold"] = THRESHOLD_ERROR
        threshold = DEFAULT_THRESHOLD
    until = now()
    since = until - timedelta(days=int(period))
    people = engine().looks_outside_work(actor(), since, until, threshold=threshold)
    return render_template(
        "cases/record_views_report.html",
        people=people,
        names=engine().person_names({p.username for p in people}),
        periods=PERIODS,
        period=period,
        period_items=[
            {"value": value, "text": words[:1].upper() + words[1:], "selected": value == period}
            for value, words in PERIODS.items()
        ],
        threshold=raw if "threshold" in errors else threshold,
        errors=errors,
        since=since,
        until=until,
    ), (400 if errors else 200)
