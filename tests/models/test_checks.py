"""Validation before deploy: every kind of finding, triggered by a changed copy of the real
diagrams, names its file and element; errors block deploy and change nothing."""

from __future__ import annotations

import pytest

from engine.deploy.bundle_parser import parse_bundle
from engine.deploy.model_checks import check_bundle
from engine.errors import DeploymentError
from engine.spec.bundle import Bundle, read_bundle
from engine.spec.services import load_service_modules
from tests.conftest import BUNDLE
from tests.sandbox.places import bundle as hostile_bundle

REFLECTION = "reflection_recovery.bpmn"
SPLIT = '<bpmn:parallelGateway id="split_reflection">'
CONDITION = '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">extend_reflection<'
TIMER = "reflection['review_at']"
CAMUNDA = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '


@pytest.fixture(autouse=True)
def services():
    """The NRM's service tasks (tasks/), which the check looks operators up in."""
    load_service_modules(["tasks"])


def _changed(path: str, *edits: tuple[str, str], extra: dict[str, bytes] | None = None) -> Bundle:
    files = dict(read_bundle(BUNDLE).files)
    text = files[path].decode()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    files[path] = text.encode()
    return Bundle(files | (extra or {}))


def _finding(bundle: Bundle, file: str, element_id: str | None, words: str, severity: str = "error"):
    findings = check_bundle(bundle)
    for finding in findings:
        if (finding.file, finding.element_id, finding.severity) == (file, element_id, severity) and (
            words in finding.message
        ):
            return finding
    pytest.fail(f"no {severity} on {file}#{element_id} saying {words!r}; report: {findings}")


def test_the_shipped_diagrams_and_version_two_have_no_finding(version_two):
    assert check_bundle(read_bundle(BUNDLE)) == []
    assert check_bundle(version_two) == []


