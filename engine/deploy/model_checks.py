"""Validation before deploy: one report over a whole bundle, each finding tied to a file and element.

`parse_bundle` stops at the first kind of problem, because what follows is unsafe to look at;
this report goes on as far as it safely can, so a process owner sees everything to fix at once.
Errors block deploy; warnings (bpmnlint's `warn` rules, extensions this engine ignores) don't.
"""

from __future__ import annotations

import ast
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from importlib import resources
from typing import cast

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine import clock
from engine.access.rules import WORKING_GROUPS, is_working_group
from engine.access.users import lane_group
from engine.deploy.bundle_parser import ParsedBundle, check_code, parse_bundle
from engine.deploy.model_limits import size_findings
from engine.deploy.model_lint import lint_bundle
from engine.errors import DeploymentError, Finding, SandboxViolation, UnsafeXml
from engine.sandbox.environment import SandboxEnvironment
from engine.sandbox.rules import parse_code
from engine.sandbox.runner import bounded_runner
from engine.spec.bundle import BUNDLE_SUFFIXES, LABELS_FILE, MAX_FILE_BYTES, Bundle, is_text_file
from engine.spec.expressions import BPMN, NS, SPIFF, owner_id
from engine.spec.process_labels import check_labels
from engine.spec.services import registered_services
from engine.spec.xml_guard import SAVE_AS_UTF8, parse_untrusted_xml
from engine.working_days import diagram_helper

# Namespaces a diagram may use: BPMN and its diagram interchange, XML Schema instance, ours.
KNOWN_NAMESPACES = frozenset(
    {
        BPMN,
        SPIFF,
        "http://www.omg.org/spec/BPMN/20100524/DI",
        "http://www.omg.org/spec/DD/20100524/DC",
        "http://www.omg.org/spec/DD/20100524/DI",
        "http://www.w3.org/2001/XMLSchema-instance",
    }
)
# Flow elements inside a process that SpiffWorkflow's parser has no class for (it would skip or
# refuse them) and artefacts that carry no behaviour.
NOT_RUN = {
    "complexGateway": "complex gateways",
    "transaction": "transactions",
    "adHocSubProcess": "ad hoc sub-processes",
}
DEFAULT_REGION = "england-and-wales"  # a trial run only checks the form of the value
ISO_8601 = re.compile(r"^R?\d*/?P(\d+[YMWD])*(T(\d+[HMS])*)?$|^\d{4}-\d{2}-\d{2}", re.IGNORECASE)


def _xsd() -> etree.XMLSchema:
    schema = resources.files("SpiffWorkflow.bpmn.parser") / "schema" / "BPMN20.xsd"
    with resources.as_file(schema) as path:
        return etree.XMLSchema(etree.parse(str(path)))


_SCHEMA: etree.XMLSchema | None = None


def _element_at(root: etree._Element, line: int) -> str | None:
    """The id of the last element with an id that starts at or before `line` (the XSD log has lines)."""
    found = None
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.sourceline is not None and node.sourceline > line:
            break
        if node.get("id"):
            found = node.get("id")
    return found


def _schema_findings(path: str, root: etree._Element) -> list[Finding]:
    global _SCHEMA
    _SCHEMA = _SCHEMA or _xsd()
    try:
        if _SCHEMA.validate(root):
            return []
    except etree.LxmlError as error:  # libxml2 gives up on some trees ("Internal error ...")
        return [Finding(path, None, f"cannot be checked against BPMN 2.0 ({error}); {SAVE_AS_UTF8}")]
    findings = []
    for entry in list(_SCHEMA.error_log)[:20]:
        message = re.sub(r"\{[^}]*\}", "", entry.message)  # namespaces make the message unreadable
        findings.append(Finding(path, _element_at(root, entry.line), f"not valid BPMN 2.0: {message}"))
    return findings


