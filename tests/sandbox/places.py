"""Bundles that put given code in each place diagram code can sit, for the hostile-code tests.

Every bundle is one process: start → "Give the input" (a form with `kind`, `n` and `keep_going`)
→ the code's element(s) → "After" → end, in one lane of the competent authority. A place holds
one piece of code per element, so one bundle can carry a whole corpus (for the checks before
deploy) or one piece (for a case to run).
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

from engine.spec.bundle import Bundle
from engine.spec.services import registered_services, service_task
from tests.sandbox.drawing import draw

ECHO = "echo_for_tests"

if ECHO not in registered_services():

    @service_task(ECHO)
    def _echo(ctx, **params):
        """A service task that gives back its parameters (they are evaluated before it is called)."""
        return params


INPUT_FORM = {
    "type": "object",
    "title": "Input",
    "additionalProperties": False,
    "properties": {
        "kind": {"type": "string", "title": "Kind"},
        "n": {"type": "integer", "title": "N"},
        "keep_going": {"type": "boolean", "title": "Keep going"},
    },
}
DONE_FORM = {"type": "object", "title": "Done", "additionalProperties": False, "properties": {}}
FORM = '<spiffworkflow:property name="formJsonSchemaFilename" value="{form}" />'


def _user_task(element_id: str, form: str, properties: str = "") -> str:
    return (
        f'<bpmn:userTask id="{element_id}" name="{element_id}"><bpmn:extensionElements>'
        f"<spiffworkflow:properties>{FORM.format(form=form)}{properties}</spiffworkflow:properties>"
        "</bpmn:extensionElements></bpmn:userTask>"
    )


def _flow(flow_id: str, source: str, target: str, inside: str = "") -> str:
    ends = f'sourceRef="{source}" targetRef="{target}"'
    return f'<bpmn:sequenceFlow id="{flow_id}" {ends}>{inside}</bpmn:sequenceFlow>'


def _timer(element_id: str, tag: str, code: str) -> str:
    return (
        f'<bpmn:intermediateCatchEvent id="{element_id}"><bpmn:timerEventDefinition id="{element_id}_timer">'
        f"<bpmn:{tag}>{escape(code)}</bpmn:{tag}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )


def _service_task(element_id: str, parameter: str, extension: str = "") -> str:
    """A service task calling the echo service with one parameter, and any other extension."""
    return (
        f'<bpmn:serviceTask id="{element_id}"><bpmn:extensionElements>{extension}'
        f'<spiffworkflow:serviceTaskOperator id="{ECHO}" resultVariable="echoed"><spiffworkflow:parameters>'
        f'<spiffworkflow:parameter id="{element_id}_value" type="any" value={quoteattr(parameter)} />'
        "</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>"
        "</bpmn:serviceTask>"
    )


def _script_task(element_id: str, script: str) -> str:
    return f'<bpmn:scriptTask id="{element_id}"><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>'


def _element(place: str, element_id: str, code: str) -> str:
    """One element holding `code` at `place` (the flows around it are added by `bundle`)."""
    if place == "condition":
        return f'<bpmn:exclusiveGateway id="{element_id}" default="{element_id}_no" />'
    if place == "script":
        return _script_task(element_id, code)
    if place in ("preScript", "postScript"):  # SpiffWorkflow runs them around any task but a script task
        return _service_task(
            element_id, "'n'", f"<spiffworkflow:{place}>{escape(code)}</spiffworkflow:{place}>"
        )
    if place == "timeCycle":  # repeats: on a non-interrupting boundary event of a user task
        cycle = f"{element_id}_cycle"
        timer = _timer(cycle, "timeCycle", code).replace("intermediateCatchEvent", "boundaryEvent")
        attached = f'<bpmn:boundaryEvent id="{cycle}" attachedToRef="{element_id}" cancelActivity="false">'
        return (
            _user_task(element_id, "done.json")
            + timer.replace(f'<bpmn:boundaryEvent id="{cycle}">', attached)
            + f'<bpmn:endEvent id="{cycle}_end" />'
            + _flow(f"{cycle}_out", cycle, f"{cycle}_end")
        )
    if place in ("timeDuration", "timeDate"):
        return _timer(element_id, place, code)
    if place == "parameter":
        return _service_task(element_id, code)
    if place in ("candidateGroup", "dueDate"):
        extra = f'<spiffworkflow:property name="{place}" value={quoteattr(code)} />'
        return _user_task(element_id, "done.json", extra)
    if place.startswith("dmn"):
        return (
            f'<bpmn:businessRuleTask id="{element_id}"><bpmn:extensionElements>'
            f"<spiffworkflow:calledDecisionId>decision_{element_id}</spiffworkflow:calledDecisionId>"
            "</bpmn:extensionElements></bpmn:businessRuleTask>"
        )
    raise ValueError(place)


def _decision(place: str, element_id: str, code: str) -> str:
    expression = code if place == "dmn input" else "n"
    entry = {"dmn input cell": code, "dmn input": "'ok'"}.get(place, "-")  # "-" never reads the input
    output = code if place == "dmn output cell" else "'ok'"
    return (
        f'<decision id="decision_{element_id}" name="Decide">'
        f'<decisionTable id="table_{element_id}" hitPolicy="FIRST">'
        f'<input id="input_{element_id}" label="In">'
        f'<inputExpression id="expression_{element_id}" typeRef="string">'
        f"<text>{escape(expression)}</text></inputExpression></input>"
        f'<output id="output_{element_id}" label="Out" name="decided" typeRef="string" />'
        f'<rule id="rule_{element_id}"><inputEntry id="entry_{element_id}"><text>{escape(entry)}</text>'
        f'</inputEntry><outputEntry id="out_{element_id}"><text>{escape(output)}</text></outputEntry>'
        "</rule></decisionTable></decision>"
    )


PLACES = (
    "condition",
    "script",
    "preScript",
    "postScript",
    "timeDuration",
    "timeDate",
    "timeCycle",
    "parameter",
    "candidateGroup",
    "dueDate",
    "dmn input",
    "dmn input cell",
    "dmn output cell",
)


def bundle(place: str, codes: list[str]) -> Bundle:
    """A bundle with one element per piece of code at `place`, in a row, in process `hostile`."""
    ids = [f"code_{i}" for i in range(len(codes))]
    nodes = ["give_input", *ids, "after"]
    flows, elements = [], []
    for i, (element_id, code) in enumerate(zip(ids, codes, strict=True)):
        elements.append(_element(place, element_id, code))
        if place == "condition":  # the conditioned flow and the default flow both go on
            condition = f"<bpmn:conditionExpression>{escape(code)}</bpmn:conditionExpression>"
            flows.append(_flow(f"{element_id}_yes", element_id, nodes[i + 2], condition))
            flows.append(_flow(f"{element_id}_no", element_id, nodes[i + 2]))
        else:
            flows.append(_flow(f"{element_id}_out", element_id, nodes[i + 2]))
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ["start", *nodes, "end"])
    process = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="hostile_definitions" '
        'targetNamespace="http://example.org/hostile">'
        '<bpmn:process id="hostile" name="Hostile" isExecutable="true">'
        f'<bpmn:laneSet id="lanes"><bpmn:lane id="lane_ca" name="Competent authority UKBA">{refs}</bpmn:lane>'
        '</bpmn:laneSet><bpmn:startEvent id="start" /><bpmn:sequenceFlow id="to_input" sourceRef="start" '
        f'targetRef="give_input" />{_user_task("give_input", "input.json")}'
        f'<bpmn:sequenceFlow id="from_input" sourceRef="give_input" targetRef="{nodes[1]}" />'
        + "".join(elements)
        + "".join(flows)
        + _user_task("after", "done.json")
        + '<bpmn:sequenceFlow id="to_end" sourceRef="after" targetRef="end" /><bpmn:endEvent id="end" />'
        "</bpmn:process></bpmn:definitions>"
    )
    files = {
        "hostile.bpmn": draw(process.encode()),
        "forms/input.json": json.dumps(INPUT_FORM).encode(),
        "forms/done.json": json.dumps(DONE_FORM).encode(),
    }
    if place.startswith("dmn"):
        decisions = "".join(_decision(place, i, c) for i, c in zip(ids, codes, strict=True))
        files["decisions.dmn"] = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="hostile_decisions" '
            f'name="Hostile" namespace="http://example.org/hostile">{decisions}</definitions>'
        ).encode()
    return Bundle(files)
