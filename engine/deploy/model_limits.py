"""Size limits on models, checked before SpiffWorkflow reads a bundle (docs/model-limits.md).

What SpiffWorkflow 3.2.0 can be made to do by a diagram alone: its parser follows each path with
one nested Python call per element (RecursionError near 490 elements in a row); starting a case
creates every task reachable without a choice or an event, *one copy for each parallel branch
that leads to it* (so splits in a row multiply); a join checks every waiting branch each time one
arrives. Each limit below keeps the largest accepted model starting a case in well under a second
(bench/model_limits.py measures them); the NRM pathway is far inside all of them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from lxml import etree

from engine.deploy.model_graph import (
    SUB_PROCESSES,
    Scope,
    inner_scopes,
    local,
    longest_path,
    read_scopes,
    walk,
    walk_order,
)
from engine.errors import Finding
from engine.spec.expressions import BPMN, NS
from engine.spec.step_budget import MAX_INSTANCES  # times one activity may run (multi-instance, loop maximum)

MAX_ELEMENTS = 2_000  # elements with an id inside the processes of a bundle (the NRM: 254)
MAX_BRANCHES = 50  # flows out of a parallel or inclusive split
MAX_NESTING = 10  # sub-processes and call activities inside each other (the NRM: 2)
MAX_PATH = 200  # flow nodes on the longest path through one process, loops counted once
MAX_PLANNED = 2_000  # tasks a case may hold at once, as SpiffWorkflow plans them ahead

# Nodes after which SpiffWorkflow stops planning ahead (a choice, an event, another workflow):
# it creates their next tasks as "maybe" and goes on from them only once they have run.
STOPS = SUB_PROCESSES | {
    "exclusiveGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "intermediateCatchEvent",
    "boundaryEvent",
    "receiveTask",
    "callActivity",
}
SPLITS = ("parallelGateway", "inclusiveGateway")


def size_findings(roots: dict[str, etree._Element]) -> list[Finding]:
    """Findings for a bundle's .bpmn files that are too big to run; [] when all are within limits.
    Past the element limit nothing else is looked at (the other checks cost time per element)."""
    elements = element_counts(roots)
    total = sum(elements.values())
    if total > MAX_ELEMENTS:
        biggest = max(elements, key=elements.__getitem__)
        return [
            Finding(
                biggest,
                None,
                f"this bundle has {total:,} elements ({elements[biggest]:,} in this file); the limit is "
                f"{MAX_ELEMENTS:,}. Validate and deploy read, check and store every element (2,000 take "
                "1 s to validate, 1.5 s to deploy): split the work into separate bundles, or remove "
                "what no case runs",
            )
        ]
    processes, scopes = read_scopes(roots)
    findings = [f for scope in scopes.values() for f in _branches(scope) + _path(scope) + _endless(scope)]
    nesting = _nesting(processes, scopes)
    findings += nesting
    if not findings:
        findings += _planned(processes, scopes)
    return findings


def element_counts(roots: dict[str, etree._Element]) -> dict[str, int]:
    """Per file: the elements with an id inside its processes (the processes themselves included),
    and every sequence flow, with an id or not (the schema lets a flow go without one)."""
    return {
        path: sum(
            1
            for process in root.iterfind(".//bpmn:process", NS)
            for node in process.iter()
            if isinstance(node.tag, str)
            and etree.QName(node).namespace == BPMN
            and (node.get("id") or etree.QName(node).localname == "sequenceFlow")
        )
        for path, root in roots.items()
    }


def constant(text: str | None) -> int | None:
    """The value of a whole-number literal (`100`), else None (an expression over case data)."""
    try:
        value = ast.literal_eval((text or "").strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def instances(node: etree._Element) -> int | None:
    """The constant number of times an activity runs (multi-instance cardinality, loop maximum)."""
    multi = node.find("bpmn:multiInstanceLoopCharacteristics", NS)
    if multi is not None:
        return constant(multi.findtext("bpmn:loopCardinality", namespaces=NS))
    loop = node.find("bpmn:standardLoopCharacteristics", NS)
    return constant(loop.get("loopMaximum")) if loop is not None else None


def _branches(scope: Scope) -> list[Finding]:
    findings = []
    for node_id, node in scope.nodes.items():
        outgoing = scope.flows_out.get(node_id, 0)
        if local(node) in SPLITS and outgoing > MAX_BRANCHES:
            findings.append(
                Finding(
                    scope.path,
                    node_id,
                    f"this gateway splits into {outgoing:,} parallel branches; the limit is {MAX_BRANCHES}. "
                    "SpiffWorkflow checks every branch each time one reaches the join, so the time to "
                    "start a case grows with the square of the branches (50: 0.13 s, 100: 0.3 s, "
                    "300: 4.8 s): "
                    f"group the branches, a sub-process per group, with at most {MAX_BRANCHES} each",
                )
            )
        count = instances(node)
        if count is not None and count > MAX_INSTANCES:
            findings.append(
                Finding(
                    scope.path,
                    node_id,
                    f"this activity runs {count:,} times (a constant loop cardinality or maximum); the "
                    f"limit is {MAX_INSTANCES}. Each instance is a task of its own in the case, its "
                    "history and the inbox: run it over a list from the case data, or in groups",
                )
            )
    return findings


def _path(scope: Scope) -> list[Finding]:
    length, path = longest_path(scope)
    if length <= MAX_PATH:
        return []
    shown = " → ".join([*path[:3], "…", *path[-2:]])
    return [
        Finding(
            scope.path,
            path[-1],
            f"the longest path through {scope.id} reaches this element after {length:,} flow nodes "
            f"({shown}); the limit is {MAX_PATH}. SpiffWorkflow reads a diagram by following each "
            "path with one nested call per element, and Python gives up at about 490: move part "
            "of the path into a sub-process or a called process",
        )
    ]


def _endless(scope: Scope) -> list[Finding]:
    """Loops with no choice or event on them: SpiffWorkflow plans their tasks ahead without end
    (a RecursionError when a case starts), and no case could ever leave them."""
    findings = []
    for loop in walk(scope)[2]:
        if not any(local(scope.nodes[n]) in STOPS for n in loop):
            shown = " → ".join([*loop[:4], *(["…"] if len(loop) > 4 else []), loop[0]])
            findings.append(
                Finding(
                    scope.path,
                    loop[0],
                    f"this loop has no gateway or event on it ({shown}): SpiffWorkflow would plan "
                    "its tasks ahead without end, and no case could leave it; put an exclusive "
                    "gateway on the loop to decide when to leave",
                )
            )
    return findings


def _nesting(processes: dict[str, Scope], scopes: dict[tuple[str, str], Scope]) -> list[Finding]:
    """Calls that come back to a process already running (they nest without end), else anything
    nested deeper than MAX_NESTING below a main process (one that no call activity calls). A scope
    is walked again only when reached deeper than before: at most MAX_NESTING times."""
    findings = _call_loops(processes, scopes)
    if findings:
        return findings
    called = {
        n.get("calledElement")
        for s in scopes.values()
        for n in s.nodes.values()
        if local(n) == "callActivity"
    }
    deepest: dict[tuple[str, str], int] = {}
    stack: list[tuple[Scope, int, tuple[str, ...]]] = [
        (main, 0, (main.id,)) for p, main in processes.items() if p not in called
    ]
    while stack:
        scope, depth, chain = stack.pop()
        for node_id, inner in inner_scopes(scope, processes, scopes):
            if depth + 1 > MAX_NESTING:
                findings.append(
                    Finding(
                        scope.path,
                        node_id,
                        f"this is nested {depth + 1} deep ({' → '.join(chain[-3:])} → {node_id}); "
                        f"the limit is {MAX_NESTING} sub-processes and call activities inside each "
                        "other. Each level is a workflow of its own, restored and saved at every step: "
                        "flatten the inner levels into their parent",
                    )
                )
            elif deepest.get((inner.path, inner.id), -1) < depth + 1:
                deepest[(inner.path, inner.id)] = depth + 1
                stack.append((inner, depth + 1, (*chain, inner.id)))
    return list({(f.file, f.element_id): f for f in findings}.values())


def _call_loops(processes: dict[str, Scope], scopes: dict[tuple[str, str], Scope]) -> list[Finding]:
    """Call activities that call a process already running further out, found by a depth-first
    walk over the scopes (a flow back to one still on the walk's path closes a loop)."""
    findings = []
    state: dict[tuple[str, str], int] = {}  # 1 on the walk's path, 2 finished
    for root in processes.values():
        if (root.path, root.id) in state:
            continue
        state[(root.path, root.id)] = 1
        stack = [(root, inner_scopes(root, processes, scopes))]
        while stack:
            scope, inners = stack[-1]
            node_id, inner = next(inners, (None, None))
            if inner is None:
                state[(scope.path, scope.id)] = 2
                stack.pop()
            elif state.get((inner.path, inner.id)) == 1:
                path = [s.id for s, _ in stack]
                loop = " → ".join([*path[path.index(inner.id) :], inner.id])
                findings.append(
                    Finding(
                        scope.path,
                        node_id,
                        f"this call activity calls {inner.id}, which is already running further out "
                        f"({loop}); a process that calls itself nests without end: repeat the work "
                        "with a loop or a multi-instance activity instead",
                    )
                )
            elif (inner.path, inner.id) not in state:
                state[(inner.path, inner.id)] = 1
                stack.append((inner, inner_scopes(inner, processes, scopes)))
    return findings


def _planned(processes: dict[str, Scope], scopes: dict[tuple[str, str], Scope]) -> list[Finding]:
    """The tasks a case may hold at once, worked out as SpiffWorkflow plans them (nesting is within
    its limit and has no loop here, so the recursion over scopes is at most MAX_NESTING deep)."""
    planned = _planner(processes, scopes)
    findings = []
    for scope in scopes.values():
        if planned(scope) <= MAX_PLANNED:
            continue
        if any(planned(inner) > MAX_PLANNED for _, inner in inner_scopes(scope, processes, scopes)):
            continue  # reported on the inner scope, where the cause is
        splits = [
            f"{i} ({scope.flows_out[i]} branches)"
            for i, n in scope.nodes.items()
            if scope.flows_out.get(i, 0) > 1 and local(n) not in ("exclusiveGateway", "eventBasedGateway")
        ]
        cause = f"; the splits here: {', '.join(splits[:5])}" if splits else ""
        findings.append(
            Finding(
                scope.path,
                scope.id,
                f"a case of {scope.id} may hold {planned(scope):,} tasks at once (its sub-processes "
                f"counted as if they all ran together); the limit is {MAX_PLANNED:,}. SpiffWorkflow "
                "creates each task it can reach without a choice or an event in advance, one copy for "
                "every parallel branch that leads to it, so splits in a row multiply (two splits of "
                f"100 branches: 52 s to start a case){cause}. Put each "
                "split and its join inside a sub-process, or use fewer branches",
            )
        )
    return findings


def planned_tasks(roots: dict[str, etree._Element]) -> dict[str, int]:
    """The tasks a case of each process may hold at once (bench/model_limits.py); only for bundles
    that size_findings() accepts (a call loop would recurse without end)."""
    processes, scopes = read_scopes(roots)
    planned = _planner(processes, scopes)
    return {process_id: planned(scope) for process_id, scope in processes.items()}


def _planner(processes: dict[str, Scope], scopes: dict[tuple[str, str], Scope]) -> Callable[[Scope], int]:
    totals: dict[tuple[str, str], int] = {}

    def planned(scope: Scope) -> int:
        key = (scope.path, scope.id)
        if key not in totals:
            totals[key] = _planned_in(scope, processes, scopes, planned)
        return totals[key]

    return planned


def _planned_in(scope: Scope, processes, scopes, planned) -> int:
    """copies: how many of a node's tasks exist at once (a join gets one per arriving branch, and
    everything after it as many, until the next stop); runs: how many times it runs at once."""
    order, back = walk_order(scope)
    copies = dict.fromkeys(order, 0)
    runs = dict.fromkeys(order, 0)
    for start in scope.starts():
        copies[start] = runs[start] = 1
    for node_id in order:
        node = scope.nodes[node_id]
        stops = local(node) in STOPS
        for child in scope.successors[node_id]:
            if (node_id, child) in back:
                continue
            arriving = runs[node_id] if stops else copies[node_id]
            if local(scope.nodes[child]) in SPLITS:
                copies[child] += arriving  # every arriving branch has its own join, and what follows
            else:
                copies[child] = max(copies[child], arriving)
            runs[child] = max(runs[child], runs[node_id])
    total = sum(copies.values())
    total += 2 * sum(copies[i] for i in order if local(scope.nodes[i]) == "endEvent")  # its End tasks
    for node_id in order:
        node = scope.nodes[node_id]
        if local(node) in STOPS:  # the next two steps are planned as "maybe" tasks
            total += copies[node_id] * sum(1 + len(scope.successors[c]) for c in scope.successors[node_id])
        total += runs[node_id] * ((instances(node) or 1) - 1)
    for node_id, inner in inner_scopes(scope, processes, scopes):
        if node_id in runs:
            total += runs[node_id] * (instances(scope.nodes[node_id]) or 1) * planned(inner)
    return total
