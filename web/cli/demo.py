"""Demo data: simulate months of NRM referrals through the real diagrams, moving the engine clock.

Cases are referred at a steady rate and caseworkers answer each task after a realistic delay, so
the database ends with cases at every stage: new referrals, reasonable-grounds decisions due and
overdue, people in their reflection and recovery period, conclusive-grounds decisions, outcomes,
negative decisions and reconsiderations.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random

from engine import Actor, Engine, EngineError, MovableClock, TaskView, now, use_clock
from web.cli.demo_data import PEOPLE, Person, form_payload

# Days a caseworker typically takes to answer each task: (fewest, most).
DELAY_DAYS = {
    "choose_referral_form": (0, 0),
    "ask_adult_consent": (0, 0),
    "complete_adult_referral": (0, 1),
    "name_childs_local_authority": (0, 0),
    "complete_child_referral": (0, 1),
    "confirm_safeguarding": (0, 2),
    "decide_reasonable_grounds": (1, 10),
    "arrange_support": (0, 3),
    # open all period long: most support providers never ask, so the period usually ends first
    "ask_for_extension": (10, 120),
    "ask_for_extension_after_review": (10, 120),
    "review_recovery_progress": (0, 4),
    "decide_conclusive_grounds": (0, 20),
    # beyond the 20-working-day limit now and then: the case then closes with no request
    "decide_on_reconsideration": (1, 40),
    "support_asks_for_reconsideration": (60, 90),  # the first responder usually answers first
    "decide_whether_to_reconsider": (2, 10),
    "record_persons_plans": (1, 7),
    "contact_embassy": (1, 7),
    "consider_discretionary_leave": (5, 30),
    "arrange_voluntary_return": (3, 14),
    "confirm_departure": (7, 21),
    # open all period long: now and then a person decides to go home before the period ends
    "ask_to_return_home": (10, 400),
    "assess_childs_return": (5, 30),
    "help_person_move_on": (1, 10),  # within the move-on period, mostly
}


DEMO_PASSWORD = "nrm-demo-2013"  # noqa: S105 - the fictional demo users only; documented in the README
# username, display name, groups, agency
DEMO_USERS = (
    ("fr-police", "Priya Shah (police)", ["first-responder"], "police"),
    ("fr-salvation", "Sam Taylor (Salvation Army)", ["first-responder"], "salvation_army"),
    ("ca-ukba", "Declan Murphy (UKBA competent authority)", ["competent-authority-ukba"], None),
    ("ca-ukhtc", "Helen Price (UKHTC competent authority)", ["competent-authority-ukhtc"], None),
    ("support", "Grace Mensah (support provider)", ["support-provider"], None),
    ("children", "Jo Bloggs (local authority children's services)", ["local-authority"], None),
    ("returns", "Tom Reid (Choices, Refugee Action)", ["returns"], None),
    ("immigration", "Ana Costa (immigration)", ["immigration"], None),
    (
        "manager",
        "Mary Jones (manager)",
        ["manager", "competent-authority-ukba", "competent-authority-ukhtc"],
        None,
    ),
    ("owner", "Owen Lewis (process owner)", ["process-owner"], None),
    ("admin", "Ada Admin (administrator)", ["admin"], None),
)
DEMO_DAYS = 365  # a year of history: enough for the statistics to look like the real thing
DEMO_RATE = 4.8  # referrals a day: the NRM received 1,746 in 2013
DEMO_AGENCIES = (
    "police",
    "salvation_army",
    "uk_border_agency",
    "local_authority",
    "migrant_helpline",
    "barnardos",
)


def add_demo_users(engine: Engine) -> list[str]:
    """The demo users (one per role), unless the database has users already; returns their names."""
    if engine.list_users():
        return []
    for username, name, groups, agency in DEMO_USERS:
        engine.add_user(username, DEMO_PASSWORD, groups, display_name=name, agency=agency)
    return [username for username, *_ in DEMO_USERS]


@dataclass
class DemoResult:
    cases: int = 0
    steps: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def _answers(task: TaskView, person: Person, agency: str, rng: Random) -> dict:
    """The caseworker's answers, with the decisions drawn at realistic rates."""
    element = task.element_id
    choice = rng.random()
    if element == "choose_referral_form":
        age_group = "adult" if person.age >= 18 else ("age_disputed" if choice < 0.2 else "child")
        return form_payload(task.form, person, rng, age_group=age_group, first_responder_agency=agency)
    if element == "ask_adult_consent" and choice < 0.05:
        return form_payload(
            task.form,
            person,
            rng,
            consent_given=False,
            consent_signed_date=None,
            no_consent_reason="Afraid of reprisals against family at home.",
        )
    if element == "decide_reasonable_grounds" and choice < 0.15:
        return form_payload(
            task.form,
            person,
            rng,
            rg_decision="negative",
            rg_reasons="The account describes poor working conditions but no control or coercion.",
        )
    if element == "decide_conclusive_grounds" and choice < 0.25:
        return form_payload(
            task.form,
            person,
            rng,
            cg_decision="negative",
            cg_reasons="Account not credible on the balance of probabilities.",
        )
    if element == "decide_on_reconsideration" and choice < 0.4:
        return form_payload(
            task.form,
            person,
            rng,
            reconsideration_requested=True,
            requested_by="support_provider",
            reconsideration_grounds="New medical evidence of trauma.",
        )
    if element == "review_recovery_progress":
        extend = choice < 0.2
        return form_payload(
            task.form,
            person,
            rng,
            extend_reflection=extend,
            wishes_to_return_home=choice > 0.75,
            **({"extension_days": 14, "extension_reason": "trauma"} if extend else {}),
        )
    if element == "record_persons_plans":
        # few children wish to go home; most adults who do want help to (AVRIM, or their embassy)
        wishes = choice > (0.92 if person.age < 18 else 0.7)
        help_wanted = {"wants_help_to_return": choice > 0.73} if wishes else {}
        return form_payload(task.form, person, rng, wishes_to_return_home=wishes, **help_wanted)
    if element == "consider_discretionary_leave" and choice < 0.3:
        return form_payload(
            task.form,
            person,
            rng,
            dl_decision="refused",
            dl_grounds=[],
            dl_leave_months=None,
            dl_reasons="Circumstances do not warrant leave.",
        )
    if element == "confirm_departure" and choice < 0.15:
        return form_payload(
            task.form,
            person,
            rng,
            departed=False,
            departure_date=None,
            departure_notes="Did not attend the flight.",
        )
    return form_payload(task.form, person, rng)


