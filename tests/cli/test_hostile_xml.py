"""`nrm validate` and `nrm deploy` refuse a DOCTYPE or entity in any encoding with a clear
message and exit status 1, never a traceback (the matrix: tests/hostile_xml.py)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from engine import Engine, EngineConfig
from engine.spec.xml_guard import SAVE_AS_UTF8
from tests.hostile_xml import MATRIX, diagram, mini_files
from web.cli import main


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """One migrated SQLite database for the whole matrix (a refused deploy writes nothing)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile-cli') / 'cli.sqlite3'}"
    engine = Engine(EngineConfig(database_url=url))
    engine.migrate()
    engine.db.dispose()
    return url


@pytest.fixture
def nrm(database_url):
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(
            main, list(args), env={"NRM_DATABASE_URL": database_url}, catch_exceptions=False
        )
        assert result.exit_code == 1, result.output
        return result.output

    return run


@pytest.mark.parametrize("encoding, attack, use", MATRIX)
def test_validate_and_deploy_refuse_it_saying_what_to_do(nrm, tmp_path, encoding, attack, use):
    for path, content in mini_files(diagram(encoding, attack, use)).items():
        (tmp_path / path).parent.mkdir(exist_ok=True)
        (tmp_path / path).write_bytes(content)
    validated = nrm("validate", str(tmp_path))
    assert "error: mini.bpmn: " in validated and SAVE_AS_UTF8 in validated
    assert "not deployable" in validated and "Traceback" not in validated
    deployed = nrm("deploy", str(tmp_path))
    assert "deployment refused" in deployed and SAVE_AS_UTF8 in deployed and "Traceback" not in deployed
    assert "deployed (" not in deployed
