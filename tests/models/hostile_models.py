"""Generated models for the size limits (docs/model-limits.md): each shape at any size, drawn with
full BPMNDI and labels, so that bpmnlint finds no error in them and only their size is in question.

Every model starts, runs to the user task `wait_here` (its wait state) and waits there. Used by
tests/models/test_limits.py and by bench/model_limits.py, which times starting a case on each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from engine.deploy.model_limits import planned_tasks
from engine.spec.bundle import Bundle
from engine.spec.xml_guard import parse_untrusted_xml

WAIT = "wait_here"
FORM = b'{"type": "object", "title": "Go on", "properties": {}}'
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="{id}_definitions" targetNamespace="http://example.org/hostile">\n'
)
USER_TASK = (
    "<bpmn:extensionElements><spiffworkflow:properties>"
    '<spiffworkflow:property name="formJsonSchemaFilename" value="{form}" />'
    '<spiffworkflow:property name="candidateGroup" value="\'competent-authority-ukba\'" />'
    "</spiffworkflow:properties></bpmn:extensionElements>"
)


@dataclass
class Node:
    """A flow node; a sub-process also holds nodes and flows of its own."""

    tag: str
    id: str
    name: str
    at: tuple[int, int]  # grid column and row of its shape
    head: str = ""  # child elements before incoming/outgoing (extension elements)
    tail: str = ""  # child elements after them (loop characteristics, a script)
    attributes: str = ""
    children: list[Node] = field(default_factory=list)
    flows: list[str] = field(default_factory=list)
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)


class Process:
    """One process in its own file: add nodes and flows, then `xml()`; every node and flow is drawn."""

    def __init__(self, process_id: str, name: str):
        self.id = process_id
        self.top = Node("process", process_id, name, (0, 0))
        self._nodes: dict[str, Node] = {}
        self._edges: list[str] = []

    def node(self, tag: str, node_id: str, name: str, at: tuple[int, int], parent: Node | None = None, **kw):
        added = Node(tag, node_id, name, at, **kw)
        (parent or self.top).children.append(added)
        self._nodes[node_id] = added
        return added

    def user_task(
        self,
        at: tuple[int, int],
        parent: Node | None = None,
        node_id: str = WAIT,
        loop: str = "",
        form="go-on.json",
    ) -> Node:
        head = USER_TASK.replace("{form}", form)
        return self.node("userTask", node_id, "Go on", at, parent, head=head, tail=loop)

    def script(self, node_id: str, at: tuple[int, int], parent: Node | None = None) -> Node:
        return self.node(
            "scriptTask", node_id, "Note it", at, parent, tail="<bpmn:script>noted = 1</bpmn:script>"
        )

    def flow(
        self, source: str, target: str, parent: Node | None = None, condition: str | None = None
    ) -> None:
        flow_id = f"flow_{source}_{target}"
        inner = ""
        if condition is not None:  # bpmnlint wants a label on a conditional flow
            inner = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>"
        name = ' name="Yes"' if condition is not None else ""
        (parent or self.top).flows.append(
            f'<bpmn:sequenceFlow id="{flow_id}"{name} sourceRef="{source}" targetRef="{target}">'
            f"{inner}</bpmn:sequenceFlow>\n"
        )
        self._nodes[source].outgoing.append(flow_id)
        self._nodes[target].incoming.append(flow_id)
        (sx, sy), (tx, ty) = _position(self._nodes[source].at), _position(self._nodes[target].at)
        self._edges.append(
            f'<bpmndi:BPMNEdge id="{flow_id}_di" bpmnElement="{flow_id}">'
            f'<di:waypoint x="{sx + 100}" y="{sy + 40}" /><di:waypoint x="{tx}" y="{ty + 40}" />'
            "</bpmndi:BPMNEdge>\n"
        )

    def chain(self, *ids: str, parent: Node | None = None) -> None:
        for source, target in zip(ids, ids[1:], strict=False):
            self.flow(source, target, parent)

    def xml(self) -> bytes:
        shapes = "".join(
            f'<bpmndi:BPMNShape id="{n.id}_di" bpmnElement="{n.id}">'
            f'<dc:Bounds x="{_position(n.at)[0]}" y="{_position(n.at)[1]}" width="100" height="80" />'
            "</bpmndi:BPMNShape>\n"
            for n in self._nodes.values()
        )
        return (
            HEAD.replace("{id}", self.id)
            + _element(self.top, ' isExecutable="true"')
            + f'<bpmndi:BPMNDiagram id="{self.id}_diagram">'
            + f'<bpmndi:BPMNPlane id="{self.id}_plane" bpmnElement="{self.id}">\n'
            + shapes
            + "".join(self._edges)
            + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n</bpmn:definitions>\n"
        ).encode()


def _element(node: Node, attributes: str = "") -> str:
    refs = "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f in node.incoming)
    refs += "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in node.outgoing)
    inside = "".join(_element(c, c.attributes) for c in node.children) + "".join(node.flows)
    return (
        f"<bpmn:{node.tag} id={quoteattr(node.id)} name={quoteattr(node.name)}{attributes}>"
        f"{node.head}{refs}{node.tail}{inside}</bpmn:{node.tag}>\n"
    )


def _position(at: tuple[int, int]) -> tuple[int, int]:
    return 100 + at[0] * 150, 100 + at[1] * 120


def bundle(*processes: Process) -> Bundle:
    """The processes, one file each, and the one form their user tasks share."""
    return Bundle({f"{p.id}.bpmn": p.xml() for p in processes} | {"forms/go-on.json": FORM})


def _waits_then_ends(process: Process, after: str, column: int) -> None:
    process.user_task((column, 0))
    process.node("endEvent", "finish", "Finished", (column + 1, 0))
    process.chain(after, WAIT, "finish")


def script_chain(length: int) -> Bundle:
    """A start event, `length` script tasks one after another, then the wait."""
    process = Process("hostile_chain", "A long chain of script tasks")
    process.node("startEvent", "begin", "Begin", (0, 0))
    ids = [f"script_{i}" for i in range(length)]
    for i, node_id in enumerate(ids):
        process.script(node_id, (i + 1, 0))
    process.chain("begin", *ids)
    _waits_then_ends(process, ids[-1] if ids else "begin", length + 1)
    return bundle(process)


def waits_in_a_row(tasks: int) -> Bundle:
    """Many elements but short paths: `tasks` user tasks one after another (each a wait state)."""
    process = Process("hostile_elements", "Many user tasks in a row")
    process.node("startEvent", "begin", "Begin", (0, 0))
    ids = [WAIT] + [f"task_{i}" for i in range(1, tasks)]
    for i, node_id in enumerate(ids):
        process.user_task((i + 1, 0), node_id=node_id)
    process.node("endEvent", "finish", "Finished", (tasks + 1, 0))
    process.chain("begin", *ids, "finish")
    return bundle(process)


def parallel_branches(branches: int, gateway: str = "parallelGateway", after: int = 0) -> Bundle:
    """A parallel (or inclusive) gateway splitting into `branches` script tasks, joined again, then
    the wait and `after` more user tasks (planned ahead once for every branch)."""
    process = Process("hostile_parallel", "Many parallel branches")
    process.node("startEvent", "begin", "Begin", (0, 0))
    process.node(gateway, "split", "Split", (1, 0))
    process.node(gateway, "join", "Join", (3, 0))
    process.flow("begin", "split")
    condition = "True" if gateway == "inclusiveGateway" else None
    for i in range(branches):
        process.script(f"branch_{i}", (2, i))
        process.flow("split", f"branch_{i}", condition=condition)
        process.flow(f"branch_{i}", "join")
    process.user_task((4, 0))
    ids = [f"then_{i}" for i in range(after)]
    for i, node_id in enumerate(ids):
        process.user_task((i + 5, 0), node_id=node_id)
    process.node("endEvent", "finish", "Finished", (after + 5, 0))
    process.chain("join", WAIT, *ids, "finish")
    return bundle(process)


def multi_instance(cardinality: int) -> Bundle:
    """The wait is a parallel multi-instance user task with a constant loop cardinality."""
    process = Process("hostile_instances", "A task repeated many times")
    process.node("startEvent", "begin", "Begin", (0, 0))
    loop = (
        '<bpmn:multiInstanceLoopCharacteristics isSequential="false">'
        f"<bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>"
        "</bpmn:multiInstanceLoopCharacteristics>"
    )
    process.user_task((1, 0), loop=loop)
    process.node("endEvent", "finish", "Finished", (2, 0))
    process.chain("begin", WAIT, "finish")
    return bundle(process)


def nested_subprocesses(depth: int) -> Bundle:
    """Embedded sub-processes `depth` deep (at least one); the innermost holds the wait."""
    process = Process("hostile_nested", "Sub-processes inside each other")
    process.node("startEvent", "begin", "Begin", (0, 0))
    process.node("endEvent", "finish", "Finished", (2, 0))
    parent, previous = None, "begin"
    for level in range(depth):
        sub = process.node("subProcess", f"level_{level}", f"Level {level}", (1, level), parent)
        process.chain(previous, sub.id, "finish" if parent is None else f"leave_{level - 1}", parent=parent)
        process.node("startEvent", f"enter_{level}", "Enter", (0, level + 1), sub)
        process.node("endEvent", f"leave_{level}", "Leave", (2, level + 1), sub)
        parent, previous = sub, f"enter_{level}"
    process.user_task((1, depth), parent)
    process.chain(previous, WAIT, f"leave_{depth - 1}", parent=parent)
    return bundle(process)


def called_processes(depth: int, loop: bool = False) -> Bundle:
    """A main process calling a process that calls another, `depth` calls deep; the last waits
    (or, with `loop`, calls the main process again)."""
    processes = []
    for level in range(depth + 1):
        process = Process(f"hostile_call_{level}", f"Called process {level}")
        process.node("startEvent", "begin", "Begin", (0, 0))
        if level < depth or loop:
            called = f"hostile_call_{(level + 1) % (depth + 1)}"
            process.node("callActivity", "call", "Call", (1, 0), attributes=f' calledElement="{called}"')
            process.node("endEvent", "finish", "Finished", (2, 0))
            process.chain("begin", "call", "finish")
        else:
            _waits_then_ends(process, "begin", 1)
        processes.append(process)
    return bundle(*processes)


def user_tasks_without_forms(count: int, drawn: bool = True) -> Bundle:
    """`count` errors, user tasks whose form does not exist, on short routes. Not drawn, bpmnlint
    adds one for each task and flow without a shape: about three findings per task."""
    process = _routes(
        "hostile_findings", "Thousands of findings", [40] * (count // 40) + [count % 40], "none.json"
    )
    files = dict(bundle(process).files)
    if not drawn:
        text = files["hostile_findings.bpmn"].decode()
        files["hostile_findings.bpmn"] = (text[: text.index("<bpmndi:")] + "</bpmn:definitions>\n").encode()
    return Bundle(files)


def many_elements(elements: int, route_length: int = 40) -> Bundle:
    """`elements` elements (up to 3 fewer) on short paths: after the wait, an exclusive gateway
    chooses one of many routes of user tasks (the first by default)."""
    routes = []
    left = elements - 6  # the process, begin, wait, the gateway and their two flows
    while left >= 4:  # a route: its flow in, tasks with flows between, its flow out, its end
        routes.append(min(route_length, (left - 2) // 2))
        left -= 2 * routes[-1] + 2
    return bundle(_routes("hostile_elements", "Many elements", routes))


def _routes(process_id: str, name: str, routes: list[int], form: str = "go-on.json") -> Process:
    """Begin, the wait, then an exclusive gateway choosing one of the routes (tasks in a row)."""
    process = Process(process_id, name)
    process.node("startEvent", "begin", "Begin", (0, 0))
    process.user_task((1, 0))
    routes = [length for length in routes if length > 0]
    default = ' default="flow_choose_route_0_0"'
    process.node("exclusiveGateway", "choose", "Which route?", (2, 0), attributes=default)
    process.chain("begin", WAIT, "choose")
    for r, length in enumerate(routes):
        ids = [f"route_{r}_{i}" for i in range(length)]
        for i, node_id in enumerate(ids):
            process.user_task((i + 3, r), node_id=node_id, form=form)
        process.node("endEvent", f"end_{r}", "Finished", (length + 3, r))
        process.flow("choose", ids[0], condition=None if r == 0 else "False")
        process.chain(*ids, f"end_{r}")
    return process


def splits_in_a_row(branches: int, splits: int) -> Bundle:
    """`splits` parallel splits one after another, each into `branches` script tasks joined again,
    before the wait: the most work a start can be made to do within the limits."""
    process = Process("hostile_splits", "Parallel splits in a row")
    process.node("startEvent", "begin", "Begin", (0, 0))
    previous = "begin"
    for s in range(splits):
        process.node("parallelGateway", f"split_{s}", "Split", (3 * s + 1, 0))
        process.node("parallelGateway", f"join_{s}", "Join", (3 * s + 3, 0))
        process.flow(previous, f"split_{s}")
        for b in range(branches):
            process.script(f"branch_{s}_{b}", (3 * s + 2, b))
            process.flow(f"split_{s}", f"branch_{s}_{b}")
            process.flow(f"branch_{s}_{b}", f"join_{s}")
        previous = f"join_{s}"
    _waits_then_ends(process, previous, 3 * splits + 1)
    return bundle(process)


def largest(make: Callable[[int], Bundle], limit: int) -> int:
    """The largest n for which a case of make(n) holds at most `limit` tasks at once (as the size
    check works it out: engine/deploy/model_limits.py)."""
    n = 1
    while _planned(make(n + 1)) <= limit:
        n += 1
    return n


def _planned(made: Bundle) -> int:
    roots = {p: parse_untrusted_xml(c, p) for p, c in made.files.items() if p.endswith(".bpmn")}
    return max(planned_tasks(roots).values())


def endless_loop() -> Bundle:
    """The wait, then a script task that leads back to it: a loop with no gateway to leave by."""
    process = Process("hostile_loop", "A loop without a way out")
    process.node("startEvent", "begin", "Begin", (0, 0))
    process.user_task((1, 0))
    process.script("again", (2, 0))
    process.chain("begin", WAIT, "again", WAIT)
    return bundle(process)
