"""A bundle: the BPMN, DMN and form files of one process, read from a folder, content-hashed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from engine.errors import DeploymentError, Finding

BUNDLE_SUFFIXES = (".bpmn", ".dmn")
LABELS_FILE = "labels.json"  # what the process calls the values it sets (engine/spec/process_labels.py)
MAX_FILE_BYTES = 5 * 1024 * 1024
TEXT_FOLDERS = {"forms": ".json", "letters": ".txt"}  # letters: templates of the letters tasks/ produce


def is_text_file(path: str) -> bool:
    """`letters/*.txt`: a text the process's service tasks read (engine/spec/definition_files.py)."""
    folder, _, name = path.partition("/")
    return folder == "letters" and "/" not in name and name.endswith(".txt")


@dataclass(frozen=True)
class Bundle:
    """File contents by relative path (`nrm_pathway.bpmn`, `forms/referral.json`)."""

    files: dict[str, bytes]

    @property
    def content_hash(self) -> str:
        """sha256 over every path and content, in path order: equal content, equal hash."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            digest.update(path.encode() + b"\0" + hashlib.sha256(self.files[path]).digest())
        return digest.hexdigest()

    def paths(self, suffix: str) -> list[str]:
        return sorted(p for p in self.files if p.endswith(suffix))

    def forms(self) -> dict[str, bytes]:
        """Form schemas by file name (without the `forms/` prefix)."""
        return {p.split("/", 1)[1]: c for p, c in self.files.items() if p.startswith("forms/")}


def read_bundle(folder: Path | str, overlay: Path | str | None = None) -> Bundle:
    """Read `*.bpmn`, `*.dmn`, `labels.json`, `forms/*.json` and `letters/*.txt` from a folder
    (other sub-folders are not part of it); the files of `overlay`, a folder of changed files,
    replace their namesakes."""
    files = _read_folder(Path(folder))
    if overlay is not None:
        files |= _read_folder(Path(overlay))
    if not any(p.endswith(".bpmn") for p in files):
        raise DeploymentError([Finding(str(folder), None, "no .bpmn file in this folder")])
    return Bundle(files)


def _read_folder(root: Path) -> dict[str, bytes]:
    if not root.is_dir():
        raise DeploymentError(
            [Finding(str(root), None, "not a folder; give the folder holding the .bpmn files")]
        )
    candidates = [
        p for p in root.iterdir() if p.is_file() and (p.suffix in BUNDLE_SUFFIXES or p.name == LABELS_FILE)
    ]
    for name, suffix in TEXT_FOLDERS.items():
        if (sub := root / name).is_dir():
            candidates += [p for p in sub.iterdir() if p.is_file() and p.suffix == suffix]
    files: dict[str, bytes] = {}
    findings = []
    for path in candidates:
        relative = path.relative_to(root).as_posix()
        if path.stat().st_size > MAX_FILE_BYTES:
            findings.append(Finding(relative, None, f"larger than the {MAX_FILE_BYTES} byte limit"))
            continue
        files[relative] = path.read_bytes()
    if findings:
        raise DeploymentError(findings)
    return files
