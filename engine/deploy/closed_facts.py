"""Deploy refuses a `reportedFields` entry that is not a closed choice: reported facts are stored
in clear (`case_facts`), so a name, a date or free text must never become one.

A reported field is a closed choice when every place that gives it a value does so from a closed
set: each form declaring it is an enum, a oneOf of consts or a boolean (or a list of those); each
decision table output of that name has a literal string or boolean in every rule; each script
that sets it assigns a literal. A value the process sets that `labels.json` lists under `values`
is a closed set too (its labels name each value)."""

from __future__ import annotations

import ast
import json
from typing import Any

from lxml import etree

from engine.errors import Finding
from engine.spec.expressions import NS

WHY = "only closed choices may be reported, as facts are stored in clear"


def closed_schema(schema: Any) -> bool:
    """Whether a form field's schema allows only a fixed set of values."""
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "boolean" or "enum" in schema or "const" in schema:
        return True
    choices = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(choices, list) and choices and all(isinstance(c, dict) and "const" in c for c in choices):
        return True
    return schema.get("type") == "array" and closed_schema(schema.get("items"))


def _literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None or isinstance(node.value, (str, bool))
    if isinstance(node, ast.IfExp):
        return _literal(node.body) and _literal(node.orelse)
    return False


def _script_values(roots: dict[str, etree._Element]) -> dict[str, bool]:
    """Each name a script sets: whether every assignment to it is a literal."""
    found: dict[str, bool] = {}
    for root in roots.values():
        for tag in ("bpmn:script", "spiffworkflow:preScript", "spiffworkflow:postScript"):
            for node in root.iterfind(f".//{tag}", NS):
                try:
                    tree = ast.parse(node.text or "")
                except SyntaxError:
                    continue  # reported by the code check
                for statement in ast.walk(tree):
                    if isinstance(statement, ast.Assign):
                        targets, value = statement.targets, statement.value
                    elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
                        targets, value = [statement.target], None
                    else:
                        continue
                    for target in targets:
                        if isinstance(target, ast.Name):
                            closed = value is not None and _literal(value)
                            found[target.id] = found.get(target.id, True) and closed
    return found


def _decision_values(roots: dict[str, etree._Element]) -> dict[str, bool]:
    """Each decision table output: whether every rule gives it a literal string or boolean."""
    found: dict[str, bool] = {}
    for root in roots.values():
        for table in root.iter("{*}decisionTable"):
            outputs = [o.get("name") or "" for o in table.findall("{*}output")]
            for rule in table.findall("{*}rule"):
                for name, entry in zip(outputs, rule.findall("{*}outputEntry"), strict=False):
                    text = (entry.findtext("{*}text") or "").strip()
                    try:
                        closed = isinstance(ast.literal_eval(text), (str, bool))
                    except (ValueError, SyntaxError):
                        closed = False
                    found[name] = found.get(name, True) and closed
            for name in outputs:
                found.setdefault(name, True)
    return found


def _labelled_values(labels: bytes | None) -> set[str]:
    try:
        values = json.loads(labels or b"{}").get("values", {})
    except (ValueError, AttributeError):
        return set()  # reported by the labels check
    return set(values) if isinstance(values, dict) else set()


def open_reported_fields(
    fields: tuple[str, ...],
    forms: dict[str, dict],
    roots: dict[str, etree._Element],
    labels: bytes | None,
    where: tuple[str, str | None],
) -> list[Finding]:
    """A finding for each reported field that is not a closed choice."""
    bpmn = {p: r for p, r in roots.items() if p.endswith(".bpmn")}
    scripts, decisions = _script_values(bpmn), _decision_values(roots)
    labelled = _labelled_values(labels)
    findings = []
    for name in fields:
        problem = None
        declared = [form.get("properties", {}).get(name) for form in forms.values()]
        declared = [schema for schema in declared if schema is not None]
        if any(not closed_schema(schema) for schema in declared):
            problem = "is free text" if _is_text(declared) else "is not a choice from a list"
        elif name in labelled:
            pass
        elif name in decisions and not decisions[name]:
            problem = "is worked out by a decision table whose outputs are not all fixed values"
        elif name in scripts and not scripts[name]:
            problem = "is set by a script to a value worked out while the case runs"
        elif not declared and name not in decisions and name not in scripts:
            problem = "is not a form's choice, a decision's output or a value a script sets"
        if problem:
            findings.append(Finding(where[0], where[1], f"reportedFields: {name} {problem}; {WHY}"))
    return findings


def _is_text(declared: list[Any]) -> bool:
    """Whether a declaration is free text (a string, or a list of strings, with no format)."""
    for schema in declared:
        item = schema.get("items") if isinstance(schema, dict) and schema.get("type") == "array" else schema
        if isinstance(item, dict) and item.get("type") == "string" and "format" not in item:
            return True
    return False