def _is_due(task: TaskView, now: datetime, delays: dict[str, int], rng: Random) -> bool:
    if task.id not in delays:  # drawn when first seen, so a seeded run is repeatable
        delays[task.id] = rng.randint(*DELAY_DAYS.get(task.element_id, (0, 3)))
    return now - task.created_at >= timedelta(days=delays[task.id])


POLICY_EXAMPLE = "policy_changes/recovery_30_days"  # under the bundle folder: version 2's changed files
DEMO_OWNER = Actor("owner", frozenset({"process-owner"}))


def run_demo(
    engine: Engine,
    *,
    days: int = DEMO_DAYS,
    referrals_per_day: float = DEMO_RATE,
    seed: int = 2013,
    on_day: Callable[[int, DemoResult], None] | None = None,
) -> DemoResult:
    """Simulate `days` days ending now; returns counts. The engine clock is restored afterwards."""
    rng = Random(seed)
    end = now()
    movable = MovableClock(end - timedelta(days=days))
    previous = use_clock(movable)
    people: dict[str, Person] = {}
    agencies: dict[str, str] = {}
    delays: dict[str, int] = {}
    result = DemoResult()
    actors: dict[str, Actor] = {}  # the simulated workers, by username
    missing: dict[str, int] = {}  # cases of people missing, and the day they are heard of again
    try:
        for day in range(days):
            movable.set((end - timedelta(days=days - day)).replace(hour=9, minute=0, second=0, microsecond=0))
            engine.fire_due_timers()
            for _ in range(_count(rng, referrals_per_day)):
                person = rng.choice(PEOPLE)
                agency = rng.choice(DEMO_AGENCIES)
                referrer = Actor(f"demo-{agency}", frozenset({"first-responder"}), agency=agency)
                actors.setdefault(referrer.username, referrer)
                case = engine.start_case("nrm_pathway", actor=referrer)
                people[case.key] = person
                agencies[case.key] = agency
                result.cases += 1
            present = {key: person for key, person in people.items() if key not in missing}
            result.steps += _work_due_tasks(engine, movable, present, agencies, delays, rng, actors)
            _whereabouts(engine, people, missing, day, rng)
            if on_day:
                on_day(day, result)
        movable.set(end)
        engine.fire_due_timers()
    finally:
        use_clock(previous)
    for case in engine.cases(limit=100_000):
        result.by_status[case.status] = result.by_status.get(case.status, 0) + 1
    _name_the_demo_workers(engine, actors)
    return result


