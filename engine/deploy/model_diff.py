"""What changed between two versions of a bundle: elements added, removed and changed, by id.

An element (the root `definitions` too) is compared with what it says itself (its attributes,
text and the children that carry no id of their own, such as a condition or a timer definition);
a child with an id is an element of its own. The diagram's layout (BPMNDI) is reported once per
file, not per shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from engine.spec.xml_guard import parse_untrusted_xml

LAYOUT_NAMESPACES = (
    "http://www.omg.org/spec/BPMN/20100524/DI",
    "https://www.omg.org/spec/DMN/20191111/DMNDI/",
)


@dataclass(frozen=True)
class ElementChange:
    file: str
    element_id: str | None
    kind: str  # "added", "removed", "changed"
    what: str  # "userTask 'Make the reasonable grounds decision'" or "file"


def _inline(node: etree._Element) -> bool:
    return not node.get("id") or etree.QName(node).localname.endswith("EventDefinition")


def _own(node: etree._Element) -> tuple:
    """The element's own content: attributes, text, and the id-less children in order."""
    children = tuple(
        _own(child) if _inline(child) else ("ref", child.get("id"))
        for child in node
        if isinstance(child.tag, str)
    )
    attributes = tuple(sorted((k, v) for k, v in node.attrib.items()))
    return (node.tag, attributes, (node.text or "").strip(), children)


def _root_own(root: etree._Element) -> tuple:
    """The root's own content: its attributes, namespace declarations and the children without an
    id (an import, extension elements); its children with ids are compared one by one."""
    inline = tuple(_own(child) for child in root if isinstance(child.tag, str) and not child.get("id"))
    namespaces = tuple(sorted((root.nsmap or {}).items(), key=str))
    return (root.tag, tuple(sorted(root.attrib.items())), namespaces, inline)


def _elements(root: etree._Element) -> tuple[dict[str, etree._Element], tuple]:
    elements, layout = {}, []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if etree.QName(node).namespace in LAYOUT_NAMESPACES:
            if node.get("id"):
                layout.append(_own(node))
            continue
        if (node_id := node.get("id")) and not _inline(node) and node is not root:
            elements[node_id] = node
    return elements, tuple(layout)


def _describe(node: etree._Element) -> str:
    name = node.get("name")
    return etree.QName(node).localname + (f" {name!r}" if name else "")


def diff_bundles(old: dict[str, bytes], new: dict[str, bytes]) -> list[ElementChange]:
    """Changes from `old` to `new`, file by file, in the order of the new file's elements."""
    changes: list[ElementChange] = []
    for path in sorted(set(old) | set(new)):
        if path not in new:
            changes.append(ElementChange(path, None, "removed", "file"))
            continue
        if path not in old:
            changes.append(ElementChange(path, None, "added", "file"))
            continue
        if old[path] == new[path]:
            continue
        if path.endswith(".json"):
            changes.append(ElementChange(path, None, "changed", "form"))
            continue
        old_root, new_root = parse_untrusted_xml(old[path], path), parse_untrusted_xml(new[path], path)
        if _root_own(old_root) != _root_own(new_root):  # e.g. its target namespace or exporter
            changes.append(ElementChange(path, new_root.get("id"), "changed", _describe(new_root)))
        before, old_layout = _elements(old_root)
        after, new_layout = _elements(new_root)
        for element_id, node in after.items():
            if element_id not in before:
                changes.append(ElementChange(path, element_id, "added", _describe(node)))
            elif _own(node) != _own(before[element_id]):
                changes.append(ElementChange(path, element_id, "changed", _describe(node)))
        changes += [
            ElementChange(path, element_id, "removed", _describe(node))
            for element_id, node in before.items()
            if element_id not in after
        ]
        if old_layout != new_layout:
            changes.append(ElementChange(path, None, "changed", "diagram layout"))
    return changes
