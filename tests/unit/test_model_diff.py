"""The diff between two versions of a bundle names every changed element, the root included."""

from __future__ import annotations

from engine.deploy.model_diff import diff_bundles

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs"
                  targetNamespace="{namespace}" exporter="{exporter}">
  <bpmn:process id="p" name="P" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="review" name="{task}" />
  </bpmn:process>
</bpmn:definitions>"""


def _file(namespace="http://example.org/a", exporter="nrm", task="Review") -> dict[str, bytes]:
    return {"p.bpmn": BPMN.format(namespace=namespace, exporter=exporter, task=task).encode()}


def test_a_change_to_the_root_alone_is_named():
    changes = diff_bundles(_file(), _file(namespace="http://example.org/b"))
    assert [(c.element_id, c.kind, c.what) for c in changes] == [("defs", "changed", "definitions")]


def test_a_changed_element_is_named_and_the_unchanged_root_is_not():
    changes = diff_bundles(_file(), _file(task="Review again"))
    assert [(c.element_id, c.kind) for c in changes] == [("review", "changed")]


def test_the_same_content_written_differently_is_no_change():
    old = _file()
    new = {
        "p.bpmn": old["p.bpmn"].replace(b'<bpmn:startEvent id="start" />', b"<bpmn:startEvent id='start'/>")
    }
    assert new != old
    assert diff_bundles(old, new) == []


def test_a_change_to_a_root_child_without_an_id_is_named():
    def with_import(location: str) -> dict[str, bytes]:
        text = _file()["p.bpmn"].decode()
        element = f'<bpmn:import importType="http://www.w3.org/2001/XMLSchema" location="{location}" />'
        return {"p.bpmn": text.replace("  <bpmn:process", f"  {element}\n  <bpmn:process").encode()}

    changes = diff_bundles(with_import("a.xsd"), with_import("b.xsd"))
    assert [(c.element_id, c.kind) for c in changes] == [("defs", "changed")]
