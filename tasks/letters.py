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

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.access.rules import FIRST_RESPONDER, LOCAL_AUTHORITY, SUPPORT_PROVIDER
from engine.spec.services import ServiceContext, service_task
from tasks.clock_text import long_date

PERSON = "person"
RECIPIENTS = (PERSON, FIRST_RESPONDER, SUPPORT_PROVIDER)  # the order documents are produced in
DECISION_CODES = {
    "reasonable_grounds": "rg",
    "conclusive_grounds": "cg",
    "discretionary_leave": "dl",
    "assisted_voluntary_return": "avr",
}
NEEDS_REASONS = frozenset({"negative", "refused"})
SENDERS = {
    "discretionary_leave": "Immigration casework, UK Border Agency",
    "assisted_voluntary_return": "Choices service, Refugee Action (Assisted Voluntary Return)",
}
REFLECTION_OPERATOR = "start_reflection_period"  # its `days` and `review_day` are the letters' figures


@dataclass(frozen=True)
class LetterText:
    """One letter or notice as its template in the bundle gives it: its kind (the file name), who it
    is for, its title (never personal data) and its body template."""

    kind: str
    recipient: str
    title: str
    body: str


def read_template(path: str, text: str) -> LetterText:
    """A template file: a `Title:` line, a `To:` line (person, first-responder or support-provider),
    a blank line, then the body."""
    head, _, body = text.partition("\n\n")
    lines = dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
    title, recipient = lines.get("Title", "").strip(), lines.get("To", "").strip()
    if not title or recipient not in RECIPIENTS or not body.strip():
        raise ValueError(
            f"{path}: a letter template starts with a 'Title:' line and a 'To:' line "
            f"({', '.join(RECIPIENTS)}), then a blank line and the body"
        )
    kind = path.rsplit("/", 1)[-1].removesuffix(".txt")
    return LetterText(kind, recipient, title, body.strip())


def fill(template: str, fields: Mapping[str, str], path: str) -> str:
    """The template with its `{name}` placeholders filled from `fields`.

    Templates are files a process owner deploys, so only plain `{name}` placeholders of known
    fields are allowed: no attribute or index access (`{name.attr}`, `{name[0]}`), conversions or
    format specs, which str.format would otherwise evaluate. That is all a letter needs, and it
    reaches nothing but the strings given, so no template engine (and no jinja2 sandbox) is needed.
    """
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ValueError(f"{path}: {error} (write a literal brace as '{{{{' or '}}}}')") from None
    for _, name, spec, conversion in parts:
        if name is not None and (name not in fields or spec or conversion):
            raise ValueError(
                f"{path}: unknown placeholder {{{name}}}; allowed: "
                + ", ".join(f"{{{field}}}" for field in fields)
            )
    return template.format_map(fields)


def _letter_texts(ctx: ServiceContext, decision: str, outcome: str) -> list[LetterText]:
    """The templates of the case's own version for a decision's outcome, person's letter first."""
    if decision not in DECISION_CODES:
        raise ValueError(f"unknown decision {decision!r}; allowed: {', '.join(DECISION_CODES)}")
    prefix = f"letters/{DECISION_CODES[decision]}_"
    outcomes = sorted({path.removeprefix(prefix).split("_", 1)[0] for path in ctx.definition.paths(prefix)})
    if outcome not in outcomes:
        raise ValueError(
            f"unknown outcome {outcome!r} for {decision}; allowed (letters/*.txt of this version): "
            + ", ".join(outcomes)
        )
    paths = ctx.definition.paths(f"{prefix}{outcome}_")
    texts = [read_template(path, ctx.definition.text(path)) for path in paths]
    return sorted(texts, key=lambda text: (RECIPIENTS.index(text.recipient), text.kind))


def figures(ctx: ServiceContext) -> dict[str, str]:
    """The figures letters state, from the case's own diagrams: the reflection and recovery period's
    length (`reflection_days`) and review day (`review_day`), when the process has that period."""
    parameters = ctx.definition.service_parameters(REFLECTION_OPERATOR)
    names = {"days": "reflection_days", "review_day": "review_day"}
    return {field: str(parameters[name]) for name, field in names.items() if name in parameters}


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


def _recipient(text: LetterText, data: Mapping[str, Any]) -> str:
    return LOCAL_AUTHORITY if text.recipient == PERSON and is_child(data) else text.recipient


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
    text: LetterText,
    body: str,
    fields: dict[str, str],
    name: str | None,
    sender: str,
    data: Mapping[str, Any],
) -> str:
    heading = f"Reference: {fields['case_key']}\nDate: {fields['date']}\nFrom: {sender}\n\n"
    if text.recipient == PERSON and is_child(data):
        return _to_childrens_services(heading, body, name, sender, childrens_services(data))
    if text.recipient == PERSON:
        greeting = f"Dear {name}," if name else "Dear Sir or Madam,"
        return f"{heading}{greeting}\n\n{body}\n\nYours sincerely,\n\n{sender}\n"
    addressee = "the first responder" if text.recipient == FIRST_RESPONDER else "the support provider"
    about = f"Person referred: {name}\n\n" if name else ""
    return f"{heading}To: {addressee}\n\n{about}{body}\n\n{sender}\n"


@service_task("produce_decision_letters")
def produce_decision_letters(
    ctx: ServiceContext, decision: str, outcome: str, reasons: str = ""
) -> dict[str, list[str]]:
    """Store the letter to the person and the notices for a decision, from the templates of the
    case's own version (`letters/<code>_<outcome>_*.txt`); returns their document ids."""
    letter_texts = _letter_texts(ctx, decision, outcome)
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
        **figures(ctx),
    }
    sender = SENDERS.get(decision, ca_name or "NRM competent authority")
    name = person_name(ctx.data)
    bodies = [fill(text.body, fields, f"letters/{text.kind}.txt") for text in letter_texts]
    ids = [
        ctx.add_document(
            kind=text.kind,
            title=text.title,
            body=_compose(text, body, fields, name, sender, ctx.data),
            recipient=_recipient(text, ctx.data),
        )
        for text, body in zip(letter_texts, bodies, strict=True)
    ]
    return {"letters": ids}
