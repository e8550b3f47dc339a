"""The JSON API: start a referral, follow it, list tasks, read a task's form, claim, release,
assign and complete. Each request carries `Authorization: Bearer <token>`; the token acts as its
user, so the engine applies the same group and agency rules as in the inbox."""

from __future__ import annotations

import math
from functools import wraps
from typing import Any

from flask import Blueprint, g, jsonify, request

from engine import (
    Actor,
    CaseNotActive,
    Conflict,
    Forbidden,
    FormValidationError,
    JsonRefused,
    NotFound,
    PersonalDataErased,
    SandboxViolation,
    ScriptError,
    TaskAlreadyCompleted,
    TaskFilter,
    TokenRefused,
    ViewKind,
    may_work_on,
    read_json,
)
from web.api.openapi import openapi_document
from web.api.problems import ApiProblem, problem_response
from web.api.serialize import case_json, task_json
from web.engine_access import engine
from web.form_fields import error_messages

api = Blueprint("api", __name__, url_prefix="/api/v1")
MODEL_FAILED = (
    "The process model failed before the case reached its next step, so nothing was saved. If this "
    "was a task of a case, the case now shows an incident for its managers. Try again once a process "
    "owner has fixed the model."
)
MAX_PER_PAGE = 100


@api.errorhandler(ApiProblem)
def _problem(problem: ApiProblem):
    return problem_response(problem)


def _actor() -> Actor:
    return g.api_user.actor


def authenticated(view):
    """Resolve the bearer token to its user, or answer 401."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        try:
            if scheme.lower() != "bearer":
                raise TokenRefused("send `Authorization: Bearer nrm_…` with a token from `nrm tokens add`")
            g.api_user = engine().authenticate_token(secret.strip())
        except TokenRefused as refused:
            raise ApiProblem(401, "Not signed in", str(refused)) from None
        return _engine_call(lambda: view(*args, **kwargs))

    return wrapper


ERASED = "The personal data on this case was erased: only its reference, dates and stages are kept"


def _engine_call(call):
    """The engine's refusals as problem documents."""
    try:
        return call()
    except FormValidationError as invalid:  # answers outside a task's form: its own words
        errors = [{"field": e.field, "keyword": e.keyword, "message": e.message} for e in invalid.errors]
        raise ApiProblem(422, "The form data is not valid", "Correct the answers", errors=errors) from None
    except TaskAlreadyCompleted as done:
        by = done.completed_by or ""
        who = engine().person_names({by}).get(by, "Someone else")
        raise ApiProblem(
            409,
            "Already completed",
            f"{who} completed this task; nothing was changed",
            completed_by=done.completed_by,
        ) from None
    except (Conflict, CaseNotActive) as conflict:
        raise ApiProblem(409, "Conflict", str(conflict)) from None
    except Forbidden as refused:
        raise ApiProblem(403, "Forbidden", f"{refused}; ask an admin if your system needs this") from None
    except NotFound as missing:
        raise ApiProblem(404, "Not found", str(missing)) from None
    except (ScriptError, SandboxViolation):  # the process model failed: nothing was written
        raise ApiProblem(422, "The process model failed", MODEL_FAILED) from None
    except PersonalDataErased:
        raise ApiProblem(410, "Personal data erased", ERASED) from None


def _invalid_answers(task_id: str, invalid: FormValidationError) -> ApiProblem:
    """A 422 whose messages are the ones the task's page shows (GOV.UK wording, by the form's
    labels); each error keeps its field path and failing schema keyword for programs."""
    schema = engine().task_form(task_id, _actor()).schema
    messages = error_messages(schema, invalid.errors)
    errors = [
        {
            "field": e.field,
            "keyword": e.keyword,
            "message": messages.get(e.field.partition(".")[0], e.message),
        }
        for e in invalid.errors
    ]
    detail = "Correct the answers and send them again: " + "; ".join(messages.values())
    return ApiProblem(422, "The form data is not valid", detail, errors=errors)