def _name_the_demo_workers(engine: Engine, actors: dict[str, Actor]) -> None:
    """The simulated workers as users with names (and passwords nobody knows), so that case
    histories say who did what in words, not "A former user"."""
    known = {user.username for user in engine.list_users()}
    labels = engine.case_fact_labels(Actor("demo", frozenset({"manager"})))
    agencies = labels.get("first_responder_agency", {})
    teams: dict[str, str] = {}  # "(UKBA competent authority)": what the demo users' names say
    for _user, display, groups, _agency in DEMO_USERS:
        for group in groups:
            teams.setdefault(group, display[display.find("(") :])  # the team's own user comes first
    for username, actor in actors.items():
        if username in known:
            continue
        group = sorted(actor.groups)[0]
        if username == "demo-first-responder":  # answers first responders' tasks of every agency
            name, kept = "A first responder", None
        elif username == f"demo-{group}":  # works the group's tasks of every case
            name, kept = f"A worker {teams.get(group, '')}".strip(), None
        else:
            agency = actor.agency or ""
            name, kept = f"A first responder ({agencies.get(agency, 'another agency')})", actor.agency
        engine.add_user(username, secrets.token_urlsafe(24), [group], display_name=name, agency=kept)


MANAGER = Actor("manager", frozenset({"manager"}))  # the demo's manager records whereabouts


def _whereabouts(
    engine: Engine, people: dict[str, Person], missing: dict[str, int], day: int, rng: Random
) -> None:
    """Now and then a person goes missing; some days later they are found, or have left the UK."""
    for key, back in list(missing.items()):
        if day >= back:
            del missing[key]
            with suppress(EngineError):  # the case may have moved on meanwhile
                if rng.random() < 0.6:
                    engine.record_found(key, "Found by the police and back in the safe house", MANAGER)
                else:
                    engine.record_left_uk(key, "Flew home, the support provider was told", MANAGER)
    if rng.random() < 0.15 and people:
        key = rng.choice(sorted(people))
        with suppress(EngineError):
            if key not in missing and engine.case(key).status == "active":
                engine.record_missing(key, "Did not come back to the safe house", MANAGER)
                missing[key] = day + rng.randrange(3, 21)


def _count(rng: Random, mean: float) -> int:
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0) + (1 if rng.random() < 0.1 else 0)


def _work_due_tasks(
    engine: Engine,
    movable: MovableClock,
    people: dict[str, Person],
    agencies: dict[str, str],
    delays: dict[str, int],
    rng: Random,
    actors: dict[str, Actor],
) -> int:
    steps = 0
    for _round in range(6):  # answering one task can open the next; same-day tasks are answered today
        now = movable.now()
        due = [
            t for t in engine.tasks(limit=100_000) if t.case_key in people and _is_due(t, now, delays, rng)
        ]
        if not due:
            break
        for task in due:
            agency = agencies[task.case_key]
            actor = Actor(f"demo-{task.candidate_group}", frozenset({task.candidate_group}), agency=agency)
            actors.setdefault(actor.username, actor)
            movable.move(timedelta(minutes=rng.randrange(5, 40)))
            engine.complete_task(task.id, _answers(task, people[task.case_key], agency, rng), actor)
            steps += 1
    return steps
