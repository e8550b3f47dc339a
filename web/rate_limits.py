"""Sign-in attempts limited per client address (Flask-Limiter), on top of the per-account lock.

The account lock (engine/access/users.py) stops guessing one person's password; this stops one address
trying many accounts. Only failed attempts count, so an office behind one address is not locked
out by people signing in successfully."""

from __future__ import annotations

import os

from flask import Flask, render_template
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

SIGN_IN_LIMIT = "20 per 10 minutes"


def init_rate_limits(app: Flask) -> Limiter:
    """A limiter for this app (its own storage: memory by default, Redis for several workers)."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", os.environ.get("NRM_RATELIMIT_STORAGE_URI", "memory://"))
    app.config.setdefault("SIGN_IN_LIMIT", os.environ.get("NRM_SIGN_IN_LIMIT", SIGN_IN_LIMIT))
    limiter = Limiter(get_remote_address, app=app)
    # The limit below holds the limiter weakly, and Flask-Limiter keeps it in app.extensions only
    # when enabled: with RATELIMIT_ENABLED=False it was collected and signing in failed.
    app.extensions["nrm_sign_in_limiter"] = limiter
    sign_in = app.view_functions["auth.sign_in"]
    app.view_functions["auth.sign_in"] = limiter.limit(  # type: ignore[assignment]  # its type admits async views
        lambda: app.config["SIGN_IN_LIMIT"],
        methods=["POST"],
        deduct_when=lambda response: response.status_code == 400,
    )(sign_in)

    @app.errorhandler(429)
    def too_many(error):
        return render_template(
            "errors/error.html",
            title="Too many failed sign-ins",
            text=(
                "There have been too many failed sign-ins from your network. Wait 10 minutes and try "
                "again, or ask your administrator to check the account."
            ),
        ), 429

    return limiter
