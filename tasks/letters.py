"""Decision letters: the letter to the person and the notices that go with each NRM decision.

Document kinds are `<decision code>_<outcome>_<what>`, for example `rg_positive_letter`,
`rg_positive_first_responder_notice`, `rg_positive_support_provider_notice`, `cg_negative_letter`,
`dl_granted_letter`, `avr_arranged_first_responder_notice`. Reasonable and conclusive grounds
decisions produce three documents (person, first responder, support provider); discretionary leave
and assisted voluntary return produce two (person, first responder).

Negative outcomes (`negative`, `refused`) need `reasons`: the decision maker's minute, quoted in
every document. Positive outcomes do not quote reasons. The person's names (case data
`given_names`, `family_name`) appear only in the body, never in a title.

A child (or a person whose age is disputed) is not written to by name: the letter meant for the
person goes to the local authority's children's services (case data `local_authority_name`),
addressed to them, to share with the child and the child's representative.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.access.rules import LOCAL_AUTHORITY
from engine.spec.services import ServiceContext, service_task
from tasks import letter_texts as texts
from tasks.clock_text import long_date

LETTERS: dict[str, dict[str, tuple[texts.LetterText, ...]]] = {
    "reasonable_grounds": {"positive": texts.RG_POSITIVE, "negative": texts.RG_NEGATIVE},
    "conclusive_grounds": {"positive": texts.CG_POSITIVE, "negative": texts.CG_NEGATIVE},
    "discretionary_leave": {"granted": texts.DL_GRANTED, "refused": texts.DL_REFUSED},
    "assisted_voluntary_return": {"arranged": texts.AVR_ARRANGED},
}
DECISION_CODES = {
    "reasonable_grounds": "rg",
    "conclusive_grounds": "cg",
    "discretionary_leave": "dl",
    "assisted_voluntary_return": "avr",
}
NEEDS_REASONS = frozenset({"negative", "refused"})
KIND_SUFFIXES = {
    texts.PERSON: "letter",
    texts.FIRST_RESPONDER: "first_responder_notice",
    texts.SUPPORT_PROVIDER: "support_provider_notice",
}
SENDERS = {
    "discretionary_leave": "Immigration casework, UK Border Agency",
    "assisted_voluntary_return": "Choices service, Refugee Action (Assisted Voluntary Return)",
}


def _letter_texts(decision: str, outcome: str) -> tuple[texts.LetterText, ...]:
    if decision not in LETTERS:
        raise ValueError(f"unknown decision {decision!r}; allowed: {', '.join(LETTERS)}")
    outcomes = LETTERS[decision]
    if outcome not in outcomes:
        raise ValueError(f"unknown outcome {outcome!r} for {decision}; allowed: {', '.join(outcomes)}")
    return outcomes[outcome]


def person_name(data: Mapping[str, Any]) -> str | None:
    """`given_names family_name` from case data, or None when neither is recorded."""
    parts = [data.get(key) for key in ("given_names", "family_name")]
    words = [part.strip() for part in parts if isinstance(part, str) and part.strip()]
    return " ".join(words) or None


def is_child(data: Mapping[str, Any]) -> bool:
    """A child, or a person whose age is disputed (treated as a child), by the referral's age group."""
    return data.get("age_group") in ("child", "age_disputed")


def childrens_services(data: Mapping[str, Any]) -> str:
    """`Children's services, <local authority>` for a child's case (the authority named at referral)."""
    local_authority = data.get("local_authority_name")
    if isinstance(local_authority, str) and local_authority.strip():
        return f"Children's services, {local_authority.strip()}"
    return "Children's services, local authority"


def _recipient(text: texts.LetterText, data: Mapping[str, Any]) -> str:
    return LOCAL_AUTHORITY if text.recipient == texts.PERSON and is_child(data) else text.recipient


def competent_authority_label(data: Mapping[str, Any]) -> str | None:
    """The full name of the case's competent authority as its allocation decision gave it, or None
    before allocation."""
    allocation = data.get("allocation")
    name = allocation.get("competent_authority_name") if isinstance(allocation, Mapping) else None
    return name if isinstance(name, str) and name else None


def _to_childrens_services(heading: str, body: str, name: str | None, sender: str, to: str) -> str:
    child = name or "the child"
    return (
        f"{heading}To: {to}\n\nChild: {name or 'name not recorded'}\n\nDear colleague,\n\n"
        f"This letter is for {child}, a child referred to the National Referral Mechanism. Letters "
        "meant for a child are sent to the local authority's children's services, not to the child. "
        f"Please explain it to {child}, and share it with their representative if they have one, in "
        "a way that suits their age and understanding. Where it says 'you', it means the child.\n\n"
        f"{body}\n\nYours sincerely,\n\n{sender}\n"
    )


def _compose(
    text: texts.LetterText, fields: dict[str, str], name: str | None, sender: str, data: Mapping[str, Any]
) -> str:
    heading = f"Reference: {fields['case_key']}\nDate: {fields['date']}\nFrom: {sender}\n\n"
    body = text.body.format(**fields)
    if text.recipient == texts.PERSON and is_child(data):
        return _to_childrens_services(heading, body, name, sender, childrens_services(data))
    if text.recipient == texts.PERSON:
        greeting = f"Dear {name}," if name else "Dear Sir or Madam,"
        return f"{heading}{greeting}\n\n{body}\n\nYours sincerely,\n\n{sender}\n"
    addressee = "the first responder" if text.recipient == texts.FIRST_RESPONDER else "the support provider"
    about = f"Person referred: {name}\n\n" if name else ""
    return f"{heading}To: {addressee}\n\n{about}{body}\n\n{sender}\n"


@service_task("produce_decision_letters")
def produce_decision_letters(
    ctx: ServiceContext, decision: str, outcome: str, reasons: str = ""
) -> dict[str, list[str]]:
    """Store the letter to the person and the notices for a decision; returns their document ids."""
    letter_texts = _letter_texts(decision, outcome)
    reasons = reasons.strip() if isinstance(reasons, str) else ""
    if outcome in NEEDS_REASONS and not reasons:
        raise ValueError(f"a {outcome} {decision} decision needs reasons (the minute) for its letters")
    ca_name = competent_authority_label(ctx.data)
    fields = {
        "case_key": ctx.case_key,
        "date": long_date(ctx.now),
        "ca_name": ca_name or "competent authority",
        "ca_title": f"{ca_name}, the competent authority" if ca_name else "competent authority",
        "reasons": reasons,
    }
    sender = SENDERS.get(decision, ca_name or "NRM competent authority")
    name = person_name(ctx.data)
    code = DECISION_CODES[decision]
    ids = [
        ctx.add_document(
            kind=f"{code}_{outcome}_{KIND_SUFFIXES[text.recipient]}",
            title=text.title,
            body=_compose(text, fields, name, sender, ctx.data),
            recipient=_recipient(text, ctx.data),
        )
        for text in letter_texts
    ]
    return {"letters": ids}
