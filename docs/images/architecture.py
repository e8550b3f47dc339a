"""Writes architecture.svg beside this file: the module map of docs/architecture.md.

Run `python docs/images/architecture.py` after moving a module. The engine's layers are those of
pyproject.toml's import-linter contracts, top to bottom; a line `name; purpose; modules` per box,
`/` breaks the modules' line, and boxes in one layer are separated by ` || `.
"""

from pathlib import Path
from xml.sax.saxutils import escape

TOP = """\
web/; imports only engine; Flask blueprints: inbox · cases · referrals / modelling · api (/api/v1) · auth \
/ templates/ (GOV.UK Frontend) · cli/ (nrm, demo)
tasks/; @service_task (engine.spec.services); service tasks: letters · reflection \
/ competent_authority · overdue / working_days · childrens_services
bench/; measures engine and web; make bench: pathway · http_api / timer_burst · inbox · casework \
/ model_limits"""
LAYERS = """\
engine.api; the Engine class web calls; api.py: Engine, with TaskWork (runtime) \
/ and the access, authoring and reporting facades mixed in
engine.authoring; process owners' work; drafts · model_versions / case_migration \
|| engine.reporting; what managers read; case_list · case_browser · statistics \
/ diagram_state · facts_backfill \
|| engine.timers; timer events; scheduler · timer_firing / timer_batch
engine.runtime; one step, wait state to wait state; task_work · step · step_rows · step_writes · \
workflow_cache / inbox · task_claims · queries · incidents · case_summary
engine.deploy; bundle to deployed version; definitions · bundle_parser · model_checks · model_limits \
/ model_lint (bpmnlint in Node) · model_graph · model_diff
engine.access; who may do what; rules (every access rule) · task_access · users · api_tokens
engine.sandbox; diagram code under a budget; script_engine · environment · rules · code_cost \
/ runner · child (the bounded process) · code_trial
engine.spec; what a bundle is made of; bundle · xml_guard · serialization · forms · services · expressions \
/ case_data · case_facts · json_input · step_budget · bounded_instances
engine.persistence; where cases live; db (sessions, transactions) · schema · models/ (ORM tables) \
/ migrations/versions/ (Alembic)
top-level modules; used by every layer; clock · config · errors · views · working_days"""
W, LEFT, RIGHT = 1100, 100, 1070  # canvas width; the engine's layers span LEFT..RIGHT
GREY, INK, BLUE = "#505a5f", "#0b0c0c", "#1d70b8"


def text(x, y, s, size=14, weight="normal", fill=INK, extra=""):
    font = f"font-family='Helvetica, Arial, sans-serif' font-size='{size}' font-weight='{weight}'"
    return f"<text x='{x}' y='{y}' {font} fill='{fill}' {extra}>{escape(s)}</text>"


def box(x, y, w, h, fill, stroke=GREY):
    return f"<rect x='{x}' y='{y}' width='{w}' height='{h}' rx='6' fill='{fill}' stroke='{stroke}'/>"


def arrow(x, y1, y2):
    return (
        f"<line x1='{x}' y1='{y1}' x2='{x}' y2='{y2}' stroke='{INK}' stroke-width='2' marker-end='url(#a)'/>"
    )


def parts(line):
    name, purpose, modules = (field.strip() for field in line.split(";"))
    return name, purpose, [m.strip() for m in modules.split(" / ")]


def layer(x, y, w, h, name, purpose, lines, wide):
    out = [box(x, y, w, h, "#f3f2f1"), text(x + 12, y + 24, name, 16, "bold")]
    out.append(text(x + 12, y + 44, purpose, 13, fill=GREY))
    mx, my = (x + 250, y + 24) if wide else (x + 12, y + 66)
    return out + [text(mx, my + 20 * i, line) for i, line in enumerate(lines)]


def svg():
    marker = "<path d='M0,0 L10,5 L0,10 z' fill='#0b0c0c'/>"
    head = (
        "<marker id='a' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='8' markerHeight='8' orient='auto'>"
    )
    out = [f"<defs>{head}{marker}</marker></defs>", f"<rect width='{W}' height='100%' fill='white'/>"]
    for (x, w, to), line in zip(
        [(30, 500, 270), (560, 260, 600), (850, 220, 890)], TOP.splitlines(), strict=True
    ):
        name, label, lines = parts(line)
        out += [box(x, 20, w, 110, "#e8f1f8", BLUE), text(x + 12, 44, name, 17, "bold")]
        out += [text(x + 12, 68 + 20 * i, line) for i, line in enumerate(lines)]
        out += [arrow(to, 130, 196), text(to + 8, 168, label, 13, fill=GREY)]
    facade = "__init__.py is the facade: Engine, views, errors and access rules; "
    facade += "SpiffWorkflow and SQLAlchemy stay inside"
    out += [text(34, 226, "engine/", 17, "bold"), text(110, 226, facade)]
    y = start = 244
    for line in LAYERS.splitlines():
        boxes = [parts(b) for b in line.split(" || ")]
        if len(boxes) > 1:
            gap, h = 12, 108
            w = (RIGHT - LEFT - gap * (len(boxes) - 1)) / len(boxes)
            for i, part in enumerate(boxes):
                out += layer(LEFT + i * (w + gap), y, w, h, *part, wide=False)
        else:
            h = 30 + 20 * max(len(boxes[0][2]), 2)
            out += layer(LEFT, y, RIGHT - LEFT, h, *boxes[0], wide=True)
        y += h + 10
    mid = (start + y) / 2
    out += [box(20, 200, W - 40, y - 190, "none", BLUE), arrow(60, start + 4, y - 14)]
    down = "imports point down only (lint-imports)"
    out.append(
        text(52, mid, down, 14, "bold", extra=f"text-anchor='middle' transform='rotate(-90 52 {mid})'")
    )
    size = f"width='{W}' height='{y + 20}' viewBox='0 0 {W} {y + 20}'"
    return "\n".join([f"<svg xmlns='http://www.w3.org/2000/svg' {size}>", *out, "</svg>", ""])


if __name__ == "__main__":
    Path(__file__).with_suffix(".svg").write_text(svg())
