"""docs/rules.md cannot go stale: every element id it names exists in the diagrams and decision
tables of bpmn/, and every scenario test it names exists. Rows marked "not yet" are allowed and
listed in the output (`pytest -s`)."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "rules.md"
BUNDLE = ROOT / "bpmn"
NOT_YET = "not yet"
TEST_NAME = re.compile(r"^(tests/scenarios/test_\w+)\.py::(test_\w+)$")


@dataclass(frozen=True)
class Rule:
    rule: str
    source: str
    elements: tuple[str, ...]
    tests: tuple[str, ...]  # empty when the row says "not yet"


def _ticked(cell: str) -> tuple[str, ...]:
    names = tuple(part.strip().strip("`") for part in cell.split(",") if part.strip())
    assert all(names), f"an empty name in {cell!r}"
    return names


def read_rules(text: str) -> list[Rule]:
    """The rows of the table whose header is `| rule | source | element ids | scenario tests |`."""
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
    assert lines, "docs/rules.md has no table"
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["rule", "source", "element ids", "scenario tests"], header
    rules = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == 4, f"a row needs 4 cells: {line}"
        rule, source, elements, tests = cells
        assert rule and source, f"a row needs a rule and a source: {line}"
        named_tests = () if tests == NOT_YET else _ticked(tests)
        assert tests == NOT_YET or named_tests, f"name a test or say 'not yet': {line}"
        assert elements or tests == NOT_YET, f"an implemented rule names its elements: {line}"
        rules.append(Rule(rule, source, _ticked(elements) if elements else (), named_tests))
    return rules


def bundle_ids() -> set[str]:
    """Every id attribute in the deployed diagrams and decision tables (bpmn/*.bpmn, bpmn/*.dmn)."""
    ids: set[str] = set()
    for path in [*BUNDLE.glob("*.bpmn"), *BUNDLE.glob("*.dmn")]:
        for element in ElementTree.parse(path).iter():
            if "id" in element.attrib:
                ids.add(element.attrib["id"])
    return ids


def scenario_test_exists(name: str) -> bool:
    match = TEST_NAME.match(name)
    if match is None:
        return False
    module = importlib.import_module(match.group(1).replace("/", "."))
    return callable(getattr(module, match.group(2), None))


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    return read_rules(TABLE.read_text(encoding="utf-8"))


def test_every_element_id_in_the_rules_table_exists_in_the_diagrams(rules):
    known = bundle_ids()
    missing = [(rule.rule, e) for rule in rules for e in rule.elements if e not in known]
    assert missing == []


def test_every_scenario_test_in_the_rules_table_exists(rules):
    missing = [(rule.rule, t) for rule in rules for t in rule.tests if not scenario_test_exists(t)]
    assert missing == []


def test_the_rules_not_yet_proven_are_listed(rules, capsys):
    pending = [rule.rule for rule in rules if not rule.tests]
    with capsys.disabled():
        print(f"\ndocs/rules.md: {len(rules)} rules, {len(pending)} not yet proven:")
        for rule in pending:
            print(f"  - {rule}")
    assert len(pending) < len(rules)


def test_a_stale_name_in_the_table_is_caught():
    """The checks above can fail: an unknown element id and an unknown test are reported."""
    table = (
        "| rule | source | element ids | scenario tests |\n|---|---|---|---|\n"
        "| r | guidance | `no_such_element` | tests/scenarios/test_pathway.py::test_no_such_test |\n"
    )
    [rule] = read_rules(table)
    assert rule.elements[0] not in bundle_ids()
    assert not scenario_test_exists(rule.tests[0])
    known = "tests/scenarios/test_pathway.py::test_an_adult_who_does_not_consent_is_not_referred"
    assert scenario_test_exists(known)
    with pytest.raises(AssertionError, match="name a test or say 'not yet'"):
        read_rules(table.replace("tests/scenarios/test_pathway.py::test_no_such_test", ""))
