"""Deploying: content-hashed versions, and every hostile or broken bundle refused with a report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import DeploymentError, EngineError
from engine.persistence.models import DefinitionVersion
from tests.conftest import MINI


def _bundle(
    tmp_path: Path, replace: tuple[str, str] | None = None, extra: dict[str, str] | None = None
) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(MINI, folder)
    if replace:
        bpmn = folder / "mini.bpmn"
        text = bpmn.read_text()
        assert replace[0] in text
        bpmn.write_text(text.replace(*replace))
    for name, content in (extra or {}).items():
        (folder / name).write_text(content)
    return folder


def _versions(engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(func.count()).select_from(DefinitionVersion))


def test_identical_content_is_a_no_op_and_a_change_is_a_new_version(engine, tmp_path):
    first = engine.deploy(MINI)
    again = engine.deploy(_bundle(tmp_path))
    assert first.created and not again.created
    assert again.content_hash == first.content_hash and again.version == 1
    changed = engine.deploy(_bundle(tmp_path / "b", ("'P2D'", "'P3D'")))
    assert changed.created and changed.version == 2 and changed.content_hash != first.content_hash


def _refused(engine, folder: Path) -> DeploymentError:
    before = _versions(engine)
    with pytest.raises(DeploymentError) as raised:
        engine.deploy(folder)
    assert _versions(engine) == before
    return raised.value


def test_malformed_bpmn_is_refused(engine, tmp_path):
    error = _refused(engine, _bundle(tmp_path, ("</bpmn:process>", "</bpmn:proces>")))
    assert "mini.bpmn" in str(error) and "well-formed" in str(error)


def test_bpmn_that_is_not_xml_is_refused(engine, tmp_path):
    folder = _bundle(tmp_path)
    (folder / "mini.bpmn").write_bytes(b"\x89PNG\r\n\x1a\n not xml at all")
    assert "not UTF-8 text" in str(_refused(engine, folder))


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
        '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE definitions SYSTEM "http://example.org/evil.dtd">',
    ],
    ids=["billion-laughs", "external-entity", "external-dtd"],
)
def test_bpmn_with_a_doctype_or_entity_is_refused_before_parsing(engine, tmp_path, doctype):
    folder = _bundle(
        tmp_path,
        ('<?xml version="1.0" encoding="UTF-8"?>', f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'),
    )
    error = _refused(engine, folder)
    assert "DOCTYPE" in str(error)


HOSTILE = [
    "import os",
    "__import__('os').system('id')",
    "open('/etc/passwd').read()",
    "().__class__.__bases__[0].__subclasses__()",
    "getattr(name, '__class__')",
    "eval('1')",
]


@pytest.mark.parametrize("code", HOSTILE)
def test_a_condition_escaping_the_sandbox_is_refused_naming_the_flow(engine, tmp_path, code):
    folder = _bundle(tmp_path, ("ok == True", code.replace("'", "&apos;")))
    error = _refused(engine, folder)
    assert "mini.bpmn#f_yes" in str(error) and "condition" in str(error)


@pytest.mark.parametrize("code", HOSTILE)
def test_a_script_escaping_the_sandbox_is_refused_naming_the_task(engine, tmp_path, code):
    folder = _bundle(tmp_path, ("greeting = 'hello ' + name", code.replace("'", "&apos;")))
    error = _refused(engine, folder)
    assert "mini.bpmn#greet" in str(error) and "script" in str(error)


def test_a_timer_expression_escaping_the_sandbox_is_refused(engine, tmp_path):
    error = _refused(engine, _bundle(tmp_path, ("'P2D'", "__import__('os').getcwd()")))
    assert "mini.bpmn#wait_two_days" in str(error)


DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="http://x">
  <decision id="pick_team" name="Pick team">
    <decisionTable id="pick_team_table" hitPolicy="FIRST">
      <input id="in_name" label="Name">
        <inputExpression id="in_name_expr" typeRef="string"><text>name</text></inputExpression>
      </input>
      <output id="out_team" label="Team" name="team" typeRef="string" />
      <rule id="rule_hostile">
        <inputEntry id="e1"><text>CELL</text></inputEntry>
        <outputEntry id="o1"><text>"a"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


@pytest.mark.parametrize(
    "cell",
    [
        "__import__('os').system('id')",
        "open('/etc/passwd')",
        "().__class__.__bases__",
        "in [x for x in ().__class__.__mro__]",
    ],
)
def test_a_dmn_cell_escaping_the_sandbox_is_refused_naming_the_rule(engine, tmp_path, cell):
    folder = _bundle(tmp_path, extra={"team.dmn": DMN.replace("CELL", cell.replace("'", "&apos;"))})
    error = _refused(engine, folder)
    assert "team.dmn#rule_hostile" in str(error)


def test_a_user_task_without_a_form_or_with_a_missing_form_is_refused(engine, tmp_path):
    error = _refused(engine, _bundle(tmp_path, ('value="confirm.json"', 'value="nowhere.json"')))
    assert "mini.bpmn#confirm" in str(error) and "nowhere.json" in str(error)


def test_an_invalid_form_schema_is_refused(engine, tmp_path):
    folder = _bundle(tmp_path)
    (folder / "forms" / "confirm.json").write_text(
        '{"type": "object", "properties": {"ok": {"type": "yes"}}}'
    )
    assert "forms/confirm.json" in str(_refused(engine, folder))


def test_an_unknown_service_operator_is_refused(engine, tmp_path):
    task = (
        '<bpmn:scriptTask id="greet" name="Greet">\n'
        "      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>\n"
        "      <bpmn:script>greeting = 'hello ' + name</bpmn:script>\n"
        "    </bpmn:scriptTask>"
    )
    service = (
        '<bpmn:serviceTask id="greet" name="Greet"><bpmn:extensionElements>'
        '<spiffworkflow:serviceTaskOperator id="launch_missiles" resultVariable="r" />'
        "</bpmn:extensionElements><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>"
        "</bpmn:serviceTask>"
    )
    error = _refused(engine, _bundle(tmp_path, (task, service)))
    assert "launch_missiles" in str(error) and "mini.bpmn#greet" in str(error)


def test_a_file_too_large_is_refused(engine, tmp_path):
    folder = _bundle(tmp_path)
    (folder / "huge.bpmn").write_bytes(b"<a>" + b" " * (6 * 1024 * 1024) + b"</a>")
    assert "limit" in str(_refused(engine, folder))


def test_a_task_id_equal_to_its_service_operator_is_refused_with_a_clear_reason(engine, tmp_path):
    task = '<bpmn:scriptTask id="greet" name="Greet">'
    service = (
        '<bpmn:serviceTask id="working_day_due_date" name="Greet"><bpmn:extensionElements>'
        '<spiffworkflow:serviceTaskOperator id="working_day_due_date" resultVariable="due">'
        '<spiffworkflow:parameters><spiffworkflow:parameter id="working_days" type="int" value="5" />'
        "</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>"
        '</bpmn:extensionElements></bpmn:serviceTask><bpmn:scriptTask id="unused">'
    )
    folder = _bundle(tmp_path, (task, service))
    text = (folder / "mini.bpmn").read_text().replace('targetRef="greet"', 'targetRef="working_day_due_date"')
    (folder / "mini.bpmn").write_text(text.replace('sourceRef="greet"', 'sourceRef="working_day_due_date"'))
    error = _refused(engine, folder)
    assert "mini.bpmn#working_day_due_date" in str(error) and "different id" in str(error)


def test_code_that_passes_the_deploy_check_is_still_sandboxed_when_it_runs(engine, tmp_path):
    """str.format can reach attributes by name inside the string; the runtime guard refuses it."""
    engine.deploy(
        _bundle(tmp_path, ("greeting = 'hello ' + name", "greeting = '{0.__class__}'.format(name)"))
    )
    case = engine.start_case("mini_process")
    with pytest.raises(EngineError, match="format") as raised:
        engine.complete_task(case.open_tasks[0].id, {"name": "Ann", "team": "a"})
    assert "greet" in str(raised.value)
    assert engine.case(case.key).open_tasks[0].element_id == "say_hello"
    assert "greeting" not in engine.case_data(case.key)
