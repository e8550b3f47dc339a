"""bpmnlint's recommended rules (npm), run by Node over a bundle's diagrams.

bpmnlint is the bpmn.io project's linter; there is no Python port, so the engine runs it in one
Node process per check (its cost: docs/performance.md). Where Node or the npm packages are missing
the report says so as a warning, and the engine's own checks still run.
"""

from __future__ import annotations

import json
import shutil
import subprocess

from engine.config import PROJECT_ROOT
from engine.errors import Finding, UnsafeXml
from engine.spec.xml_guard import xml_text

RUNNER = PROJECT_ROOT / "engine" / "deploy" / "lint" / "bpmnlint.cjs"
TIMEOUT_SECONDS = 10  # well inside a web worker's own timeout (gunicorn: 120 s in `nrm serve`)


def lint_bundle(diagrams: dict[str, bytes]) -> list[Finding]:
    """bpmnlint's findings for each diagram: its `error` rules are errors, `warn` rules warnings."""
    if not diagrams:
        return []
    texts, refused = {}, []
    for path, content in diagrams.items():
        try:
            texts[path] = xml_text(content, path)  # what the engine parses, as Node will read it
        except UnsafeXml as error:
            refused.append(Finding(path, None, str(error).removeprefix(f"{path}: ")))
    if refused:
        return refused
    node = shutil.which("node")
    if node is None or not (PROJECT_ROOT / "node_modules" / "bpmnlint").is_dir():
        return [
            Finding("bundle", None, "bpmnlint was not run: install Node.js and run `make setup`", "warning")
        ]
    payload = json.dumps(texts)
    try:
        done = subprocess.run(  # noqa: S603 - fixed program and script; the XML goes in on stdin
            [node, str(RUNNER)],
            input=payload.encode(),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            cwd=PROJECT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [Finding("bundle", None, f"bpmnlint took longer than {TIMEOUT_SECONDS} s and was stopped")]
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()[:1] or ["no message"]
        return [Finding("bundle", None, f"bpmnlint could not read the diagrams: {message[0]}")]
    findings = []
    for path, reports in json.loads(done.stdout).items():
        for report in reports:
            severity = "error" if report["category"] == "error" else "warning"
            findings.append(
                Finding(path, report["id"], f"bpmnlint {report['rule']}: {report['message']}", severity)
            )
    return findings