def _ignored_code(path: str, root: etree._Element) -> list[Finding]:
    """Code SpiffWorkflow would leave unrun, so the case would not do what the diagram says."""
    findings = [
        Finding(
            path,
            task.get("id"),
            "SpiffWorkflow does not run pre- or post-scripts on a script task: put the code in the script",
        )
        for task in root.iterfind(".//bpmn:scriptTask", NS)
        if task.find("bpmn:extensionElements/spiffworkflow:preScript", NS) is not None
        or task.find("bpmn:extensionElements/spiffworkflow:postScript", NS) is not None
    ]
    findings += [
        Finding(
            path,
            event.get("id"),
            "a timer cycle repeats, so it belongs on a non-interrupting boundary event; "
            "here use a date (timeDate) or a duration (timeDuration)",
        )
        for event in root.iterfind(".//bpmn:intermediateCatchEvent", NS)
        if event.find("bpmn:timerEventDefinition/bpmn:timeCycle", NS) is not None
    ]
    return findings


def _unsupported(path: str, root: etree._Element) -> list[Finding]:
    findings = _ignored_code(path, root)
    known = set(SpiffBpmnParser.PARSER_CLASSES) | set(SpiffBpmnParser.OVERRIDE_PARSER_CLASSES)
    for process in root.iterfind(".//bpmn:process", NS):
        for node in process.iter():
            if not isinstance(node.tag, str):
                continue
            name = etree.QName(node)
            if name.namespace == BPMN and name.localname in NOT_RUN:
                findings.append(
                    Finding(path, node.get("id"), f"SpiffWorkflow does not run {NOT_RUN[name.localname]}")
                )
            elif name.namespace == BPMN and name.localname.endswith("Task") and node.tag not in known:
                findings.append(
                    Finding(path, node.get("id"), f"SpiffWorkflow does not run bpmn:{name.localname}")
                )
    foreign: dict[str, tuple[str | None, str]] = {}
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        for name in [node.tag, *node.attrib]:
            namespace = etree.QName(name).namespace
            if namespace and namespace not in KNOWN_NAMESPACES:
                owner = (
                    node if node.get("id") else next((a for a in node.iterancestors() if a.get("id")), node)
                )
                foreign.setdefault(namespace, (owner.get("id"), etree.QName(name).localname))
    for namespace, (element_id, localname) in sorted(foreign.items()):
        findings.append(
            Finding(
                path,
                element_id,
                f"extension {localname!r} from {namespace} is ignored by this engine "
                "(made in another tool?): set what it means with the NRM engine properties",
                "warning",
            )
        )
    return findings


def _lanes(path: str, root: etree._Element) -> list[Finding]:
    """A user task is offered to its candidateGroup property, or else to its lane's group."""
    findings = []
    for lane in root.iterfind(".//bpmn:lane", NS):
        refs = {r.text.strip() for r in lane.iterfind("bpmn:flowNodeRef", NS) if r.text}
        for task in root.iterfind(".//bpmn:userTask", NS):
            if task.get("id") not in refs:
                continue
            if task.find(".//spiffworkflow:property[@name='candidateGroup']", NS) is not None:
                continue
            group = lane_group(lane.get("name"))
            if not is_working_group(group):
                findings.append(
                    Finding(
                        path,
                        lane.get("id"),
                        f"lane {lane.get('name')!r} holds user task {task.get('id')} "
                        f"but is not a known group ({group!r}); "
                        f"name the lane after one of: {', '.join(WORKING_GROUPS)}, "
                        "or Competent authority and its code (Competent authority UKBA)",
                    )
                )
                break
    return findings


def _called_processes(roots: dict[str, etree._Element]) -> list[Finding]:
    processes = {
        process_id
        for root in roots.values()
        for p in root.iterfind(".//bpmn:process", NS)
        if (process_id := p.get("id")) is not None
    }
    return [
        Finding(
            path,
            call.get("id"),
            f"calls process {call.get('calledElement')!r}, which no .bpmn file of this bundle holds; "
            f"known processes: {', '.join(sorted(processes))}",
        )
        for path, root in roots.items()
        for call in root.iterfind(".//bpmn:callActivity", NS)
        if call.get("calledElement") not in processes
    ]