CASES = {
    "an element SpiffWorkflow does not run": (
        _changed(
            REFLECTION,
            (SPLIT, '<bpmn:complexGateway id="split_reflection" name="Split">'),
            ("</bpmn:parallelGateway>\n    <bpmn:userTask", "</bpmn:complexGateway>\n    <bpmn:userTask"),
        ),
        (REFLECTION, "split_reflection", "SpiffWorkflow does not run complex gateways"),
    ),
    "an element that is not BPMN 2.0": (
        _changed(REFLECTION, (SPLIT, SPLIT + '<bpmn:frobnicate id="frob" />')),
        (REFLECTION, "frob", "not valid BPMN 2.0"),
    ),
    "a lane that is not a group": (
        _changed("nrm_pathway.bpmn", ('name="Support provider"', 'name="Carers"')),
        ("nrm_pathway.bpmn", "lane_support_provider", "not a known group ('carers')"),
    ),
    "a timer duration left unquoted": (
        _changed(REFLECTION, (TIMER, "P30D")),
        (REFLECTION, "progress_review_due", "write it in quotes, 'P30D'"),
    ),
    "a timer that is not ISO 8601": (
        _changed(REFLECTION, (TIMER, "'in 30 days'")),
        (REFLECTION, "progress_review_due", "does not give an ISO 8601 value"),
    ),
    "a condition that tries to escape the sandbox": (
        _changed(
            REFLECTION, (CONDITION, CONDITION.replace(">extend_reflection<", ">().__class__.__bases__<"))
        ),
        (REFLECTION, "flow_extend", "refused by the sandbox"),
    ),
    "a script that imports": (
        _changed("adult_referral.bpmn", ("<bpmn:script>referred = True", "<bpmn:script>import os")),
        ("adult_referral.bpmn", "record_adult_referred", "script"),
    ),
    "a DMN cell that calls open": (
        _changed(
            "competent_authority.dmn", ('<text>"british_citizen"</text>', '<text>open("/etc/passwd")</text>')
        ),
        ("competent_authority.dmn", "rule_british_citizen", "input cell"),
    ),
    "a user task whose form does not exist": (
        _changed(REFLECTION, ('value="support-and-accommodation.json"', 'value="nowhere.json"')),
        (REFLECTION, "arrange_support", "forms/nowhere.json does not exist"),
    ),
    "a user task whose form is not a valid JSON Schema": (
        _changed(
            REFLECTION, extra={"forms/support-and-accommodation.json": b'{"type": "object", "properties": 5}'}
        ),
        (REFLECTION, "arrange_support", "is not a valid form"),
    ),
    "a user task without a form": (
        _changed(
            REFLECTION,
            (
                '<spiffworkflow:property name="formJsonSchemaFilename" '
                'value="support-and-accommodation.json" />',
                "",
            ),
        ),
        (REFLECTION, "arrange_support", "no formJsonSchemaFilename"),
    ),
    "a case file naming a form that does not exist": (
        _changed(
            "reasonable_grounds.bpmn",
            ('name="caseFile" value="choose-referral-form.json,', 'name="caseFile" value="referral.json,'),
        ),
        ("reasonable_grounds.bpmn", "decide_reasonable_grounds", "there is no form forms/referral.json"),
    ),
    "a case file naming a field the form does not have": (
        _changed(REFLECTION, ("adult-referral-form.json#languages", "adult-referral-form.json#tongue")),
        (REFLECTION, "arrange_support", "form adult-referral-form.json has no field 'tongue'"),
    ),
    "a case file naming an unknown section": (
        _changed("reasonable_grounds.bpmn", ("decisions, letters, history", "decisions, letters, memos")),
        ("reasonable_grounds.bpmn", "decide_reasonable_grounds", "'memos' is neither a form file"),
    ),
    "an unknown service": (
        _changed(REFLECTION, ('id="start_reflection_period"', 'id="start_the_clock"')),
        (REFLECTION, "begin_reflection_period", "unknown service task operator 'start_the_clock'"),
    ),
    "a called process that does not exist": (
        _changed("nrm_pathway.bpmn", ('calledElement="nrm_adult_referral"', 'calledElement="nrm_nowhere"')),
        ("nrm_pathway.bpmn", "refer_adult", "calls process 'nrm_nowhere', which no .bpmn file"),
    ),
    "a service parameter that tries to escape the sandbox": (
        _changed(
            "assisted_voluntary_return.bpmn",
            ("value=\"'arranged'\"", 'value="().__class__.__bases__"'),
        ),
        (
            "assisted_voluntary_return.bpmn",
            "produce_avr_letters",
            "parameter 'outcome': '().__class__.__bases__' is refused by the sandbox",
        ),
    ),
    "an empty service parameter": (
        _changed("assisted_voluntary_return.bpmn", ("value=\"'arranged'\"", 'value=""')),
        ("assisted_voluntary_return.bpmn", "produce_avr_letters", "empty parameter 'outcome'"),
    ),
    "an element id that is also a service parameter's": (
        _changed(REFLECTION, ('"arrange_support"', '"days"'), (">arrange_support<", ">days<")),
        (REFLECTION, "days", "also the id of a service operator or parameter"),
    ),
    "bpmnlint: a task without a label": (
        _changed(REFLECTION, ('name="Arrange support and safe accommodation"', "")),
        (REFLECTION, "arrange_support", "bpmnlint label-required"),
    ),
    "a reported field that is free text": (
        _changed("nrm_pathway.bpmn", ('value="age_group, ', 'value="given_names, age_group, ')),
        (
            "nrm_pathway.bpmn",
            "nrm_pathway",
            "reportedFields: given_names is free text; only closed choices may be reported, "
            "as facts are stored in clear",
        ),
    ),
    "a reported field that is a date": (
        _changed("nrm_pathway.bpmn", ('value="age_group, ', 'value="date_of_birth, age_group, ')),
        ("nrm_pathway.bpmn", "nrm_pathway", "reportedFields: date_of_birth is not a choice from a list"),
    ),
    "a reported field a script works out": (
        _changed(
            "nrm_pathway.bpmn",
            ('value="age_group, ', 'value="return_home_chosen_by, age_group, '),
            ("= False<", "= False\nreturn_home_chosen_by = str(age_group)<"),
        ),
        ("nrm_pathway.bpmn", "nrm_pathway", "return_home_chosen_by is set by a script to a value worked out"),
    ),
    "a reported field set nowhere": (
        _changed("nrm_pathway.bpmn", ('value="age_group, ', 'value="nickname, age_group, ')),
        ("nrm_pathway.bpmn", "nrm_pathway", "reportedFields: nickname is not a form's choice"),
    ),
}


@pytest.mark.parametrize("bundle, expected", list(CASES.values()), ids=list(CASES))
def test_each_kind_of_finding_names_its_element(bundle, expected):
    file, element_id, words = expected
    _finding(bundle, file, element_id, words)


def test_extensions_from_another_tool_are_a_warning_on_their_element():
    bundle = _changed(
        REFLECTION,
        ("xmlns:spiffworkflow=", CAMUNDA + "xmlns:spiffworkflow="),
        ('<bpmn:userTask id="arrange_support"', '<bpmn:userTask camunda:formKey="x" id="arrange_support"'),
    )
    finding = _finding(bundle, REFLECTION, "arrange_support", "'formKey' from http://camunda.org", "warning")
    assert "ignored by this engine" in finding.message
    assert not [f for f in check_bundle(bundle) if f.severity == "error"]


def test_bpmnlint_warnings_do_not_block():
    bundle = _changed(
        REFLECTION,
        (
            '<dc:Bounds x="520" y="625" width="100" height="80" />',
            '<dc:Bounds x="530" y="245" width="100" height="80" />',
        ),
    )
    findings = check_bundle(bundle)
    assert findings and all(f.severity == "warning" for f in findings), findings
    _finding(bundle, REFLECTION, "begin_reflection_period", "bpmnlint no-overlapping-elements", "warning")


