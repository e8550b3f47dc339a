"""Drive one case through the real NRM diagrams via the engine API, as caseworkers would.

Each step builds a fresh Engine, so every step reloads the case from the database: nothing is
carried in memory between steps.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random

from engine import Actor, CaseView, Engine, EngineConfig, MovableClock, TaskView
from web.cli.demo_data import PEOPLE, Person, form_payload


def person(nationality: str, adult: bool = True) -> Person:
    return next(p for p in PEOPLE if p.nationality == nationality and (p.age >= 18) == adult)


class CaseDriver:
    def __init__(self, database_url: str, clock: MovableClock, who: Person):
        self.database_url = database_url
        self.clock = clock
        self.person = who
        self.rng = Random(7)
        self.key: str | None = None

    def engine(self) -> Engine:
        return Engine(EngineConfig(database_url=self.database_url, service_modules=["tasks"]))

    def _with_engine(self, work):
        engine = self.engine()
        try:
            return work(engine)
        finally:
            engine.db.dispose()

    def start(self) -> CaseView:
        case = self._with_engine(
            lambda e: e.start_case(
                "nrm_pathway", actor=Actor("fr", frozenset({"first-responder"}), agency="police")
            )
        )
        self.key = case.key
        return case

    def case(self) -> CaseView:
        return self._with_engine(lambda e: e.case(self.key))

    def data(self) -> dict:
        return self._with_engine(lambda e: e.case_data(self.key))

    def documents(self) -> list:
        return self._with_engine(lambda e: e.documents(self.key))

    def history(self) -> list:
        return self._with_engine(lambda e: e.history(self.key))

    def open_tasks(self) -> dict[str, TaskView]:
        return {t.element_id: t for t in self.case().open_tasks}

    def complete(self, element_id: str, **overrides) -> CaseView:
        tasks = self.open_tasks()
        assert element_id in tasks, f"{element_id} is not open; open: {sorted(tasks)}"
        task = tasks[element_id]
        data = form_payload(task.form, self.person, self.rng, **overrides)
        # of the referring agency: first responders work only on their own agency's referrals
        actor = Actor(f"user-{task.candidate_group}", frozenset({task.candidate_group}), agency="police")
        return self._with_engine(lambda e: e.complete_task(task.id, data, actor))

    def move(self, delta: timedelta) -> int:
        self.clock.move(delta)
        return self._with_engine(lambda e: e.fire_due_timers())

    def move_to(self, moment: datetime) -> int:
        return self.move(moment - self.clock.now())

    def through_move_on(self, **plan) -> CaseView:
        """After the CG decision: the support provider records the adult's move-on plan (support
        itself goes on to the end of the move-on period, which nothing waits for)."""
        return self.complete("help_person_move_on", **plan)

    def waiting_timers(self) -> dict[str, datetime]:
        return {t.element_id: t.due_at for t in self.case().timers if t.state == "waiting"}

    def refer(self, age_group: str = "adult", safeguarding: bool = True, **referral) -> CaseView:
        """Choose the form, then consent (adults) and the referral form (adult or child); for a
        child, the local authority then confirms safeguarding unless `safeguarding` is False."""
        self.start()
        self.complete("choose_referral_form", age_group=age_group)
        if age_group == "adult":
            self.complete("ask_adult_consent")
            return self.complete("complete_adult_referral", **referral)
        self.complete("name_childs_local_authority")
        referred = self.complete("complete_child_referral", **referral)
        return self.complete("confirm_safeguarding") if safeguarding else referred

    def through_reflection(self, review: dict | None = None) -> CaseView:
        """From a positive RG: support arranged, day-30 review, end of the period."""
        self.complete("arrange_support")
        started = self.clock.now()
        self.move_to(started + timedelta(days=30, minutes=1))
        self.complete("review_recovery_progress", **(review or {}))
        ends = self.waiting_timers()["reflection_period_over"]
        self.move_to(ends + timedelta(minutes=1))
        return self.case()
