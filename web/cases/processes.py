"""/processes: every deployed version with its cases, where active cases wait (drawn on the
diagram), and the open incidents with a retry."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from engine import is_manager
from web.engine_access import actor, engine

processes = Blueprint("processes", __name__)


@processes.get("/processes")
@login_required
def index():
    versions = engine().version_overview(actor())
    chosen_id = request.args.get("version", type=int) or next(
        (v.id for v in versions if v.process_id == "nrm_pathway"), versions[0].id if versions else None
    )
    chosen = next((v for v in versions if v.id == chosen_id), None)
    if chosen_id is not None and chosen is None:
        abort(404)
    diagram, waiting = engine().waiting_on(chosen.id, actor()) if chosen else (None, {})
    labels = {element: f"{count} case{'' if count == 1 else 's'}" for element, count in waiting.items()}
    states = {pid: {e: "active" for e in waiting} for pid in (diagram.diagrams if diagram else {})}
    return render_template(
        "cases/processes.html",
        versions=versions,
        chosen=chosen,
        diagram=diagram,
        waiting=sorted(waiting.items(), key=lambda item: -item[1]),
        diagram_json={"diagrams": diagram.diagrams if diagram else {}, "states": states, "labels": labels},
        incidents=engine().incidents(),
        step_names={element: name for element, name, _count in engine().case_steps(actor())},
        is_manager=is_manager(actor()),
    )
