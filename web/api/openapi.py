"""The OpenAPI 3.0 document for /api/v1, served at /api/v1/openapi.json.

Written by hand rather than generated (e.g. by flask-smorest): the API is eight operations over
the engine's own views, and a generator would add a second schema layer (marshmallow) to keep in
step. The schemathesis test in tests/web checks that every response matches this document."""

from __future__ import annotations

from typing import Any

from engine import JSON_MAX_DEPTH as MAX_DEPTH
from engine import WORKING_GROUPS

NULLABLE_TIME = {"type": "string", "format": "date-time", "nullable": True}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TEXT = {"type": "string", "nullable": True}

TASK = {
    "type": "object",
    "required": ["id", "case_key", "element_id", "name", "candidate_group", "created_at"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "case_key": {"type": "string", "example": "NRM-2026-000123"},
        "element_id": {"type": "string", "example": "decide_reasonable_grounds"},
        "name": {"type": "string"},
        "candidate_group": {"type": "string", "example": WORKING_GROUPS[1]},
        "form": NULLABLE_TEXT,
        "assignee": NULLABLE_TEXT,
        "created_at": TIME,
        "due_at": NULLABLE_TIME,
    },
    "additionalProperties": False,
}

CASE = {
    "type": "object",
    "required": ["key", "status", "process_id", "definition_version", "created_at", "open_tasks"],
    "properties": {
        "key": {"type": "string", "example": "NRM-2026-000123"},
        "status": {"type": "string", "enum": ["active", "suspended", "cancelled", "completed"]},
        "process_id": {"type": "string"},
        "definition_version": {"type": "integer"},
        "current_step": NULLABLE_TEXT,
        "outcome": NULLABLE_TEXT,
        "agency": NULLABLE_TEXT,
        "created_at": TIME,
        "updated_at": TIME,
        "ended_at": NULLABLE_TIME,
        "open_tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
        "timers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "element_id": {"type": "string"},
                    "name": {"type": "string"},
                    "due_at": TIME,
                    "state": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": False,
}

PROBLEM = {
    "type": "object",
    "required": ["title", "status", "detail"],
    "properties": {
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What is wrong and what to do next"},
        "completed_by": {"type": "string", "description": "409 only: who completed the task"},
        "errors": {
            "type": "array",
            "description": "422 only: every failing form field",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string", "description": "The field's path, e.g. aliases.1"},
                    "keyword": {"type": "string", "description": "The JSON Schema keyword that failed"},
                    "message": {"type": "string", "description": "What to correct, in words"},
                },
            },
        },
    },
}

REFUSALS = {
    "400": f"The query or body is malformed or nested over {MAX_DEPTH} levels deep (the detail names what)",
    "401": "No token, or an unknown or revoked one",
    "403": "The token's user may not do this (recorded in the audit trail)",
    "404": "No such case or open task for this user",
    "409": "Someone else completed or changed it first; nothing was changed",
    "413": "The body is over 1 MB",
    "422": "The form data fails the task's JSON Schema; `errors` names each field",
}

