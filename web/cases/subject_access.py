"""/cases/<key>/subject-access: a manager answers a subject access request. A page first says what
the archive holds and that the export is recorded; its button downloads the archive. The engine
refuses (and audits) everyone else, whatever the reference."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import login_required

from web.engine_access import actor, engine

subject_access = Blueprint("subject_access", __name__)
ARCHIVE = "application/zip"


@subject_access.get("/cases/<key>/subject-access")
@login_required
def confirm(key: str):
    engine().check_person_export(key, actor())
    return render_template("cases/subject_access.html", key=key)


@subject_access.post("/cases/<key>/subject-access")
@login_required
def download(key: str):
    name, archive = engine().export_person(key, actor())
    response = Response(archive, mimetype=ARCHIVE)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'  # letters, digits, -
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
