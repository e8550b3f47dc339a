"""Fictional but realistic answers to every NRM form, for the demo, the benchmarks and the tests.

Every person here is invented. `form_payload(form, person, rng, **overrides)` gives data that
passes the form's JSON Schema; overrides set the answers a scenario cares about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from random import Random
from typing import Any

from engine import now


@dataclass(frozen=True)
class Person:
    given_names: str
    family_name: str
    sex: str
    nationality: str
    country: str
    languages: tuple[str, ...]
    age: int
    exploitation: tuple[str, ...]


PEOPLE = (
    Person("Adaeze", "Okafor", "female", "NG", "Nigeria", ("Igbo", "English"), 24, ("sexual",)),
    Person("Thi Lan", "Nguyen", "female", "VN", "Vietnam", ("Vietnamese",), 19, ("labour", "criminal")),
    Person("Van Minh", "Tran", "male", "VN", "Vietnam", ("Vietnamese",), 16, ("criminal",)),
    Person("Arben", "Hoxha", "male", "AL", "Albania", ("Albanian",), 27, ("labour",)),
    Person("Elira", "Kola", "female", "AL", "Albania", ("Albanian", "Italian"), 21, ("sexual",)),
    Person("Ana Maria", "Popescu", "female", "RO", "Romania", ("Romanian",), 31, ("sexual", "labour")),
    Person("Tomasz", "Nowak", "male", "PL", "Poland", ("Polish",), 44, ("labour",)),
    Person(
        "Marek",
        "Horvath",
        "male",
        "SK",
        "Slovakia",
        ("Slovak", "Romani"),
        38,
        ("labour", "domestic_servitude"),
    ),
    Person("Kelly", "Walsh", "female", "GB", "United Kingdom", ("English",), 17, ("sexual", "criminal")),
    Person("Jordan", "Reid", "male", "GB", "United Kingdom", ("English",), 15, ("criminal",)),
    Person("Grace", "Mensah", "female", "GH", "Ghana", ("Twi", "English"), 33, ("domestic_servitude",)),
    Person("Mei", "Chen", "female", "CN", "China", ("Mandarin",), 29, ("labour",)),
    Person("Eritrea", "Tesfay", "female", "ER", "Eritrea", ("Tigrinya",), 20, ("labour", "sexual")),
    Person("Samir", "Haidari", "male", "AF", "Afghanistan", ("Dari", "Pashto"), 17, ("labour",)),
    Person("Fatima", "Begum", "female", "BD", "Bangladesh", ("Bengali",), 36, ("domestic_servitude",)),
    Person("Lucas", "Schmidt", "male", "CH", "Switzerland", ("German", "French"), 40, ("labour",)),
)

INDICATORS = (
    "documents_held_by_others",
    "restricted_movement",
    "debt_bondage",
    "little_or_no_pay",
    "excessive_hours",
)


def _day(rng: Random, days_back: int = 400) -> str:
    """A day before today by the engine's clock (the demo moves it), as forms with `x-when` want."""
    return (now().date() - timedelta(days=1 + rng.randrange(days_back))).isoformat()


def _referral(person: Person, rng: Random) -> dict[str, Any]:
    return {
        "first_responder_name": rng.choice(["Sam Taylor", "Priya Shah", "Declan Murphy", "Helen Price"]),
        "first_responder_email": "first.responder@example.org",
        "first_responder_telephone": "01632 960 001",
        "given_names": person.given_names,
        "family_name": person.family_name,
        "age": person.age,
        "sex": person.sex,
        "nationality": person.nationality,
        "languages": list(person.languages),
        "interpreter_needed": "English" not in person.languages,
        "exploitation_types": list(person.exploitation),
        "exploitation_location": rng.choice(["uk", "both", "overseas"]),
        "indicators": rng.sample(INDICATORS, 2),
        "narrative": (
            f"{person.given_names} was found working long hours for no pay and said their "
            "documents were kept by the people who brought them here."
        ),
        "support_needed": True,
        "accommodation_needed": rng.random() < 0.7,
        "immigration_status": "british_citizen" if person.nationality == "GB" else "not_known",
        "current_location": rng.choice(["community", "safe_accommodation", "immigration_detention"]),
        "dependants": False,
        "has_legal_representative": False,
        "crime_reference": f"CR/{rng.randrange(10000, 99999)}/13",
        "referral_region": "england-and-wales",
    }


def _child_referral(person: Person, rng: Random) -> dict[str, Any]:
    data = _referral(person, rng)
    data.update(
        age=min(person.age, 17),
        accompanied=False,
        looked_after_child=rng.random() < 0.3,
        indicators=["unaccompanied", "missing_from_home_or_care"],
    )
    return data


