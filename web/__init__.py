"""The web app: a Flask app factory with one blueprint per area (sign-in, inbox, referrals).

`web/` reaches the engine only through its public API (`engine`), never SpiffWorkflow or the ORM.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from engine import Engine, SandboxViolation, ScriptError
from web.api import api
from web.api.problems import ApiProblem, problem_response
from web.assets import assets
from web.auth import auth, init_login
from web.cases import cases, processes, statistics
from web.config import web_settings
from web.inbox import inbox
from web.modelling import init_upload_limit, modelling
from web.rate_limits import init_rate_limits
from web.referrals import referrals
from web.security import init_security
from web.templating import init_templating


def create_app(engine: Engine | None = None, settings: dict[str, Any] | None = None) -> Flask:
    """Build the app on `engine` (default: from NRM_* settings)."""
    app = Flask(__name__)
    app.config.update(web_settings())
    app.config.update(settings or {})
    if app.config.get("TRUSTED_PROXIES"):
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("web"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.extensions["nrm_engine"] = engine or Engine()
    init_security(app)  # first: the nonce must exist before anything (CSRF checks) can refuse a request
    init_upload_limit(app)  # before CSRFProtect, which reads the form
    CSRFProtect(app).exempt(api)  # the API takes bearer tokens, never cookies: no CSRF to guard
    init_templating(app)
    init_login(app)
    for blueprint in (api, assets, auth, cases, inbox, modelling, processes, referrals, statistics):
        app.register_blueprint(blueprint)
    _error_pages(app)
    init_rate_limits(app)
    return app


def _error_pages(app: Flask) -> None:
    messages = {
        400: ("There is a problem with the request", "Go back and try again."),
        403: ("You cannot do this", "Your role does not allow it. If you think it should, ask your manager."),
        404: ("Page not found", "The case or task may have been closed, or the address is wrong."),
        405: ("That cannot be done here", "Go back and use the page's own buttons."),
        413: ("The upload is too large", "Send less at once."),
        500: ("Sorry, there is a problem with the service", "Try again later."),
    }

    def handler(error):
        code = getattr(error, "code", 500)
        if request.path.startswith("/api/"):
            response = problem_response(ApiProblem(code, error.name, error.description))
            if getattr(error, "valid_methods", None):
                response.headers["Allow"] = ", ".join(error.valid_methods)
            return response
        title, text = messages.get(code, ("Sorry, there is a problem with the service", "Try again later."))
        return render_template("errors/error.html", title=title, text=text), code

    for code in messages:
        app.register_error_handler(code, handler)

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
