"""GOV.UK Frontend's CSS, JavaScript, fonts and images, served from node_modules (no CDN)."""

from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

from web.config import NODE_MODULES

GOVUK = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
assets = Blueprint("assets", __name__)


@assets.get("/assets/<path:filename>")
def govuk_asset(filename: str):
    """Fonts and images (the GOV.UK stylesheet asks for them under /assets)."""
    return _send(GOVUK / "assets", filename)


@assets.get("/govuk/<any('govuk-frontend.min.css', 'govuk-frontend.min.js'):filename>")
def govuk_bundle(filename: str):
    return _send(GOVUK, filename)


def _send(folder, filename: str):
    if not folder.is_dir():
        abort(404, description="GOV.UK Frontend is not installed: run `make setup` (npm ci)")
    response = send_from_directory(folder, filename, max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


# Other npm packages' built files, by name: nothing else under node_modules is reachable.
VENDOR = {
    "bpmn-js/bpmn-navigated-viewer.production.min.js": "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
    "bpmn-js/diagram-js.css": "bpmn-js/dist/assets/diagram-js.css",
    "bpmn-js/bpmn-js.css": "bpmn-js/dist/assets/bpmn-js.css",
    "chart.js/chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
}


@assets.get("/vendor/<path:filename>")
def vendor(filename: str):
    """bpmn-js (diagrams) and Chart.js (charts), as npm installed them."""
    if filename not in VENDOR:
        abort(404)
    path = NODE_MODULES / VENDOR[filename]
    return _send(path.parent, path.name)
