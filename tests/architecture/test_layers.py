"""The layering the code promises (pyproject.toml's import-linter contracts) holds, and breaking it
fails: an upward import in a copy of the code makes `lint-imports` report the contract it breaks."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("engine", "tasks", "web", "bench")
# Group names a rule may compare; they appear in engine/access/ and the demo data only.
GROUP_NAME = re.compile(
    r"[\"'](manager|process-owner|admin|first-responder|competent-authority-ukba|competent-authority-ukhtc"
    r"|support-provider|local-authority|returns|immigration)[\"']"
)


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the venv's own tool
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_the_code(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "dist")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_every_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        (
            "engine/persistence/db.py",
            "import engine.runtime.step",
            "engine.persistence is not allowed to import",
        ),
        ("engine/spec/forms.py", "import engine.deploy.definitions", "engine.spec is not allowed to import"),
        ("engine/errors.py", "import web", "The engine never imports web"),
        ("web/config.py", "import engine.runtime.step", "web is not allowed to import engine.runtime"),
        ("tasks/overdue.py", "import web", "Service tasks never import web"),
    ],
)
def test_an_import_against_the_layering_fails_the_check(copy_of_the_code: Path, module, line, broken):
    path = copy_of_the_code / module
    path.write_text(path.read_text() + f"\n{line}  # against the layering\n")
    result = _lint(copy_of_the_code)
    assert result.returncode != 0
    assert broken in result.stdout.replace("\n", " ")


def test_the_engine_top_level_holds_at_most_ten_modules():
    modules = sorted(path.name for path in (ROOT / "engine").glob("*.py"))
    assert len(modules) <= 10, modules


def test_group_names_appear_only_in_the_access_rules_and_the_demo_data():
    allowed = {ROOT / "web" / "cli" / "demo.py", ROOT / "web" / "cli" / "demo_data.py"}
    found = []
    for package in ("engine", "tasks", "web"):
        for path in sorted((ROOT / package).rglob("*")):
            if (
                path.suffix not in (".py", ".html")
                or path in allowed
                or "access" in path.relative_to(ROOT).parts
            ):
                continue
            found += [
                f"{path.relative_to(ROOT)}: {m.group(0)}" for m in GROUP_NAME.finditer(path.read_text())
            ]
    assert found == []
