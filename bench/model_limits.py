"""Time what the model size limits let through (docs/model-limits.md).

For each limit, the largest generated model it accepts (tests/models/hostile_models.py) is
validated (bpmnlint included), deployed and started twice on SQLite, and the one just over it is
refused; then the probe's hostile models. Prints a Markdown table. `python -m bench.model_limits`
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from engine import Actor, Engine, EngineConfig
from engine.config import PROJECT_ROOT
from engine.deploy import model_checks
from engine.deploy.model_checks import check_bundle
from engine.deploy.model_limits import (
    MAX_BRANCHES,
    MAX_ELEMENTS,
    MAX_INSTANCES,
    MAX_NESTING,
    MAX_PATH,
    MAX_PLANNED,
    element_counts,
    planned_tasks,
)
from engine.spec.bundle import Bundle, read_bundle
from engine.spec.xml_guard import parse_untrusted_xml
from tests.models import hostile_models as hostile

POLICE = Actor("fr-police", frozenset({"first-responder"}), agency="police")


def elements(bundle: Bundle) -> int:
    roots = {p: parse_untrusted_xml(c, p) for p, c in bundle.files.items() if p.endswith(".bpmn")}
    return sum(element_counts(roots).values())


def planned(bundle: Bundle) -> int:
    roots = {p: parse_untrusted_xml(c, p) for p, c in bundle.files.items() if p.endswith(".bpmn")}
    return max(planned_tasks(roots).values())


def models() -> Iterator[tuple[str, str, Bundle]]:
    yield "elements", "routes of user tasks", hostile.many_elements(MAX_ELEMENTS)
    yield "elements", "routes of user tasks", hostile.many_elements(MAX_ELEMENTS + 10)
    yield "branches", f"split into {MAX_BRANCHES} script tasks", hostile.parallel_branches(MAX_BRANCHES)
    yield "branches", f"split into {MAX_BRANCHES + 1}", hostile.parallel_branches(MAX_BRANCHES + 1)
    yield "instances", f"user task × {MAX_INSTANCES}", hostile.multi_instance(MAX_INSTANCES)
    yield "instances", f"user task × {MAX_INSTANCES + 1}", hostile.multi_instance(MAX_INSTANCES + 1)
    yield "nesting", f"sub-processes {MAX_NESTING} deep", hostile.nested_subprocesses(MAX_NESTING)
    yield "nesting", f"sub-processes {MAX_NESTING + 1} deep", hostile.nested_subprocesses(MAX_NESTING + 1)
    yield "nesting", f"calls {MAX_NESTING} deep", hostile.called_processes(MAX_NESTING)
    yield "nesting", f"calls {MAX_NESTING + 1} deep", hostile.called_processes(MAX_NESTING + 1)
    yield "path", f"{MAX_PATH - 3} script tasks in a row", hostile.script_chain(MAX_PATH - 3)
    yield "path", f"{MAX_PATH - 2} script tasks in a row", hostile.script_chain(MAX_PATH - 2)
    after = hostile.largest(lambda n: hostile.parallel_branches(MAX_BRANCHES, after=n), MAX_PLANNED)
    yield (
        "planned",
        f"split into {MAX_BRANCHES}, {after} tasks after",
        hostile.parallel_branches(MAX_BRANCHES, after=after),
    )
    yield (
        "planned",
        f"split into {MAX_BRANCHES}, {after + 1} after",
        hostile.parallel_branches(MAX_BRANCHES, after=after + 1),
    )
    width = hostile.largest(lambda n: hostile.splits_in_a_row(n, 2), MAX_PLANNED)
    yield "planned", f"2 splits of {width} in a row", hostile.splits_in_a_row(width, 2)
    yield "planned", f"2 splits of {width + 1} in a row", hostile.splits_in_a_row(width + 1, 2)
    yield "probe", "split into 5,000", hostile.parallel_branches(5_000)
    yield "probe", "1,000 script tasks in a row", hostile.script_chain(1_000)
    yield "probe", "900 user tasks, no form, not drawn", hostile.user_tasks_without_forms(900, drawn=False)
    yield "NRM", "bpmn/", read_bundle(PROJECT_ROOT / "bpmn")


def measure(limit: str, what: str, bundle: Bundle) -> str:
    model_checks._REVIEWS.clear()  # a new bundle each time: nothing cached
    size = f"{elements(bundle):,} elements"
    started = time.perf_counter()
    findings = check_bundle(bundle)
    validate = time.perf_counter() - started
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        first = errors[0].message.split(";")[0].split(":")[0][:70]
        result = f"refused ({len(findings)} findings): {first}"
        if len(findings) > model_checks.MAX_REPORTED:
            result += f" [and {findings[-1].message.split(' (')[0]}]"
        return f"| {limit} | {what} | {size} | {result} | {validate:.2f} | | | |"
    size += f", {planned(bundle):,} planned"
    model_checks._REVIEWS.clear()
    with tempfile.TemporaryDirectory() as folder:
        engine = Engine(EngineConfig(database_url=f"sqlite:///{Path(folder) / 'limits.sqlite3'}"))
        engine.migrate()
        started = time.perf_counter()
        deployment = engine.deploy(bundle)
        deploy = time.perf_counter() - started
        times = []
        for _ in range(2):
            started = time.perf_counter()
            case = engine.start_case(deployment.process_id, actor=POLICE)
            times.append(time.perf_counter() - started)
        engine.db.dispose()
    waiting = len(case.open_tasks)
    return (
        f"| {limit} | {what} | {size} | accepted, waits at {waiting} task(s) | {validate:.2f} "
        f"| {deploy:.2f} | {times[0]:.2f} | {times[1]:.2f} |"
    )


def main() -> None:
    from engine.spec.services import load_service_modules

    load_service_modules(["tasks"])
    print("| limit | model | size | result | validate s | deploy s | 1st start s | 2nd start s |")
    print("|---|---|---|---|---|---|---|---|")
    for limit, what, bundle in models():
        print(measure(limit, what, bundle), flush=True)


if __name__ == "__main__":
    main()