def _free_names(source: str) -> set[str]:
    try:
        tree = parse_code(source.strip(), "eval")
    except SandboxViolation:  # reported by the code check
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _plain(source: str) -> bool:
    """A text, or working_days() of constants: what may be evaluated at deploy. Anything else (an
    expression that could build a huge value in the web worker) waits until the timer is reached."""
    try:
        tree = cast(ast.Expression, parse_code(source, "eval")).body
    except SandboxViolation:
        return False  # the code check reports what is wrong with it
    if isinstance(tree, ast.Constant):
        return True
    return (
        isinstance(tree, ast.Call)
        and isinstance(tree.func, ast.Name)
        and tree.func.id == "working_days"
        and not tree.keywords
        and all(isinstance(a, ast.Constant) for a in tree.args)
    )


def _timers(path: str, root: etree._Element) -> list[Finding]:
    """A timer with no case data in it is evaluated now; it must give an ISO 8601 text."""
    findings = []
    sandbox = SandboxEnvironment()
    for tag in ("timeDate", "timeDuration", "timeCycle"):
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            source = (node.text or "").strip()
            owner = owner_id(node)
            names = _free_names(source)
            if not source or names - {"working_days"} or not _plain(source):
                if len(names) == 1 and ISO_8601.match(source):
                    findings.append(
                        Finding(
                            path, owner, f"timer {source} is read as Python: write it in quotes, '{source}'"
                        )
                    )
                continue  # depends on case data: evaluated when the timer is reached
            try:
                helpers = {"working_days": diagram_helper(clock.now(), DEFAULT_REGION)}
                value = sandbox.evaluate(source, {}, helpers)
                if tag == "timeDate":
                    TimerEventDefinition.get_datetime(value)
                elif tag == "timeDuration":
                    TimerEventDefinition.parse_iso_duration(value)
                else:
                    TimerEventDefinition.parse_iso_recurring_interval(value)
            except Exception as error:  # a sandbox refusal is reported by the code check already
                if type(error).__name__ != "SandboxViolation":
                    findings.append(
                        Finding(
                            path, owner, f"timer {tag} {source!r} does not give an ISO 8601 value: {error}"
                        )
                    )
    return findings


def check_bundle(bundle: Bundle, *, lint: bool = True) -> list[Finding]:
    """Every finding for a bundle, errors first; no error means it may be deployed."""
    return review_bundle(bundle, lint=lint)[0]


MAX_REPORTED = 100  # findings listed in one report; a count stands for the rest
_REVIEWS: OrderedDict[tuple, tuple[list[Finding], ParsedBundle | None]] = OrderedDict()
_REVIEWS_KEPT = 16
_REVIEWS_LOCK = threading.Lock()


def review_bundle(bundle: Bundle, *, lint: bool = True) -> tuple[list[Finding], ParsedBundle | None]:
    """The findings, and the parsed bundle when SpiffWorkflow could parse it (deploy stores that).

    Kept in this process per content hash (and lint, and the service operators known): a bundle's
    content never changes under its hash, and validate-then-deploy, or the test suite deploying the
    same bundle into many fresh databases, would otherwise pay bpmnlint's Node start (docs/performance.md)
    and SpiffWorkflow's parse each time. The parsed specs are only read (deploy serializes them).
    The code budget is in the key too: the trials of code that reads no case data depend on it."""
    key = (bundle.content_hash, lint, frozenset(registered_services()), bounded_runner().budget)
    with _REVIEWS_LOCK:
        if key in _REVIEWS:
            _REVIEWS.move_to_end(key)
            findings, parsed = _REVIEWS[key]
            return list(findings), parsed
    findings, parsed = _review(bundle, lint=lint)
    with _REVIEWS_LOCK:
        _REVIEWS[key] = (findings, parsed)
        while len(_REVIEWS) > _REVIEWS_KEPT:
            _REVIEWS.popitem(last=False)
    return list(findings), parsed


def _check_text(path: str, content: bytes) -> list[Finding]:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return [Finding(path, None, "not UTF-8 text; save it as UTF-8 and upload it again")]
    return []


