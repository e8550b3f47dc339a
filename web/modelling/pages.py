"""/models: deployed versions (files, diff, moving cases) and process owners' drafts."""

from __future__ import annotations

import io
import zipfile

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required

from engine import (
    Conflict,
    DraftFileRefused,
    EngineError,
    Forbidden,
    NotFound,
    may_edit_models,
)
from web.engine_access import actor, engine

modelling = Blueprint("modelling", __name__, url_prefix="/models")
MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # a whole bundle; each file is limited to 5 MB by the engine
MAX_MOVES = 50  # cases moved in one request: each is a transaction, and the request must end in time


def init_upload_limit(app) -> None:
    """Bundles may be larger than other forms; set before Flask-WTF reads the form for its CSRF check."""

    @app.before_request
    def _larger_uploads():
        if request.blueprint == "modelling":
            request.max_content_length = MAX_UPLOAD_BYTES


@modelling.get("")
@login_required
def index():
    versions = engine().version_overview(actor())
    owner = may_edit_models(actor())
    return render_template(
        "modelling/index.html",
        versions=versions,
        drafts=engine().list_drafts(actor()) if owner else [],
        owner=owner,
        previous={v.id: _previous(versions, v) for v in versions},
    )


def _previous(versions, version):
    older = [v for v in versions if v.process_id == version.process_id and v.version < version.version]
    return max(older, key=lambda v: v.version).id if older else None


@modelling.get("/versions/<int:definition_id>/files/<path:path>")
@login_required
def version_file(definition_id: int, path: str):
    version, files = engine().version_files(definition_id, actor())
    if path not in files:
        abort(404)
    name = f"{version.process_id}-v{version.version}-{path.replace('/', '-')}"
    return send_file(io.BytesIO(files[path]), as_attachment=True, download_name=name, mimetype=_mime(path))


@modelling.get("/versions/<int:definition_id>/download")
@login_required
def version_zip(definition_id: int):
    version, files = engine().version_files(definition_id, actor())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in sorted(files.items()):
            archive.writestr(path, content)
    buffer.seek(0)
    name = f"{version.process_id}-v{version.version}.zip"
    return send_file(buffer, as_attachment=True, download_name=name, mimetype="application/zip")


def _mime(path: str) -> str:
    return "application/json" if path.endswith(".json") else "application/xml"


@modelling.get("/versions/<int:definition_id>/diff")
@login_required
def version_diff(definition_id: int):
    against = request.args.get("against", type=int)
    if against is None:
        abort(400, description="say which version to compare with: ?against=<version id>")
    try:
        changes = engine().version_diff(against, definition_id, actor())
    except Conflict as refused:  # versions of two processes: a bad request, not a change made meanwhile
        abort(400, description=str(refused))
    old, _ = engine().version_files(against, actor())
    new, _ = engine().version_files(definition_id, actor())
    return render_template("modelling/diff.html", old=old, new=new, changes=changes)


@modelling.route("/versions/<int:definition_id>/migrate", methods=["GET", "POST"])
@login_required
def migrate(definition_id: int):
    target, _ = engine().version_files(definition_id, actor())
    results: list[tuple[str, str, bool]] = []
    if request.method == "POST":
        chosen = request.form.getlist("case")
        if not chosen:
            flash("Choose at least one case to move")
        if len(chosen) > MAX_MOVES:
            flash(f"Moved the first {MAX_MOVES} chosen cases; choose the rest and move them again")
        for key in chosen[:MAX_MOVES]:
            try:
                version = engine().migrate_case(key, definition_id, actor())
                results.append((key, f"moved to version {version}", True))
            except Forbidden:
                raise  # the app's 403 page (web/errors.py), not a line in the results
            except EngineError as refused:  # refused, changed meanwhile, or its state cannot be read
                results.append((key, f"not moved: {refused}", False))
    running = engine().running_cases(definition_id, actor())
    return render_template(
        "modelling/migrate.html",
        target=target,
        running=running,
        results=results,
        owner=may_edit_models(actor()),
    )


def _uploads():
    """(path in the bundle, content) of each uploaded file: its base name, forms under forms/."""
    for upload in request.files.getlist("files"):
        if upload.filename:
            name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
            yield (f"forms/{name}" if name.endswith(".json") else name), upload.read()


@modelling.post("/drafts")
@login_required
def new_draft():
    """A draft from a deployed version (`from_version`) or from uploaded files."""
    try:
        draft = engine().create_draft(
            actor(),
            name=request.form.get("name", ""),
            from_definition=request.form.get("from_version", type=int),
            files=dict(_uploads()),
        )
    except (DraftFileRefused, NotFound) as refused:  # the version to copy may have gone: said on the page
        flash(f"The draft was not created: {refused}")
        return redirect(url_for("modelling.index")), 303
    return redirect(url_for("modelling.editor", draft_id=draft.id)), 303


@modelling.post("/drafts/<int:draft_id>/upload")
@login_required
def upload(draft_id: int):
    added = []
    try:
        for path, content in _uploads():
            engine().add_draft_file(draft_id, path, content, actor())
            added.append(path)
    except DraftFileRefused as refused:
        flash(f"Not added: {refused}")
    if added:
        flash(f"Added {', '.join(added)}", "success")
    return redirect(url_for("modelling.editor", draft_id=draft_id)), 303


@modelling.post("/drafts/<int:draft_id>/delete")
@login_required
def delete_draft(draft_id: int):
    engine().delete_draft(draft_id, actor())
    flash("Draft deleted", "success")
    return redirect(url_for("modelling.index")), 303
