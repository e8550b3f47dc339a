"""Errors as RFC 9457 problem documents: a title, the status, and a detail that says what to do."""

from __future__ import annotations

from flask import Response, jsonify

PROBLEM = "application/problem+json"


class ApiProblem(Exception):
    def __init__(self, status: int, title: str, detail: str, **extra):
        super().__init__(detail)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra


def problem_response(problem: ApiProblem) -> Response:
    body = {"title": problem.title, "status": problem.status, "detail": problem.detail, **problem.extra}
    response = jsonify(body)
    response.status_code = problem.status
    response.mimetype = PROBLEM
    if problem.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="nrm"'
    return response
