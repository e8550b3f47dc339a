"""Parse and check a bundle before it may be deployed: one report, each finding tied to an element."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.deploy.closed_facts import open_reported_fields
from engine.errors import DeploymentError, Finding, SandboxViolation, UnsafeXml
from engine.sandbox.code_trial import CodeTrials
from engine.sandbox.environment import check_expression, check_script
from engine.sandbox.rules import shown_code
from engine.spec.bounded_instances import bounded_parser
from engine.spec.bundle import LABELS_FILE, Bundle
from engine.spec.case_facts import reported_fields_of
from engine.spec.case_file import CASE_FILE_PROPERTY, FORM_PROPERTY, check_case_file
from engine.spec.expressions import NS, bpmn_expressions, dmn_expressions
from engine.spec.forms import check_form_schema
from engine.spec.retention import retention_of
from engine.spec.services import registered_services
from engine.spec.xml_guard import parse_untrusted_xml


@dataclass
class ParsedBundle:
    """What deploy stores: the main process, its parsed specs and its forms."""

    process_id: str
    process_name: str
    spec: Any
    subprocess_specs: dict[str, Any]
    forms: dict[str, dict] = field(default_factory=dict)


def _check_dmn_entry(source: str) -> None:
    # Mirrors SpiffWorkflow's DMN engine: '-' or empty matches anything, '?' stands for the input,
    # and an entry that is not an expression on its own is appended to the input (`in (...)`).
    if source in ("", "-"):
        return
    source = source.replace("?", "dmninputexpr")
    try:
        check_expression(source)
    except SandboxViolation as error:
        if "not valid Python" not in str(error):
            raise
        check_expression(f"dmninputexpr {source}")


def check_code(roots: dict[str, etree._Element], dmn: set[str]) -> list[Finding]:
    """Every expression, script and decision cell: the sandbox's rules, and a trial of code that
    reads no case data (engine/sandbox/code_trial.py)."""
    findings = []
    trials = CodeTrials()
    for path, root in roots.items():
        expressions = dmn_expressions(root) if path in dmn else bpmn_expressions(root)
        for expression in expressions:
            try:
                if not expression.source:
                    raise SandboxViolation(f"empty {expression.what}")
                if expression.mode == "exec":
                    check_script(expression.source)
                elif expression.mode == "dmn-entry":
                    _check_dmn_entry(expression.source)
                else:
                    check_expression(expression.source)
            except SandboxViolation as error:
                findings.append(Finding(path, expression.element_id, f"{expression.what}: {error}"))
                continue
            mode = "exec" if expression.mode == "exec" else "eval"  # a decision cell that is an expression
            stored = mode == "exec" or expression.what == "output cell"
            source = expression.source if mode == "exec" else expression.source.strip()
            problem = trials.problem(source, mode, stored)
            if problem:
                shown = shown_code(expression.source)
                findings.append(Finding(path, expression.element_id, f"{expression.what} {shown} {problem}"))
    return findings


def _check_services(roots: dict[str, etree._Element]) -> list[Finding]:
    known = registered_services()
    findings = []
    for path, root in roots.items():
        for node in root.iterfind(".//spiffworkflow:serviceTaskOperator", NS):
            if node.get("id") not in known:
                parent = node.getparent()  # extensionElements, inside the task (if it is where it belongs)
                owner = parent.getparent() if parent is not None else None
                findings.append(
                    Finding(
                        path,
                        owner.get("id") if owner is not None else None,
                        f"unknown service task operator {node.get('id')!r}; "
                        f"known: {', '.join(sorted(known)) or 'none'}",
                    )
                )
    return findings


def _check_ids(roots: dict[str, etree._Element]) -> list[Finding]:
    """SpiffWorkflow indexes every element with an id, extension elements included: a task whose id
    equals its service operator's id (or a parameter's) fails to parse with a misleading message."""
    findings = []
    for path, root in roots.items():
        extension_ids = {
            n.get("id")
            for tag in ("serviceTaskOperator", "parameter")
            for n in root.iterfind(f".//spiffworkflow:{tag}", NS)
        }
        for node in root.iterfind(".//bpmn:process//*[@id]", NS):
            if etree.QName(node).namespace == NS["bpmn"] and node.get("id") in extension_ids:
                findings.append(
                    Finding(
                        path,
                        node.get("id"),
                        "this id is also the id of a service operator or "
                        "parameter; give the element a different id",
                    )
                )
    return findings


def _check_forms(roots: dict[str, etree._Element], bundle: Bundle) -> tuple[dict[str, dict], list[Finding]]:
    files = bundle.forms()
    forms, findings = {}, []
    for name, content in files.items():
        try:
            forms[name] = check_form_schema(content)
        except ValueError as error:
            findings.append(Finding(f"forms/{name}", None, str(error)))
    for path, root in roots.items():
        for task in root.iterfind(".//bpmn:userTask", NS):
            form = task.find(f".//spiffworkflow:property[@name='{FORM_PROPERTY}']", NS)
            if form is None:
                findings.append(Finding(path, task.get("id"), f"user task has no {FORM_PROPERTY} property"))
            elif form.get("value") not in files:
                findings.append(
                    Finding(path, task.get("id"), f"form forms/{form.get('value')} does not exist")
                )
            elif form.get("value") not in forms:
                findings.append(
                    Finding(
                        path,
                        task.get("id"),
                        f"form forms/{form.get('value')} is not a valid form (see above)",
                    )
                )
            case_file = task.find(f".//spiffworkflow:property[@name='{CASE_FILE_PROPERTY}']", NS)
            if case_file is not None:
                findings += [
                    Finding(path, task.get("id"), problem)
                    for problem in check_case_file(case_file.get("value") or "", forms)
                ]
    return forms, findings


def _no_main_process(roots: dict[str, etree._Element], called: set, executable: set[str]) -> Finding:
    """Why no process can run first. SpiffWorkflow runs only processes marked executable (its
    `get_process_ids` lists no others), and models from other tools often mark none."""
    processes = {
        process_id: path
        for path, root in roots.items()
        for p in root.iterfind("bpmn:process", NS)
        if (process_id := p.get("id")) is not None
    }
    where = next(iter(roots), "bundle")
    if not processes:
        return Finding(where, None, "no process: the diagrams hold no bpmn:process element")
    idle = sorted(p for p in processes if p not in executable and p not in called)
    if idle:
        message = 'no process is marked executable: set isExecutable="true" on the main process'
        return Finding(processes[idle[0]], idle[0] if len(idle) == 1 else None, message)
    return Finding(where, None, "no main process: every process is called by another's call activity")


def _main_process(
    roots: dict[str, etree._Element], parser: SpiffBpmnParser
) -> tuple[str | None, list[Finding]]:
    called = {
        n.get("calledElement") for root in roots.values() for n in root.iterfind(".//bpmn:callActivity", NS)
    }
    executable = parser.get_process_ids()
    main = [p for p in executable if p not in called]
    if len(main) == 1:
        return main[0], []
    where = next(iter(roots), "bundle")
    if not main:
        return None, [_no_main_process(roots, called, set(executable))]
    return None, [
        Finding(
            where,
            None,
            f"more than one main process ({', '.join(sorted(main))}); "
            "a bundle deploys one process and the processes it calls",
        )
    ]


def parse_bundle(bundle: Bundle) -> ParsedBundle:
    """Check everything, then parse with SpiffWorkflow; raise DeploymentError with every finding."""
    findings: list[Finding] = []
    roots: dict[str, etree._Element] = {}
    dmn_paths: set[str] = set()
    for path in bundle.paths(".bpmn") + bundle.paths(".dmn"):
        try:
            roots[path] = parse_untrusted_xml(bundle.files[path], path)
        except UnsafeXml as error:
            findings.append(Finding(path, None, str(error).removeprefix(f"{path}: ")))
        if path.endswith(".dmn"):
            dmn_paths.add(path)
    if findings:
        raise DeploymentError(findings)  # nothing else is safe to look at
    forms, form_findings = _check_forms({p: r for p, r in roots.items() if p not in dmn_paths}, bundle)
    findings += form_findings
    findings += check_code(roots, dmn_paths)
    findings += _check_services({p: r for p, r in roots.items() if p not in dmn_paths})
    findings += _check_ids({p: r for p, r in roots.items() if p not in dmn_paths})
    if findings:
        raise DeploymentError(findings)

    parser = bounded_parser()
    try:
        for path, root in roots.items():
            if path in dmn_paths:
                parser.add_dmn_xml(root, filename=path)
            else:
                parser.add_bpmn_xml(root, filename=path)
        process_id, main_findings = _main_process(
            {p: r for p, r in roots.items() if p not in dmn_paths}, parser
        )
        if main_findings:
            raise DeploymentError(main_findings)
        assert process_id is not None  # no findings: the one main process
        for path, root in roots.items():
            try:
                reported = reported_fields_of(root, process_id)
                retention_of(root, process_id)
            except ValueError as error:
                raise DeploymentError([Finding(path, process_id, str(error))]) from None
            not_closed = open_reported_fields(
                reported, forms, roots, bundle.files.get(LABELS_FILE), (path, process_id)
            )
            if not_closed:
                raise DeploymentError(not_closed)
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as error:
        message = str(error).split("\n")[0]
        if error.__context__ is not None and message.startswith(f"{type(error.__context__).__name__}("):
            message = _in_words(error.__context__) or message  # the parser's wrapper: a bare repr
        raise DeploymentError([Finding(error.file_name or "bundle", error.id or None, message)]) from None
    except DeploymentError:
        raise
    except Exception as error:  # SpiffWorkflow raises plain exceptions for some malformed models
        raise DeploymentError(
            [Finding("bundle", None, _in_words(error) or f"SpiffWorkflow cannot read it: {error}")]
        ) from None
    return ParsedBundle(process_id, spec.description or process_id, spec, subprocess_specs, forms)


def _in_words(error: BaseException | None) -> str | None:
    """What a Python error inside SpiffWorkflow's parser means for the diagram (its parser wraps them
    in a ValidationException whose message is the bare repr: `RecursionError('maximum recursion…')`)."""
    if isinstance(error, RecursionError):
        return (
            "SpiffWorkflow could not read this diagram: it follows each path one nested call per element, "
            "and a path here is too long for it; move part of the path into a sub-process or a called process"
        )
    if isinstance(error, MemoryError):
        return "SpiffWorkflow ran out of memory reading this diagram: make it smaller"
    if error is not None and not isinstance(error, ValidationException):
        name = type(error).__name__
        return f"SpiffWorkflow could not read this element ({name} {error}); check its type and connections"
    return None
