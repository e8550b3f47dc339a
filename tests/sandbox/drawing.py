"""Drawing a generated test diagram, so that bpmnlint (which deploy runs) finds nothing in it but
what the test is about: names on every node, incoming and outgoing references, and BPMNDI
shapes and edges laid out in a row."""

from __future__ import annotations

from lxml import etree

from engine.spec.expressions import BPMN

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NOT_NODES = {"sequenceFlow", "laneSet", "extensionElements", "documentation", "property", "ioSpecification"}
BEFORE_REFERENCES = {"documentation", "extensionElements"}  # the XSD's order: these, then incoming


def _bpmn(tag: str) -> str:
    return f"{{{BPMN}}}{tag}"


def _insert_reference(node: etree._Element, tag: str, flow_id: str) -> None:
    reference = etree.Element(_bpmn(tag))
    reference.text = flow_id
    position = 0
    for index, child in enumerate(node):
        if etree.QName(child).localname in BEFORE_REFERENCES or etree.QName(child).localname == "incoming":
            position = index + 1
    node.insert(position, reference)


def draw(xml: bytes) -> bytes:
    """The diagram with names, flow references and a drawing for every process."""
    root = etree.fromstring(xml)
    for process in root.iterfind(_bpmn("process")):
        nodes = [n for n in process if etree.QName(n).localname not in NOT_NODES]
        flows = list(process.iterfind(_bpmn("sequenceFlow")))
        for node in nodes:
            node.set("name", node.get("name") or node.get("id").replace("_", " "))
        for flow in flows:
            if flow.find(_bpmn("conditionExpression")) is not None and not flow.get("name"):
                flow.set("name", "Yes")
            source = process.find(f"*[@id='{flow.get('sourceRef')}']")
            target = process.find(f"*[@id='{flow.get('targetRef')}']")
            _insert_reference(source, "outgoing", flow.get("id"))
            _insert_reference(target, "incoming", flow.get("id"))
        diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id=f"{process.get('id')}_diagram")
        plane = etree.SubElement(
            diagram, f"{{{BPMNDI}}}BPMNPlane", id=f"{process.get('id')}_plane", bpmnElement=process.get("id")
        )
        places = {}
        for lane in process.iter(_bpmn("lane")):
            shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{lane.get('id')}_di")
            shape.set("bpmnElement", lane.get("id"))
            shape.set("isHorizontal", "true")
            bounds = {"x": "0", "y": "0", "width": str(200 * len(nodes) + 100), "height": "400"}
            etree.SubElement(shape, f"{{{DC}}}Bounds", **bounds)
        for index, node in enumerate(nodes):
            places[node.get("id")] = (100 + 200 * index, 100 + 150 * (index % 2))
            x, y = places[node.get("id")]
            shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{node.get('id')}_di")
            shape.set("bpmnElement", node.get("id"))
            etree.SubElement(shape, f"{{{DC}}}Bounds", x=str(x), y=str(y), width="100", height="80")
        for flow in flows:
            edge = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{flow.get('id')}_di")
            edge.set("bpmnElement", flow.get("id"))
            for end, dx in ((flow.get("sourceRef"), 100), (flow.get("targetRef"), 0)):
                x, y = places[end]
                etree.SubElement(edge, f"{{{DI}}}waypoint", x=str(x + dx), y=str(y + 40))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
