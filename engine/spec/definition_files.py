"""What a service task may read of its case's own deployed version: text files and parameters.

Letter templates (`letters/*.txt`) and the literal parameters the diagrams give service tasks
(`days="45"` on `start_reflection_period`) belong to the version a case runs on, so a letter
states the figures of that case's diagrams and a policy change overlays them like any other file.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from engine.errors import ServiceTaskError, UnsafeXml
from engine.spec.expressions import NS
from engine.spec.xml_guard import parse_untrusted_xml


@dataclass(frozen=True)
class DefinitionFiles:
    """The files of one deployed version by path (`letters/rg_positive_letter.txt`); read, never changed."""

    files: Mapping[str, bytes | str] = field(default_factory=dict)

    def paths(self, prefix: str) -> list[str]:
        """The paths that start with `prefix`, in order."""
        return sorted(p for p in self.files if p.startswith(prefix))

    def text(self, path: str) -> str:
        """A file's text; ServiceTaskError naming the file if the version has no such file."""
        content = self.files.get(path)
        if content is None:
            raise ServiceTaskError(f"this version of the process has no file {path!r}")
        return content.decode("utf-8") if isinstance(content, bytes) else content

    def service_parameters(self, operator: str) -> dict[str, Any]:
        """The literal parameters (numbers, strings) the diagrams give the service task `operator`,
        by name; empty if no diagram calls it. Parameters that are expressions are left out."""
        return dict(self._parameters.get(operator, {}))

    @cached_property
    def _parameters(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for path in self.paths(""):
            if not path.endswith(".bpmn"):
                continue
            try:
                root = parse_untrusted_xml(self.text(path).encode(), path)
            except UnsafeXml:  # deployed files passed this check; a broken one has no parameters
                continue
            for node in root.iterfind(".//spiffworkflow:serviceTaskOperator", NS):
                literals = found.setdefault(node.get("id", ""), {})
                for parameter in node.iterfind(".//spiffworkflow:parameter", NS):
                    name, value = parameter.get("id"), _literal(parameter.get("value", ""))
                    if name and value is not None:
                        literals.setdefault(name, value)  # the first call in path order wins
        return found


def _literal(source: str) -> int | float | str | None:
    try:
        value = ast.literal_eval(source.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, int | float | str) and not isinstance(value, bool) else None
