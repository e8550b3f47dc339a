"""The flow graph of a bundle's diagrams, read from the XML without SpiffWorkflow (model_limits.py).

A *scope* is a process or an embedded sub-process: its own flow nodes, joined by its sequence
flows and by each activity's attached boundary events. Successors keep SpiffWorkflow's parser
order (boundary events first, then outgoing flows in document order), so a depth-first walk here
visits nodes as the parser does. Every walk is iterative: the graphs it reads may be huge.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from engine.spec.expressions import BPMN, NS

SUB_PROCESSES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
ACTIVITIES = SUB_PROCESSES | {"task", "callActivity"}


def local(node: etree._Element) -> str:
    return etree.QName(node).localname


def is_flow_node(node: etree._Element) -> bool:
    if not isinstance(node.tag, str) or etree.QName(node).namespace != BPMN:
        return False
    name = local(node)
    return name in ACTIVITIES or name.endswith(("Task", "Event", "Gateway"))


@dataclass
class Scope:
    """A process or sub-process: its flow nodes by id (document order) and their successors."""

    path: str
    element: etree._Element
    nodes: dict[str, etree._Element] = field(default_factory=dict)
    successors: dict[str, list[str]] = field(default_factory=dict)
    flows_out: dict[str, int] = field(default_factory=dict)  # sequence flows leaving each node
    incoming: dict[str, int] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.element.get("id") or "?"

    def starts(self) -> list[str]:
        """Where SpiffWorkflow starts: the start events (or, without any, nodes nothing leads to)."""
        starts = [i for i, n in self.nodes.items() if local(n) == "startEvent"]
        return starts or [i for i in self.nodes if not self.incoming.get(i)]


def read_scope(path: str, element: etree._Element) -> Scope:
    scope = Scope(path, element)
    for child in element:
        if is_flow_node(child) and (child_id := child.get("id")):
            scope.nodes[child_id] = child
            scope.successors[child_id] = []
    for child in element.iterfind("bpmn:boundaryEvent", NS):
        attached, child_id = child.get("attachedToRef"), child.get("id")
        if attached in scope.successors and child_id in scope.nodes:
            scope.successors[attached].append(child_id)
            scope.incoming[child_id] = scope.incoming.get(child_id, 0) + 1
    for flow in element.iterfind("bpmn:sequenceFlow", NS):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in scope.nodes and target in scope.nodes:
            scope.successors[source].append(target)
            scope.flows_out[source] = scope.flows_out.get(source, 0) + 1
            scope.incoming[target] = scope.incoming.get(target, 0) + 1
    return scope


def read_scopes(roots: dict[str, etree._Element]) -> tuple[dict[str, Scope], dict[tuple[str, str], Scope]]:
    """Every process by id, and every scope (processes and sub-processes) by file and id."""
    processes: dict[str, Scope] = {}
    scopes: dict[tuple[str, str], Scope] = {}
    for path, root in roots.items():
        for process in root.iterfind(".//bpmn:process", NS):
            process_id = process.get("id", "")  # "" (not None) for a process without an id
            scope = processes.setdefault(process_id, read_scope(path, process))
            scopes[(path, process_id)] = scope
            for node in process.iter(*(f"{{{BPMN}}}{name}" for name in SUB_PROCESSES)):
                scopes[(path, node.get("id", ""))] = read_scope(path, node)
    return processes, scopes


def inner_scopes(
    scope: Scope, processes: dict[str, Scope], scopes: dict[tuple[str, str], Scope]
) -> Iterator[tuple[str, Scope]]:
    """(node id, the scope it runs) for each sub-process and call activity of a scope."""
    for node_id, node in scope.nodes.items():
        if local(node) in SUB_PROCESSES and (scope.path, node_id) in scopes:
            yield node_id, scopes[(scope.path, node_id)]
        elif local(node) == "callActivity" and (called := node.get("calledElement")) in processes:
            yield node_id, processes[called]


def walk_order(scope: Scope) -> tuple[list[str], set[tuple[str, str]]]:
    """Nodes reachable from the starts in topological order of the graph without its back edges
    (the flows that close a loop), found by a depth-first walk in the parser's order."""
    order, back, _ = walk(scope)
    return order, back


def walk(scope: Scope) -> tuple[list[str], set[tuple[str, str]], list[list[str]]]:
    """walk_order(), and the nodes of each loop it closes (from where the loop starts back to it)."""
    state: dict[str, int] = {}  # 1 on the walk's path, 2 finished
    finished: list[str] = []
    back: set[tuple[str, str]] = set()
    loops: list[list[str]] = []
    for start in scope.starts():
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(dict.fromkeys(scope.successors[start])))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[node] = 2
                finished.append(node)
            elif state.get(child) == 1:
                if (node, child) not in back:  # a flow drawn twice closes the same loop once
                    back.add((node, child))
                    path = [n for n, _ in stack]
                    loops.append(path[path.index(child) :])
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(dict.fromkeys(scope.successors[child]))))
    return finished[::-1], back, loops


def longest_path(scope: Scope) -> tuple[int, list[str]]:
    """The most flow nodes on one path from a start (loops counted once), and that path."""
    order, back = walk_order(scope)
    length = {n: 1 for n in order}
    before: dict[str, str] = {}
    for node in order:
        for child in scope.successors[node]:
            if (node, child) not in back and length[node] + 1 > length[child]:
                length[child], before[child] = length[node] + 1, node
    if not order:
        return 0, []
    end = max(order, key=lambda n: length[n])
    path = [end]
    while path[-1] in before:
        path.append(before[path[-1]])
    return length[end], path[::-1]
