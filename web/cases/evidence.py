"""/cases/<key>/evidence and /notes: adding evidence files and notes to a case, and downloading a
file. The engine decides who may (and audits refusals) and what a file is, by its content."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

from engine import EvidenceRefused
from web.engine_access import actor, engine
from web.security import same_site_path

evidence = Blueprint("evidence", __name__)
FORM_OVERHEAD = 1024 * 1024  # the description, the CSRF token and the multipart framing
SANDBOX = "sandbox; default-src 'none'"  # a downloaded file is never a page of ours: no scripts


def _max_bytes() -> int:
    return engine().config.evidence_max_bytes


def _max_mb() -> int:
    return _max_bytes() // (1024 * 1024)


def init_evidence_upload_limit(app: Flask) -> None:
    """An evidence file may be larger than other forms: set before Flask-WTF (an app-wide hook,
    which runs before a blueprint's) reads the form for its CSRF check."""

    @app.before_request
    def _larger_uploads() -> None:
        if request.blueprint == "evidence":
            request.max_content_length = _max_bytes() + FORM_OVERHEAD

    @app.context_processor
    def _limit_for_templates() -> dict:
        return {"evidence_max_mb": _max_mb()}


@evidence.errorhandler(413)
def _too_large(_error):
    """A post far over the limit is cut off before the engine sees it: say so in the same words.
    The form cannot be read now, so the way back is the page the browser came from."""
    came_from = urlsplit(request.referrer or "")
    back = came_from.path if came_from.netloc == request.host and same_site_path(came_from.path) else "/"
    return _problem("file", f"The selected file must be smaller than {_max_mb()}MB", 413, back)


def _back(key: str) -> str:
    back = request.form.get("back", "")
    return back if same_site_path(back) else url_for("cases.case", key=key)


def _problem(field: str, message: str, status: int = 400, back: str | None = None):
    """The form's error on a page of its own, with a link back to the page the form was on."""
    key = request.view_args.get("key", "") if request.view_args else ""
    return render_template(
        "cases/information_error.html",
        field=field,
        message=message,
        key=key,
        back=back or _back(key),
        note=_typed("note"),  # what was typed, to correct rather than retype
        description=_typed("description"),
    ), status


def _typed(name: str) -> str:
    """A field as posted, or nothing when the post was too large to read (its 413 page)."""
    try:
        return request.form.get(name, "")
    except RequestEntityTooLarge:
        return ""


@evidence.post("/cases/<key>/evidence")
@login_required
def add_evidence(key: str):
    upload = request.files.get("file")
    name, content = (upload.filename or "", upload.read()) if upload is not None else ("", b"")
    try:
        engine().add_evidence(key, name, content, request.form.get("description", ""), actor())
    except EvidenceRefused as refused:
        return _problem(refused.field, str(refused))
    flash("File uploaded", "success")
    return redirect(_back(key)), 303


@evidence.post("/cases/<key>/notes")
@login_required
def add_note(key: str):
    try:
        engine().add_note(key, request.form.get("note", ""), actor())
    except EvidenceRefused as refused:
        return _problem(refused.field, str(refused))
    flash("Note added", "success")
    return redirect(_back(key)), 303


@evidence.get("/cases/<key>/evidence/<int:evidence_id>")
@login_required
def download(key: str, evidence_id: int):
    found = engine().evidence_file(key, evidence_id, actor())
    if found.media_type.startswith("text/html"):  # never: the engine keeps no markup
        abort(404)
    response = Response(found.content, mimetype=found.media_type)
    response.headers["Content-Disposition"] = _attachment(found.download_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = SANDBOX
    return response


def _attachment(name: str) -> str:
    """`attachment` with the name (sanitised by the engine to letters, digits, ` ._-`)."""
    return f'attachment; filename="{name}"'
