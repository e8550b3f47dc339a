"""/cases/find-by-name: a manager finds cases by the person's name, through the engine's blind
index. The name is sent in the form's body (POST), never in the address, so it is in no URL, no
browser history and no access log; the results page does not repeat it. Everyone else is refused
by the engine, with an audit row."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from web.engine_access import actor, engine

name_search = Blueprint("name_search", __name__)
MOST_CHARACTERS = 200
EMPTY = "Enter a name"
TOO_LONG = f"Name must be {MOST_CHARACTERS} characters or fewer"


@name_search.get("/cases/find-by-name")
@login_required
def ask():
    engine().find_cases_by_name("", actor())  # refuses anyone but a manager
    return render_template("cases/name_search.html", rows=None, errors={})


@name_search.post("/cases/find-by-name")
@login_required
def find():
    name = request.form.get("name", "").strip()
    rows = engine().find_cases_by_name(name[:MOST_CHARACTERS], actor())
    errors = {}
    if not name:
        errors["name"] = EMPTY
    elif len(name) > MOST_CHARACTERS:
        errors["name"] = TOO_LONG
    if errors:
        return render_template("cases/name_search.html", rows=None, errors=errors), 400
    return render_template("cases/name_search.html", rows=rows, errors={})