TASK_ID = {
    "name": "task_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}


def _json(schema_or_ref: dict[str, Any] | str) -> dict[str, Any]:
    schema = (
        {"$ref": f"#/components/schemas/{schema_or_ref}"} if isinstance(schema_or_ref, str) else schema_or_ref
    )
    return {"application/json": {"schema": schema}}


def _operation(summary: str, ok: tuple[str, str, Any], refusals: str, **extra: Any) -> dict[str, Any]:
    status, description, schema = ok
    responses = {status: {"description": description, "content": _json(schema)}}
    for code in refusals.split():
        responses[code] = {
            "description": REFUSALS[code],
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return {"summary": summary, "responses": responses, **extra}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": _json(schema)}


TASK_PAGE = {
    "type": "object",
    "required": ["tasks", "total", "page", "pages", "per_page"],
    "properties": {
        "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "pages": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
    },
    "additionalProperties": False,
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "NRM casework API",
            "version": "1.0.0",
            "description": (
                "Start National Referral Mechanism referrals and work their tasks from an agency's own "
                "system. Every request carries `Authorization: Bearer <token>`; an admin issues tokens "
                "with `nrm tokens add <username> <system name>`. A token acts as its user: the same "
                "groups and agency decide what it may see and do as in the inbox."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "paths": {
            "/referrals": {
                "post": _operation(
                    "Start a referral (first responders); its first task is the referral form",
                    ("201", "The new case with its first open task", "Case"),
                    "401 403",
                    operationId="startReferral",
                ),
                "get": _operation(
                    "Your agency's newest referrals (first responders)",
                    (
                        "200",
                        "Referrals, newest first",
                        {
                            "type": "object",
                            "required": ["referrals"],
                            "properties": {
                                "referrals": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}}
                            },
                        },
                    ),
                    "401 403",
                    operationId="listReferrals",
                ),
            },
            "/referrals/{key}": {
                "get": _operation(
                    "One of your agency's referrals: where it is, its open tasks and timers",
                    ("200", "The case", "Case"),
                    "401 403 404",
                    operationId="getReferral",
                    parameters=[
                        {
                            "name": "key",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^NRM-[0-9]{4}-[0-9]{6}$"},
                        }
                    ],
                ),
            },
            "/tasks": {
                "get": _operation(
                    "Open tasks you may work on, soonest due first",
                    ("200", "A page of tasks", TASK_PAGE),
                    "400 401",
                    operationId="listTasks",
                    parameters=[
                        _query("task", "Only tasks of this element id", {"type": "string", "maxLength": 200}),
                        _query("case", "Only tasks of this case", {"type": "string", "maxLength": 30}),
                        _query(
                            "due",
                            "Overdue, or due within two days",
                            {"type": "string", "enum": ["overdue", "soon"]},
                        ),
                        _query(
                            "assigned",
                            "Assigned to me, or to nobody",
                            {"type": "string", "enum": ["me", "nobody"]},
                        ),
                        _query("page", "Page number", {"type": "integer", "minimum": 1, "maximum": 100000}),
                        _query(
                            "per_page", "Tasks per page", {"type": "integer", "minimum": 1, "maximum": 100}
                        ),
                    ],
                ),
            },
            "/tasks/{task_id}": {
                "get": _operation(
                    "A task and the JSON Schema of its form",
                    (
                        "200",
                        "The task and its form",
                        {
                            "type": "object",
                            "required": ["task", "form_schema"],
                            "properties": {
                                "task": {"$ref": "#/components/schemas/Task"},
                                "form_schema": {"type": "object", "description": "A JSON Schema"},
                            },
                        },
                    ),
                    "401 403 404 409",
                    operationId="getTask",
                    parameters=[TASK_ID],
                ),
            },
            "/tasks/{task_id}/claim": {
                "post": _operation(
                    "Take a task of one of your groups",
                    ("200", "The task, now assigned to you", "Task"),
                    "401 403 404 409",
                    operationId="claimTask",
                    parameters=[TASK_ID],
                ),
            },
            "/tasks/{task_id}/release": {
                "post": _operation(
                    "Give a task back to its group",
                    ("200", "The task, now unassigned", "Task"),
                    "401 403 404 409",
                    operationId="releaseTask",
                    parameters=[TASK_ID],
                ),
            },
            "/tasks/{task_id}/assign": {
                "post": _operation(
                    "Give a task to a member of its group (managers)",
                    ("200", "The task, now assigned", "Task"),
                    "400 401 403 404 409 413",
                    operationId="assignTask",
                    parameters=[TASK_ID],
                    requestBody=_body(
                        {
                            "type": "object",
                            "required": ["username"],
                            "properties": {"username": {"type": "string", "minLength": 1, "maxLength": 100}},
                        }
                    ),
                ),
            },
            "/tasks/{task_id}/complete": {
                "post": _operation(
                    "Complete a task with its form's answers; the case runs to its next wait state",
                    (
                        "200",
                        "The case after the step, and the open tasks you may do next",
                        {
                            "type": "object",
                            "required": ["case", "next_tasks"],
                            "properties": {
                                "case": {"$ref": "#/components/schemas/Case"},
                                "next_tasks": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Task"},
                                },
                            },
                        },
                    ),
                    "400 401 403 404 409 413 422",
                    operationId="completeTask",
                    parameters=[TASK_ID],
                    requestBody=_body(
                        {
                            "type": "object",
                            "required": ["data"],
                            "properties": {
                                "data": {
                                    "type": "object",
                                    "description": "Answers, valid against the task's form_schema",
                                }
                            },
                        }
                    ),
                ),
            },
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Task": TASK, "Case": CASE, "Problem": PROBLEM},
        },
    }
