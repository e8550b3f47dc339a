"""The editor page of a draft and its JSON calls: save, validate, deploy, form preview."""

from __future__ import annotations

import json
from functools import wraps

from flask import abort, jsonify, make_response, render_template, request, url_for
from flask_login import login_required
from flask_wtf.csrf import generate_csrf

from engine import (
    WORKING_GROUPS,
    Conflict,
    DeploymentError,
    DraftFileRefused,
    DraftView,
    Forbidden,
    JsonRefused,
    NotFound,
    check_form_schema,
    may_edit_models,
    read_json,
)
from web.engine_access import actor, engine
from web.form_fields import fields_for
from web.modelling.pages import modelling


def editor_data(draft: DraftView) -> dict:
    """What the editor's script needs (web/static/src/model-editor.js reads it from the page)."""
    return {
        "draft_id": draft.id,
        "name": draft.name,
        "version": draft.version,
        "files": draft.files,
        "forms": sorted(p.split("/", 1)[1] for p in draft.files if p.startswith("forms/")),
        "groups": list(WORKING_GROUPS),
        "can_deploy": may_edit_models(actor()),
        "csrf_token": generate_csrf(),
        "urls": {
            "save": url_for("modelling.save", draft_id=draft.id),
            "validate": url_for("modelling.validate", draft_id=draft.id),
            "deploy": url_for("modelling.deploy", draft_id=draft.id),
            "preview_form": url_for("modelling.preview_form"),
            "models": url_for("modelling.index"),
        },
    }


@modelling.get("/drafts/<int:draft_id>")
@login_required
def editor(draft_id: int):
    draft = engine().draft(draft_id, actor())
    return render_template("modelling/editor.html", draft=draft, editor=editor_data(draft))


def _finding(f) -> dict:
    return {"file": f.file, "element_id": f.element_id, "message": f.message, "severity": f.severity}


def _refusal(error: Exception, status: int):
    return jsonify({"error": str(error)}), status


REFUSALS = ((Forbidden, 403), (NotFound, 404), (Conflict, 409), (DraftFileRefused, 400))


def json_refusals(view):
    """The editor's JSON calls answer the engine's refusals in JSON (model-editor.js shows `error`),
    not with the app's HTML pages (web/errors.py)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except (Forbidden, NotFound, Conflict, DraftFileRefused) as error:
            return _refusal(error, next(status for kind, status in REFUSALS if isinstance(error, kind)))

    return wrapper


def _body() -> dict:
    try:
        body = read_json(request.get_data()) if request.is_json else None
    except JsonRefused as refused:
        abort(make_response(*_refusal(refused, 400)))
    if not isinstance(body, dict):
        abort(
            make_response(*_refusal(ValueError("send a JSON object with Content-Type application/json"), 400))
        )
    return body


@modelling.post("/drafts/<int:draft_id>/save")
@login_required
@json_refusals
def save(draft_id: int):
    body = _body()
    files, version = body.get("files"), body.get("version")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return _refusal(ValueError('"files" must map each path to its text'), 400)
    if not isinstance(version, int):
        return _refusal(ValueError('"version" must be the draft version you opened'), 400)
    return jsonify({"version": engine().save_draft(draft_id, files, version, actor())})


@modelling.post("/drafts/<int:draft_id>/validate")
@login_required
@json_refusals
def validate(draft_id: int):
    findings = engine().validate_draft(draft_id, actor())
    ok = not any(f.severity == "error" for f in findings)
    return jsonify({"ok": ok, "findings": [_finding(f) for f in findings]})


@modelling.post("/drafts/<int:draft_id>/deploy")
@login_required
@json_refusals
def deploy(draft_id: int):
    try:
        deployment, warnings = engine().deploy_draft(draft_id, actor())
    except DeploymentError as refused:  # the findings, for the editor to mark on the diagram
        return jsonify({"ok": False, "findings": [_finding(f) for f in refused.findings]}), 422
    return jsonify(
        {
            "ok": True,
            "findings": [_finding(f) for f in warnings],
            "deployment": {
                "version": deployment.version,
                "created": deployment.created,
                "content_hash": deployment.content_hash,
                "process_id": deployment.process_id,
            },
        }
    )


@modelling.post("/forms/preview")
@login_required
def preview_form():
    """The GOV.UK form a JSON Schema makes, as caseworkers will see it."""
    if not may_edit_models(actor()):
        return _refusal(Forbidden("only process owners preview forms"), 403)
    schema = _body().get("schema")
    try:
        checked = check_form_schema(json.dumps(schema).encode())
        fields = fields_for(checked)
    except (ValueError, KeyError, TypeError) as error:
        return _refusal(ValueError(f"the form cannot be shown: {error}"), 400)
    html = render_template("modelling/form_preview.html", fields=fields, title=checked.get("title"))
    return jsonify({"html": html})
