"""Security headers with a strict Content-Security-Policy: scripts only from us, with a nonce."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g

CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def init_security(app: Flask) -> None:
    @app.before_request
    def _nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.context_processor
    def _nonce_for_templates() -> dict:
        return {"cspNonce": g.get("csp_nonce", "")}

    @app.after_request
    def _headers(response: Response) -> Response:
        if "Content-Security-Policy" not in response.headers:  # a download sets a stricter one
            response.headers["Content-Security-Policy"] = CSP.format(nonce=g.get("csp_nonce", ""))
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cache-Control"] = response.headers.get("Cache-Control", "no-store")
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response


def same_site_path(target: str | None) -> bool:
    """A path on this site (never `//other.example`, `/\\other.example`, which browsers read as the
    former, or a full URL): safe to redirect to."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    return not urlsplit(target).netloc