FORMS: dict[str, Any] = {
    "choose-referral-form.json": lambda p, r: {
        "first_responder_agency": r.choice(
            [
                "salvation_army",
                "police",
                "uk_border_agency",
                "local_authority",
                "migrant_helpline",
                "barnardos",
                "poppy_project",
            ]
        ),
        "age_group": "adult" if p.age >= 18 else "child",
    },
    "adult-consent.json": lambda p, r: {"consent_given": True, "consent_signed_date": _day(r)},
    "adult-referral-form.json": _referral,
    "child-local-authority.json": lambda p, r: {
        "local_authority_name": r.choice(["Hillingdon", "Kent", "Croydon", "Manchester", "Glasgow"]),
        "immediate_safeguarding_concerns": "Risk of going missing and of contact with the exploiters.",
    },
    "child-referral-form.json": _child_referral,
    "safeguarding-arrangements.json": lambda p, r: {
        "safeguarding_plan_in_place": True,
        "allocated_social_worker": "Jo Bloggs",
        "placement_type": r.choice(["foster_care", "residential_home", "supported_lodgings"]),
    },
    "reasonable-grounds-decision.json": lambda p, r: {
        "rg_decision": "positive",
        "rg_reasons": "Consistent account with several indicators of exploitation: "
        "I suspect but cannot prove.",
    },
    "support-and-accommodation.json": lambda p, r: {
        "support_provider": "salvation_army",
        "accommodation_type": "safe_house",
        "accommodation_start_date": _day(r),
        "support_needs": "Counselling, GP registration, legal advice.",
    },
    "extension-request.json": lambda p, r: {
        "requested_days": 14,
        "requested_reasons": ["health"],
        "request_details": "Waiting for hospital treatment.",
    },
    "recovery-review.json": lambda p, r: {
        "recovery_progress": "Settled in safe house; attending counselling.",
        "cooperating_with_police": True,
        "police_force": "Metropolitan Police",
        "police_crime_reference": "CRIS 4401234/13",
        "wishes_to_return_home": False,
        "extend_reflection": False,
    },
    "conclusive-grounds-decision.json": lambda p, r: {
        "cg_decision": "positive",
        "cg_reasons": "On the balance of probabilities the person is a victim of trafficking.",
    },
    "reconsideration-request.json": lambda p, r: {"reconsideration_requested": False},
    "reconsideration-decision.json": lambda p, r: {
        "reopen_decision": True,
        "reconsideration_reasons": "The new evidence was not before the decision maker.",
    },
    "persons-plans.json": lambda p, r: {
        "wishes_to_return_home": False,
        "cooperating_with_police": True,
        "personal_circumstances_warrant_leave": False,
    },
    "embassy-contact.json": lambda p, r: {
        "embassy_contacted": True,
        "embassy_contact_date": _day(r),
        "organisations_contacted": "Embassy consular section.",
    },
    "discretionary-leave.json": lambda p, r: {
        "dl_grounds": ["cooperating_with_police"],
        "dl_decision": "granted",
        "dl_leave_months": 12,
        "dl_reasons": "Cooperating with a police investigation.",
    },
    "assisted-voluntary-return.json": lambda p, r: {
        "country_of_origin": p.country,
        "port_of_departure": "London Heathrow",
        "flight_date": _day(r),
        "onward_domestic_travel": True,
        "immigration_help_on_arrival": True,
        "partner_referral": "Referred to a local partner for reintegration.",
        "reintegration_assistance": True,
    },
    "departure-confirmation.json": lambda p, r: {"departed": True, "departure_date": _day(r)},
    "move-on.json": lambda p, r: {
        "move_on_accommodation": r.choice(["own_tenancy", "local_authority_housing", "family_or_friends"]),
        "move_on_services": "Registered with a GP; referred to a local counselling service.",
    },
    "return-home.json": lambda p, r: {
        "return_details": "Told their support worker this week that they want to go back to their family.",
    },
    "childs-return.json": lambda p, r: {
        "return_in_best_interests": True,
        "return_assessment": "Spoke with the child's aunt and the child's country's social services.",
        "return_arrangements": "An escort travels with the child; the aunt meets them on arrival.",
    },
}


def form_payload(
    form: str | None, person: Person | None = None, rng: Random | None = None, **overrides: Any
) -> dict:
    """Answers for `form` about `person`, with `overrides` applied (a value of None removes a field)."""
    if form not in FORMS:
        raise KeyError(f"no demo answers for form {form!r}")
    rng = rng or Random(0)
    data = FORMS[form](person or PEOPLE[0], rng)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
