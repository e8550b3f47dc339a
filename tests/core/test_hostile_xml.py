"""XML is untrusted: a DOCTYPE or entity in any encoding is refused with a finding that says what
to do, by the guard, the engine's check and deploy; nothing of it is stored (tests/hostile_xml.py
builds the matrix; the command line and the web app have their own files)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from engine import DeploymentError, Engine, EngineConfig, UnsafeXml
from engine.deploy.model_checks import _schema_findings, check_bundle
from engine.deploy.model_lint import lint_bundle
from engine.persistence.models import DefinitionVersion
from engine.spec.bundle import Bundle
from engine.spec.services import load_service_modules
from engine.spec.xml_guard import SAVE_AS_UTF8, parse_untrusted_xml, xml_text
from tests.hostile_xml import ENCODINGS, MARKER, MATRIX, diagram, mini_files


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """One migrated SQLite engine for the whole matrix (a refused deploy writes nothing)."""
    path = tmp_path_factory.mktemp("hostile") / "nrm.sqlite3"
    built = Engine(EngineConfig(database_url=f"sqlite:///{path}", service_modules=["tasks"]))
    built.migrate()
    yield built
    built.db.dispose()


@pytest.fixture(autouse=True)
def services():
    load_service_modules(["tasks"])


def _versions(engine: Engine) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(func.count()).select_from(DefinitionVersion))


def _refusal(findings) -> str:
    errors = [f for f in findings if f.severity == "error" and f.file == "mini.bpmn"]
    assert errors, findings
    assert SAVE_AS_UTF8 in errors[0].message, errors
    return errors[0].message


@pytest.mark.parametrize("encoding, attack, use", MATRIX)
def test_the_guard_refuses_it_saying_what_to_do(encoding, attack, use):
    content = diagram(encoding, attack, use)
    for read in (xml_text, parse_untrusted_xml):
        with pytest.raises(UnsafeXml, match=re.escape(SAVE_AS_UTF8)):
            read(content, "mini.bpmn")


@pytest.mark.parametrize("encoding, attack, use", MATRIX)
def test_the_check_reports_it_as_a_finding(encoding, attack, use):
    message = _refusal(check_bundle(Bundle(mini_files(diagram(encoding, attack, use)))))
    if encoding.startswith("utf-8"):
        assert "DOCTYPE and entity declarations are not accepted" in message
    else:
        assert f"saved as {ENCODINGS[encoding][0]} and has a DOCTYPE" in message


@pytest.mark.parametrize("encoding, attack, use", MATRIX)
def test_deploy_refuses_it_and_stores_nothing(engine, encoding, attack, use):
    before = _versions(engine)
    with pytest.raises(DeploymentError) as refused:
        engine.deploy(Bundle(mini_files(diagram(encoding, attack, use))))
    _refusal(refused.value.findings)
    assert _versions(engine) == before


def test_the_entity_text_never_ends_up_stored(engine):
    before = _versions(engine)
    for encoding in ENCODINGS:
        for attack in ("internal-entity", "parameter-entity"):
            with pytest.raises(DeploymentError):
                engine.deploy(Bundle(mini_files(diagram(encoding, attack, "attribute"))))
    assert _versions(engine) == before
    with engine.db.reading() as session:
        names = session.scalars(select(DefinitionVersion.process_name)).all()
    assert MARKER not in names
    database = Path(engine.db.engine.url.database)
    for stored in database.parent.glob(f"{database.name}*"):  # the database and its journal
        assert MARKER.encode() not in stored.read_bytes()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_only_utf8_is_accepted_even_without_a_doctype(encoding):
    findings = check_bundle(Bundle(mini_files(diagram(encoding))), lint=False)
    if encoding.startswith("utf-8"):
        assert findings == []
    else:
        name = ENCODINGS[encoding][0]
        assert f"saved as {name}, but only UTF-8 is accepted" in _refusal(findings)


@pytest.mark.parametrize(
    "declared, accepted", [("UTF-8", True), ("utf8", True), ("ISO-8859-1", False), ("UTF-16", False)]
)
def test_the_declared_encoding_must_be_utf8(declared, accepted):
    content = diagram("utf-8").replace(b'encoding="UTF-8"', f'encoding="{declared}"'.encode(), 1)
    findings = check_bundle(Bundle(mini_files(content)), lint=False)
    if accepted:
        assert findings == []
    else:
        assert f"declares encoding {declared!r}" in _refusal(findings)


def test_a_nul_byte_is_not_utf8():
    content = diagram("utf-8").replace(b"Mini process", b"Mini\0process")
    assert "NUL bytes" in _refusal(check_bundle(Bundle(mini_files(content)), lint=False))


def test_the_parsed_tree_is_checked_again_should_the_text_check_miss(monkeypatch):
    monkeypatch.setattr("engine.spec.xml_guard._FORBIDDEN", re.compile("(?!)"))  # matches nothing
    for attack, use in [("doctype", "none"), ("internal-entity", "text")]:
        with pytest.raises(UnsafeXml, match="DOCTYPE and entity declarations are not accepted"):
            parse_untrusted_xml(diagram("utf-8", attack, use), "mini.bpmn")


def test_an_error_inside_schema_validation_is_a_finding_not_an_exception():
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    root = etree.fromstring(diagram("utf-8", "internal-entity", "text"), parser)  # not the guard
    findings = _schema_findings("mini.bpmn", root)
    assert len(findings) == 1 and "cannot be checked against BPMN 2.0" in findings[0].message


def test_bpmnlint_is_given_only_checked_text():
    findings = lint_bundle({"mini.bpmn": diagram("utf-16-le", "internal-entity", "text")})
    assert [f.file for f in findings] == ["mini.bpmn"] and "saved as UTF-16" in findings[0].message
