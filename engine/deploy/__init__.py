"""From a bundle to a deployed version: parsing, checks, limits, bpmnlint and diffs."""
