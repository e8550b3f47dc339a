"""Managers' and process owners' views of cases: the list, one case, incidents."""

from web.cases.routes import cases

__all__ = ["cases"]
