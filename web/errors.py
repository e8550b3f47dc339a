"""Error pages, in one place: HTTP errors, and what the HTML pages show when the engine refuses.

The engine's refusals reach the pages as exceptions: Forbidden is the 403 page, NotFound (a case,
task, draft or version) the 404 page, and Conflict (someone changed it first, or the case is not
active) is said at the top of the page the form came from, and PersonalDataErased (the case's key
was destroyed) is a page that says so. A route handles one itself only where
it shows something else (a form re-rendered with its answers, a JSON answer to the model editor).

The JSON API (web/api) turns the engine's refusals into problem documents inside its own views
(web/api/routes.py), so these handlers do not see them; an HTTP error under /api/ still becomes a
problem document here.
"""

from __future__ import annotations

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug import exceptions as http

from engine import Conflict, Forbidden, NotFound, PersonalDataErased, SandboxViolation, ScriptError
from web.api.problems import ApiProblem, problem_response
from web.security import same_site_path

MESSAGES = {
    400: ("There is a problem with the request", "Go back and try again."),
    403: ("You cannot do this", "Your role does not allow it. If you think it should, ask your manager."),
    404: ("Page not found", "The case or task may have been closed, or the address is wrong."),
    405: ("That cannot be done here", "Go back and use the page's own buttons."),
    413: ("The upload is too large", "Send less at once."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
}


def back_page() -> str:
    """Where a refused form returns: the page it names in `back` (a path), or the task list."""
    back = request.form.get("back", "")
    return back if same_site_path(back) else url_for("inbox.tasks")


def http_error(error: http.HTTPException):
    code = getattr(error, "code", 500)
    if request.path.startswith("/api/"):
        response = problem_response(ApiProblem(code, error.name, error.description or ""))
        if methods := getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(methods)
        return response
    title, text = MESSAGES.get(code, ("Sorry, there is a problem with the service", "Try again later."))
    return render_template("errors/error.html", title=title, text=text), code


def init_error_pages(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, http_error)

    @app.errorhandler(Forbidden)
    def forbidden(_error: Forbidden):
        """Refused by the engine's rules (which audited the refusal)."""
        return http_error(http.Forbidden())

    @app.errorhandler(NotFound)
    def not_found(_error: NotFound):
        """No such case, task, draft or version (CaseNotFound and TaskNotFound are NotFound)."""
        return http_error(http.NotFound())

    @app.errorhandler(Conflict)
    def conflict(error: Conflict):
        """Someone changed it first, or the case is not active: say so on the page the form was on."""
        if request.path.startswith("/api/"):
            return http_error(http.Conflict())
        flash(str(error))
        return redirect(back_page()), 303

    @app.errorhandler(PersonalDataErased)
    def erased(_error: PersonalDataErased):
        """The case's personal data was erased (its key destroyed): nothing of it can be shown."""
        if request.path.startswith("/api/"):
            return http_error(http.Gone())
        return render_template(
            "errors/error.html",
            title="The person's data has been erased",
            text="The personal data on this case was erased, so it cannot be shown. Its reference, "
            "dates and stages are kept.",
        ), 410

    @app.errorhandler(ScriptError)
    @app.errorhandler(SandboxViolation)
    def model_failed(_error):
        """The process model's code failed or went over its budget (nothing was saved; a case that
        exists has an incident for managers). Pages that keep a form's answers handle it first."""
        return render_template(
            "errors/error.html",
            title="This could not be done",
            text="The process model failed, so nothing was saved. Ask a process owner to check the model, "
            "then try again.",
        ), 422

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render_template(
            "errors/error.html",
            title="Your page was out of date",
            text="Go back, reload the page and try again.",
        ), 400
