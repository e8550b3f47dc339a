"""The web app: a Flask app factory with one blueprint per area (sign-in, inbox, referrals).

`web/` reaches the engine only through its public API (`engine` and its `Engine` methods), never
the engine's submodules or services, SpiffWorkflow or the ORM.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from engine import Engine
from web.api import api
from web.assets import assets
from web.auth import auth, init_login
from web.cases import (
    cases,
    erasure,
    evidence,
    init_evidence_upload_limit,
    name_search,
    processes,
    record_views,
    statistics,
    subject_access,
)
from web.config import web_settings
from web.errors import init_error_pages
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
    init_evidence_upload_limit(app)
    CSRFProtect(app).exempt(api)  # the API takes bearer tokens, never cookies: no CSRF to guard
    init_templating(app)
    init_login(app)
    for blueprint in (
        api,
        assets,
        auth,
        cases,
        erasure,
        evidence,
        inbox,
        modelling,
        name_search,
        processes,
        record_views,
        referrals,
        statistics,
        subject_access,
    ):
        app.register_blueprint(blueprint)
    init_error_pages(app)  # the engine's refusals and HTTP errors as pages, in one place
    init_rate_limits(app)
    return app
