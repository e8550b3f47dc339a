"""The managers' side of the engine's API: the case list, one case in full, processes, statistics.

Mixed into `Engine` (engine/api.py), which makes the case browser; callers use these methods,
never the browser itself.
"""

from __future__ import annotations

from datetime import datetime

from engine.reporting.case_browser import CaseBrowser, CaseDetail, CaseDiagram, VersionSummary
from engine.reporting.case_list import CaseFilter
from engine.reporting.statistics import Figure
from engine.views import Actor, CaseRow


class ReportingFacade:
    """Managers and process owners read cases here (personal data for managers only)."""

    case_browser: CaseBrowser

    # -- the case list ---------------------------------------------------------------------
    def case_page(
        self, wanted: CaseFilter, actor: Actor, *, offset: int = 0, limit: int = 50
    ) -> tuple[list[CaseRow], int, dict[str, int]]:
        """A page of the case list, how many match, and how many in each status."""
        return self.case_browser.page(wanted, actor, offset=offset, limit=limit)

    def case_steps(self, actor: Actor) -> list[tuple[str, str, int]]:
        """(element id, name, cases waiting) for every step cases wait at (at most a minute old)."""
        return self.case_browser.steps(actor)

    def case_fact_values(self, name: str, actor: Actor) -> list[str]:
        """Every value a reported fact has (at most a minute old): a filter's choices."""
        return self.case_browser.fact_values(name, actor)

    def case_agencies(self, actor: Actor) -> list[str]:
        """Every agency that has referred a case (at most a minute old): a filter's choices."""
        return self.case_browser.agencies(actor)

    def case_fact_labels(self, actor: Actor) -> dict[str, dict[str, str]]:
        """Field -> value -> the label the forms give it (at most a minute old): a fact in words."""
        return self.case_browser.fact_labels(actor)

    def case_detail(self, key: str, actor: Actor) -> CaseDetail:
        """One case: its data (personal data only for managers), diagrams and element states."""
        return self.case_browser.detail(key, actor)

    # -- processes and statistics ----------------------------------------------------------
    def version_overview(self, actor: Actor) -> list[VersionSummary]:
        """Every deployed version with its cases by status, newest first."""
        return self.case_browser.overview(actor)

    def waiting_on(self, definition_id: int, actor: Actor) -> tuple[CaseDiagram, dict[str, int]]:
        """A version's diagrams and how many of its active cases wait at each element."""
        return self.case_browser.waiting_on(definition_id, actor)

    def statistics(
        self, actor: Actor, since: datetime, until: datetime, *, fresh: bool = False
    ) -> tuple[list[Figure], datetime]:
        """The statistics for referrals made in [since, until), and when they were counted."""
        return self.case_browser.statistics(actor, since, until, fresh=fresh)
