"""Managers find cases by the person's name, through the keyed blind index
(engine/crypto/name_index.py): every word typed must be one of the person's name words. The
results are cases (reference, status, stage); the name itself is shown only on the case page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from engine import clock
from engine.access.rules import is_manager
from engine.crypto.name_index import cases_named
from engine.errors import Forbidden
from engine.persistence.models import Case
from engine.reporting.case_list import LISTED, _overdue, case_row
from engine.runtime.task_claims import record_refusal
from engine.views import Actor, CaseRow

if TYPE_CHECKING:
    from engine.persistence.db import Database

NOT_A_MANAGER = "Only managers may search for cases by name"
MOST_FOUND = 200


class NameSearch:
    """find_cases_by_name."""

    if TYPE_CHECKING:  # what `Engine` (engine/api.py), which this is mixed into, provides
        db: Database

    def find_cases_by_name(self, name: str, actor: Actor, *, limit: int = MOST_FOUND) -> list[CaseRow]:
        """The cases (newest first, at most `limit`) whose person's names hold every word of
        `name`, in any case and with or without accents. Managers only: anyone else is refused,
        with an audit row, whatever they typed (an empty `name` checks only that)."""
        if not is_manager(actor):
            record_refusal(self.db, actor, "cases_searched_by_name", (None, None, None), NOT_A_MANAGER)
            raise Forbidden(NOT_A_MANAGER, action="cases_searched_by_name")
        now = clock.now()
        with self.db.reading() as session:
            named = cases_named(session, name)
            if named is None:
                return []
            found = session.execute(
                select(*LISTED, _overdue(now).label("overdue"))
                .where(Case.id.in_(named))
                .order_by(Case.created_at.desc(), Case.id.desc())
                .limit(limit)
            ).all()
        return [case_row(case, {}) for case in found]
