"""Find every expression, script and DMN cell in a bundle's XML, tied to its element id."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)
EXPRESSION_PROPERTIES = ("dueDate", "candidateGroup")
EXPRESSION_PARTS = ("conditionExpression", "timeDate", "timeDuration", "timeCycle")  # not drawn


@dataclass(frozen=True)
class Expression:
    """Code found in a diagram: `mode` is `eval`, `exec` or `dmn-entry`."""

    element_id: str
    source: str
    mode: str
    what: str


def owner_id(node: etree._Element | None) -> str:
    """The id of the diagram element the code belongs to: not a part of it (an expression, an
    event definition), nor a SpiffWorkflow extension (a service operator or parameter has an id
    of its own, but the task is what is drawn)."""
    while node is not None:
        name = etree.QName(node)
        if (
            (node_id := node.get("id"))
            and name.namespace != SPIFF
            and name.localname not in EXPRESSION_PARTS
            and not name.localname.endswith("EventDefinition")
        ):
            return node_id
        node = node.getparent()
    return "?"


def bpmn_expressions(root: etree._Element) -> Iterator[Expression]:
    """Conditions, scripts, timer expressions, service parameters and task properties."""
    for node in root.iterfind(".//bpmn:conditionExpression", NS):
        if (text := node.text or "").strip():
            yield Expression(owner_id(node), text.strip(), "eval", "condition")
    for node in root.iterfind(".//bpmn:scriptTask/bpmn:script", NS):
        if (text := node.text or "").strip():
            yield Expression(owner_id(node), text, "exec", "script")
    for tag in ("preScript", "postScript"):
        for node in root.iterfind(f".//spiffworkflow:{tag}", NS):
            if (text := node.text or "").strip():
                yield Expression(owner_id(node), text, "exec", tag)
    for tag in ("timeDate", "timeDuration", "timeCycle"):
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            yield Expression(owner_id(node), (node.text or "").strip(), "eval", f"timer {tag}")
    for node in root.iterfind(".//spiffworkflow:parameter", NS):
        if (value := node.get("value")) is not None:
            yield Expression(owner_id(node), value, "eval", f"parameter '{node.get('id')}'")
    for node in root.iterfind(".//spiffworkflow:property", NS):
        if node.get("name") in EXPRESSION_PROPERTIES:
            yield Expression(owner_id(node), node.get("value", ""), "eval", f"property {node.get('name')}")


def dmn_expressions(root: etree._Element) -> Iterator[Expression]:
    """Input expressions and the input and output cells of every rule."""
    namespace = etree.QName(root).namespace
    ns = cast(dict[str, str], {"dmn": namespace})  # None (no namespace): lxml then finds nothing
    for node in root.iterfind(".//dmn:inputExpression/dmn:text", ns):
        yield Expression(owner_id(node), (node.text or "").strip(), "eval", "input expression")
    for rule in root.iterfind(".//dmn:rule", ns):
        for node in rule.iterfind("dmn:inputEntry/dmn:text", ns):
            yield Expression(rule.get("id", "?"), (node.text or "").strip(), "dmn-entry", "input cell")
        for node in rule.iterfind("dmn:outputEntry/dmn:text", ns):
            text = (node.text or "").strip()
            if text:
                yield Expression(rule.get("id", "?"), text, "eval", "output cell")