def _review(bundle: Bundle, *, lint: bool) -> tuple[list[Finding], ParsedBundle | None]:
    findings: list[Finding] = []
    roots: dict[str, etree._Element] = {}
    for path, content in sorted(bundle.files.items()):
        form = path.startswith("forms/") and path.endswith(".json")
        if not (path.endswith(BUNDLE_SUFFIXES) or form or path == LABELS_FILE or is_text_file(path)):
            findings.append(
                Finding(
                    path,
                    None,
                    "not part of a bundle: upload .bpmn, .dmn, labels.json, forms/*.json "
                    "or letters/*.txt files",
                )
            )
            continue
        if len(content) > MAX_FILE_BYTES:
            findings.append(
                Finding(path, None, f"{len(content)} bytes is larger than the {MAX_FILE_BYTES} byte limit")
            )
            continue
        if path == LABELS_FILE:
            findings += check_labels(content)
        if is_text_file(path):
            findings += _check_text(path, content)
            continue
        if path.endswith(".json"):
            continue
        try:
            roots[path] = parse_untrusted_xml(content, path)
        except UnsafeXml as error:
            findings.append(Finding(path, None, str(error).removeprefix(f"{path}: ")))
    bpmn = {p: r for p, r in roots.items() if p.endswith(".bpmn")}
    if not any(p.endswith(".bpmn") for p in bundle.files):
        findings.append(Finding("bundle", None, "no .bpmn file: a bundle needs its main process"))
    too_big = size_findings({p: r for p, r in bpmn.items() if etree.QName(r).namespace == BPMN})
    if too_big:  # the checks below, bpmnlint and SpiffWorkflow take time per element, or recurse
        return _reported(findings + too_big), None
    for path, root in bpmn.items():
        if etree.QName(root).namespace != BPMN or etree.QName(root).localname != "definitions":
            findings.append(Finding(path, None, "not a BPMN 2.0 file (its root must be bpmn:definitions)"))
            continue
        findings += _schema_findings(path, root)
        findings += _unsupported(path, root)
        findings += _lanes(path, root)
        findings += _timers(path, root)
    findings += _called_processes(bpmn)
    linted = lint_bundle({p: bundle.files[p] for p in bpmn}) if lint and bpmn else []
    parsed = None
    if not any(f.severity == "error" for f in findings):  # bpmnlint's errors leave it safe to parse
        try:
            parsed = parse_bundle(bundle)
        except DeploymentError as error:
            findings += error.findings
    else:  # not parsed, but the code is worth reporting in the same report
        findings += check_code(roots, {p for p in roots if p.endswith(".dmn")})
    return _reported(findings + linted), parsed


@dataclass
class MoreFindings(Finding):
    """Stands for the findings past MAX_REPORTED in a report: how many errors and warnings."""

    errors: int = 0
    warnings: int = 0


def finding_counts(findings: list[Finding]) -> tuple[int, int]:
    """(errors, warnings) in a report, those past MAX_REPORTED included."""
    errors = sum(f.errors if isinstance(f, MoreFindings) else f.severity == "error" for f in findings)
    warnings = sum(f.warnings if isinstance(f, MoreFindings) else f.severity != "error" for f in findings)
    return errors, warnings


def _reported(findings: list[Finding]) -> list[Finding]:
    """Each finding once, errors first, at most MAX_REPORTED and a count of the rest."""
    unique = {(f.file, f.element_id, f.message, f.severity): f for f in findings}
    ordered = sorted(unique.values(), key=lambda f: f.severity != "error")
    if len(ordered) <= MAX_REPORTED:
        return ordered
    rest = ordered[MAX_REPORTED:]
    errors = sum(f.severity == "error" for f in rest)
    summary = MoreFindings(
        "bundle",
        None,
        f"{len(rest):,} more findings are not listed ({errors:,} errors, {len(rest) - errors:,} warnings): "
        "fix the ones above and validate again",
        "error" if errors else "warning",
        errors,
        len(rest) - errors,
    )
    return [*ordered[:MAX_REPORTED], summary]