OTHER_MAIN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="other_definitions" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="other_main" name="Another main process" isExecutable="true">
    <bpmn:startEvent id="other_start" name="Start"><bpmn:outgoing>other_flow</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="other_flow" sourceRef="other_start" targetRef="other_end" />
    <bpmn:endEvent id="other_end" name="End"><bpmn:incoming>other_flow</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="other_diagram"><bpmndi:BPMNPlane id="other_plane" bpmnElement="other_main">
    <bpmndi:BPMNShape id="other_start_di" bpmnElement="other_start">
    <dc:Bounds x="100" y="100" width="36" height="36" />
    </bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="other_end_di" bpmnElement="other_end">
    <dc:Bounds x="200" y="100" width="36" height="36" />
    </bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="other_flow_di" bpmnElement="other_flow"><di:waypoint x="136" y="118" />
    <di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def test_several_main_processes_are_refused():
    findings = check_bundle(_changed(REFLECTION, extra={"other.bpmn": OTHER_MAIN}))
    assert any("more than one main process" in f.message for f in findings), findings


PATHWAY = 'id="nrm_pathway" name="National Referral Mechanism pathway" isExecutable='
NOT_RUN = 'no process is marked executable: set isExecutable="true" on the main process'
IDLE = OTHER_MAIN.replace(b'isExecutable="true"', b'isExecutable="false"')
EMPTY = (
    b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x"/>'
)


@pytest.mark.parametrize(
    "bundle, file, element_id",
    [
        (
            _changed("nrm_pathway.bpmn", (PATHWAY + '"true"', PATHWAY + '"false"')),
            "nrm_pathway.bpmn",
            "nrm_pathway",
        ),
        (Bundle({"other.bpmn": IDLE}), "other.bpmn", "other_main"),
        (
            Bundle({"a.bpmn": IDLE.replace(b"other", b"a"), "b.bpmn": IDLE.replace(b"other", b"b")}),
            "a.bpmn",
            None,
        ),
    ],
)
def test_a_bundle_with_no_executable_main_process_is_told_to_mark_one(bundle, file, element_id):
    _finding(bundle, file, element_id, NOT_RUN)


def test_a_bundle_whose_processes_are_all_called_or_absent_is_told_so():
    calls_back = _changed(
        "reasonable_grounds.bpmn", ('calledElement="nrm_negative_decision"', 'calledElement="nrm_pathway"')
    )
    # Every process called by another means a loop of calls, which the size checks name first …
    _finding(calls_back, "reasonable_grounds.bpmn", "rg_negative_decision", "a process that calls itself")
    with pytest.raises(DeploymentError) as refused:  # … and the parser says why there is no main one
        parse_bundle(calls_back)
    assert any(
        "every process is called by another's call activity" in f.message for f in refused.value.findings
    )
    _finding(
        Bundle({"empty.bpmn": EMPTY}), "empty.bpmn", None, "no process: the diagrams hold no bpmn:process"
    )


@pytest.mark.parametrize(
    "path, content, words",
    [
        ("broken.bpmn", b"<bpmn:definitions", "not well-formed XML"),
        ("laughs.bpmn", b'<!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>', "DOCTYPE and entity declarations"),
        ("huge.bpmn", b"<x>" + b" " * (5 * 1024 * 1024) + b"</x>", "larger than the 5242880 byte limit"),
        ("notes.txt", b"hello", "not part of a bundle"),
        ("picture.bpmn", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "not a BPMN 2.0 file"),
    ],
)
def test_files_that_are_not_safe_bpmn_are_named(path, content, words):
    findings = check_bundle(_changed(REFLECTION, extra={path: content}))
    assert any(f.file == path and words in f.message and f.severity == "error" for f in findings), findings


def test_a_bundle_without_a_diagram_is_refused():
    findings = check_bundle(
        Bundle({"competent_authority.dmn": (BUNDLE / "competent_authority.dmn").read_bytes()})
    )
    assert any("no .bpmn file" in f.message for f in findings)


def test_a_timer_that_would_build_a_huge_value_is_not_evaluated_at_deploy():
    bomb = _changed(REFLECTION, (TIMER, "'x' * 10 ** 9 * 8"))
    findings = check_bundle(bomb, lint=False)
    assert not [f for f in findings if f.element_id == "progress_review_due" and "ISO 8601" in f.message]


def test_code_spiffworkflow_would_leave_unrun_is_refused():
    """A pre-script on a script task is never run; a cycle on an intermediate event leaves the
    case waiting on nothing."""
    script = hostile_bundle("script", ["x = 1"])
    xml = script.files["hostile.bpmn"].decode()
    xml = xml.replace(
        "<bpmn:script>",
        "<bpmn:extensionElements><spiffworkflow:preScript>y = 2"
        "</spiffworkflow:preScript></bpmn:extensionElements><bpmn:script>",
        1,
    )
    findings = check_bundle(Bundle({**script.files, "hostile.bpmn": xml.encode()}))
    assert any(
        f.element_id == "code_0" and "pre- or post-scripts on a script task" in f.message for f in findings
    )
    timer = hostile_bundle("timeDuration", ["'PT1H'"])
    xml = timer.files["hostile.bpmn"].decode().replace("timeDuration", "timeCycle")
    findings = check_bundle(Bundle({**timer.files, "hostile.bpmn": xml.encode()}))
    assert any(f.element_id == "code_0" and "a timer cycle repeats" in f.message for f in findings)
