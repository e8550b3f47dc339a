"""Models too big to run (docs/model-limits.md): just over each limit, refused by validate, by the
engine's deploy and by `nrm deploy`, with a finding on the element and nothing written; just
inside it, deployed, and a case starts and waits at its user task."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from engine import DeploymentError
from engine.config import PROJECT_ROOT
from engine.deploy import model_checks
from engine.deploy.bundle_parser import parse_bundle
from engine.deploy.model_checks import MAX_REPORTED, check_bundle, finding_counts
from engine.deploy.model_limits import (
    MAX_BRANCHES,
    MAX_ELEMENTS,
    MAX_INSTANCES,
    MAX_NESTING,
    MAX_PATH,
    MAX_PLANNED,
)
from engine.persistence.models import DefinitionVersion
from engine.spec.bundle import Bundle, read_bundle
from tests.conftest import MINI
from tests.models import hostile_models as hostile
from tests.models.conftest import OWNER
from web.cli import main

POLICE_AGENCY = "police"
AFTER = hostile.largest(lambda n: hostile.parallel_branches(MAX_BRANCHES, after=n), MAX_PLANNED)
WIDTH = hostile.largest(lambda n: hostile.splits_in_a_row(n, 2), MAX_PLANNED)
HAS_BPMNLINT = shutil.which("node") is not None and (PROJECT_ROOT / "node_modules" / "bpmnlint").is_dir()

# name: (the model just over the limit, its file and element, words of the finding, the one just inside)
LIMITS = {
    "elements": (
        lambda: hostile.many_elements(MAX_ELEMENTS + 10),
        ("hostile_elements.bpmn", None, f"the limit is {MAX_ELEMENTS:,}"),
        lambda: hostile.many_elements(MAX_ELEMENTS),
    ),
    "parallel branches": (
        lambda: hostile.parallel_branches(MAX_BRANCHES + 1),
        ("hostile_parallel.bpmn", "split", f"splits into {MAX_BRANCHES + 1} parallel branches"),
        lambda: hostile.parallel_branches(MAX_BRANCHES),
    ),
    "inclusive branches": (
        lambda: hostile.parallel_branches(MAX_BRANCHES + 1, "inclusiveGateway"),
        ("hostile_parallel.bpmn", "split", f"the limit is {MAX_BRANCHES}"),
        lambda: hostile.parallel_branches(MAX_BRANCHES, "inclusiveGateway"),
    ),
    "instances": (
        lambda: hostile.multi_instance(MAX_INSTANCES + 1),
        ("hostile_instances.bpmn", hostile.WAIT, f"runs {MAX_INSTANCES + 1} times"),
        lambda: hostile.multi_instance(MAX_INSTANCES),
    ),
    "nested sub-processes": (
        lambda: hostile.nested_subprocesses(MAX_NESTING + 1),
        ("hostile_nested.bpmn", f"level_{MAX_NESTING}", f"nested {MAX_NESTING + 1} deep"),
        lambda: hostile.nested_subprocesses(MAX_NESTING),
    ),
    "nested calls": (
        lambda: hostile.called_processes(MAX_NESTING + 1),
        (f"hostile_call_{MAX_NESTING}.bpmn", "call", f"nested {MAX_NESTING + 1} deep"),
        lambda: hostile.called_processes(MAX_NESTING),
    ),
    "path": (  # begin, the script tasks, the wait and the end
        lambda: hostile.script_chain(MAX_PATH - 2),
        ("hostile_chain.bpmn", "finish", f"after {MAX_PATH + 1} flow nodes"),
        lambda: hostile.script_chain(MAX_PATH - 3),
    ),
    "tasks planned after a split": (
        lambda: hostile.parallel_branches(MAX_BRANCHES, after=AFTER + 1),
        ("hostile_parallel.bpmn", "hostile_parallel", f"the limit is {MAX_PLANNED:,}"),
        lambda: hostile.parallel_branches(MAX_BRANCHES, after=AFTER),
    ),
    "splits in a row": (
        lambda: hostile.splits_in_a_row(WIDTH + 1, 2),
        ("hostile_splits.bpmn", "hostile_splits", "splits in a row multiply"),
        lambda: hostile.splits_in_a_row(WIDTH, 2),
    ),
}
OVER = [pytest.param(over, where, id=name) for name, (over, where, _) in LIMITS.items()]
UNDER = [pytest.param(under, id=name) for name, (_, _, under) in LIMITS.items()]


@pytest.fixture(autouse=True)
def services():
    from engine.spec.services import load_service_modules

    load_service_modules(["tasks"])


def _versions(engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(func.count()).select_from(DefinitionVersion))


def _has(findings, file: str, element_id: str | None, words: str) -> bool:
    return any(
        (f.file, f.element_id, f.severity) == (file, element_id, "error") and words in f.message
        for f in findings
    )


def write(bundle: Bundle, folder: Path) -> Path:
    for path, content in bundle.files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    return folder


@pytest.mark.parametrize("over, where", OVER)
def test_just_over_a_limit_is_refused_by_validate_and_deploy_with_nothing_written(
    over, where, engine, tmp_path, monkeypatch
):
    bundle = over()
    findings = check_bundle(bundle)
    assert _has(findings, *where), findings
    assert not any("Recursion" in f.message for f in findings)
    with pytest.raises(DeploymentError) as refused:
        engine.deploy(bundle, OWNER)
    assert _has(refused.value.findings, *where)
    monkeypatch.setenv("NRM_DATABASE_URL", engine.config.database_url)
    result = CliRunner().invoke(main, ["deploy", str(write(bundle, tmp_path))], catch_exceptions=False)
    assert result.exit_code != 0 and where[2] in result.output, result.output
    assert _versions(engine) == 0


@pytest.mark.parametrize("under", UNDER)
def test_just_inside_every_limit_deploys_and_a_case_reaches_its_wait_state(under, engine):
    bundle = under()
    assert not [f for f in check_bundle(bundle) if f.severity == "error"]
    deployment = engine.deploy(bundle, OWNER)
    case = engine.start_case(deployment.process_id)
    assert case.status == "active"
    assert {t.element_id for t in case.open_tasks} == {hostile.WAIT}


def test_a_chain_of_1000_script_tasks_gets_a_finding_in_words_not_a_recursion_error():
    findings = check_bundle(hostile.script_chain(1_000))
    assert any(f.severity == "error" and "limit" in f.message for f in findings), findings
    long_path = check_bundle(hostile.script_chain(600))  # within the element limit
    assert _has(long_path, "hostile_chain.bpmn", "finish", "after 603 flow nodes")
    with pytest.raises(DeploymentError) as refused:  # SpiffWorkflow's parser alone, past the checks
        parse_bundle(hostile.script_chain(600))
    message = str(refused.value)
    assert "path here is too long" in message and "Recursion" not in message


def test_a_loop_without_a_gateway_is_refused_before_it_could_start_a_case():
    findings = check_bundle(hostile.endless_loop(), lint=False)  # bpmnlint, where it runs, adds its own
    assert _has(findings, "hostile_loop.bpmn", hostile.WAIT, "this loop has no gateway or event on it")


def test_a_process_that_calls_itself_is_refused():
    findings = check_bundle(hostile.called_processes(2, loop=True))
    assert _has(findings, "hostile_call_2.bpmn", "call", "nests without end"), findings


def test_thousands_of_findings_are_cut_to_a_readable_report_and_still_refused(engine, tmp_path, monkeypatch):
    bundle = hostile.user_tasks_without_forms(900, drawn=False)
    findings = check_bundle(bundle)
    assert len(findings) == MAX_REPORTED + 1
    assert all(f.severity == "error" for f in findings)
    assert findings[-1].file == "bundle" and "more findings are not listed" in findings[-1].message
    errors, _ = finding_counts(findings)
    assert errors >= 900
    with pytest.raises(DeploymentError) as refused:
        engine.deploy(bundle, OWNER)
    assert len(str(refused.value).splitlines()) == MAX_REPORTED + 2
    monkeypatch.setenv("NRM_DATABASE_URL", engine.config.database_url)
    validated = CliRunner().invoke(main, ["validate", str(write(bundle, tmp_path))])
    assert validated.exit_code == 1 and f"{errors} errors, " in validated.output.splitlines()[-1]
    assert len(validated.output.splitlines()) == MAX_REPORTED + 2
    assert _versions(engine) == 0


@pytest.mark.skipif(not HAS_BPMNLINT, reason="bpmnlint needs Node.js and `make setup`")
def test_deploy_refuses_what_bpmnlint_reports_as_an_error(engine):
    files = dict(read_bundle(MINI).files)
    files["mini.bpmn"] = files["mini.bpmn"].replace(b'id="greet" name="Greet"', b'id="greet"')
    with pytest.raises(DeploymentError) as refused:
        engine.deploy(Bundle(files), OWNER)
    assert any(
        f.element_id == "greet" and "bpmnlint label-required" in f.message for f in refused.value.findings
    )
    assert _versions(engine) == 0


def test_a_bundle_is_checked_once_in_a_process(engine, monkeypatch):
    """Deploy reuses validate's result for the same content (bpmnlint starts Node each time)."""
    runs = []
    lint = model_checks.lint_bundle
    monkeypatch.setattr(model_checks, "lint_bundle", lambda diagrams: runs.append(1) or lint(diagrams))
    files = dict(read_bundle(MINI).files)
    files["mini.bpmn"] += f"<!-- checked once: {uuid.uuid4()} -->".encode()  # new to this process
    check_bundle(Bundle(files))
    engine.deploy(Bundle(files), OWNER)
    assert runs == [1]


def test_sequence_flows_without_ids_count_and_a_flow_drawn_twice_closes_one_loop():
    """The schema lets a flow go without an id: thousands of them, all the same loop, are counted
    against the element limit, and the walk that finds loops does not copy its path for each."""
    flows = '<bpmn:sequenceFlow sourceRef="g" targetRef="g" />' * 2_500
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://x">'
        '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s" /><bpmn:exclusiveGateway id="g" />'
        f'<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="g" />{flows}</bpmn:process></bpmn:definitions>'
    )
    findings = check_bundle(Bundle({"loops.bpmn": xml.encode()}))
    assert any("elements" in f.message and f.severity == "error" for f in findings), findings[:3]
