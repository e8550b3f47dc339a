"""Managers' and process owners' views of cases: the list, one case, incidents."""

from web.cases.processes import processes
from web.cases.routes import cases
from web.cases.statistics import statistics

__all__ = ["cases", "processes", "statistics"]