@api.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@api.post("/referrals")
@authenticated
def start_referral():
    case = engine().start_case("nrm_pathway", actor=_actor())
    return jsonify(case_json(case)), 201


@api.get("/referrals")
@authenticated
def list_referrals():
    return jsonify({"referrals": [case_json(c) for c in engine().referrals(_actor())]})


@api.get("/referrals/<key>")
@authenticated
def get_referral(key: str):
    return jsonify(case_json(engine().referral(key, _actor(), seen_as=ViewKind.API_REFERRAL)))


def _choice(name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.args.get(name)
    if value is not None and value not in allowed:
        raise ApiProblem(400, "Bad query", f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _number(name: str, default: int, top: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= top:
        raise ApiProblem(400, "Bad query", f"{name} must be a whole number from 1 to {top}, not {raw!r}")
    return int(raw)


def _text(name: str, longest: int) -> str | None:
    value = request.args.get(name) or None
    if value is not None and len(value) > longest:
        raise ApiProblem(400, "Bad query", f"{name} must be at most {longest} characters")
    return value


@api.get("/tasks")
@authenticated
def list_tasks():
    wanted = TaskFilter(
        case_key=_text("case", 30),
        element_id=_text("task", 200),
        due=_choice("due", ("overdue", "soon")),
        assigned=_choice("assigned", ("me", "nobody")),
    )
    per_page = _number("per_page", 25, MAX_PER_PAGE)
    page = _number("page", 1, 100_000)
    rows, total = engine().task_page(wanted, _actor(), offset=(page - 1) * per_page, limit=per_page)
    return jsonify(
        {
            "tasks": [task_json(t) for t in rows],
            "total": total,
            "page": page,
            "pages": max(math.ceil(total / per_page), 1),
            "per_page": per_page,
        }
    )


@api.get("/tasks/<task_id>")
@authenticated
def get_task(task_id: str):
    form = engine().task_form(task_id, _actor(), seen_as=ViewKind.API_TASK)
    return jsonify({"task": task_json(form.task), "form_schema": form.schema})


@api.post("/tasks/<task_id>/claim")
@authenticated
def claim_task(task_id: str):
    return jsonify(task_json(engine().claim_task(task_id, _actor())))


@api.post("/tasks/<task_id>/release")
@authenticated
def release_task(task_id: str):
    return jsonify(task_json(engine().release_task(task_id, _actor())))


def _body() -> dict[str, Any]:
    """The request's JSON object; 400 if it is not one (JsonRefused says what is refused)."""
    try:
        body = read_json(request.get_data()) if request.is_json else None
    except JsonRefused as refused:
        raise ApiProblem(400, "Bad request body", str(refused)) from None
    if not isinstance(body, dict):
        raise ApiProblem(400, "Bad request body", "send a JSON object with Content-Type: application/json")
    return body


@api.post("/tasks/<task_id>/assign")
@authenticated
def assign_task(task_id: str):
    username = _body().get("username")
    if not isinstance(username, str) or not username.strip():
        raise ApiProblem(
            400, "Bad request body", "username: give the username of a member of the task's group"
        )
    return jsonify(task_json(engine().assign_task(task_id, username.strip().lower(), _actor())))


@api.post("/tasks/<task_id>/complete")
@authenticated
def complete_task(task_id: str):
    data = _body().get("data")
    if not isinstance(data, dict):
        raise ApiProblem(400, "Bad request body", "data: send the form's answers as a JSON object")
    try:
        case = engine().complete_task(task_id, data, _actor())
    except FormValidationError as invalid:
        raise _invalid_answers(task_id, invalid) from None
    mine = [t for t in case.open_tasks if may_work_on(_actor(), t.candidate_group, case.agency)]
    return jsonify({"case": case_json(case), "next_tasks": [task_json(t) for t in mine]})
