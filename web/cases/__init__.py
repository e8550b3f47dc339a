"""Managers' and process owners' views of cases: the list, one case, incidents; evidence and notes;
the person's data for a subject access request; erasure and legal holds."""

from web.cases.erasure import erasure
from web.cases.evidence import evidence, init_evidence_upload_limit
from web.cases.name_search import name_search
from web.cases.processes import processes
from web.cases.record_views import record_views
from web.cases.routes import cases
from web.cases.statistics import statistics
from web.cases.subject_access import subject_access

__all__ = [
    "cases",
    "erasure",
    "evidence",
    "init_evidence_upload_limit",
    "name_search",
    "processes",
    "record_views",
    "statistics",
    "subject_access",
]
