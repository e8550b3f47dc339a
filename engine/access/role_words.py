"""A person's role in words, from their groups: what the record of every look says they were."""

from __future__ import annotations

from collections.abc import Iterable

from engine.access.rules import (
    ADMIN,
    FIRST_RESPONDER,
    LOCAL_AUTHORITY,
    MANAGER,
    PROCESS_OWNER,
    SUPPORT_PROVIDER,
    is_competent_authority,
)

_WORDS = {
    FIRST_RESPONDER: "first responder",
    SUPPORT_PROVIDER: "support provider",
    LOCAL_AUTHORITY: "local authority children's services",
    "returns": "returns caseworker",
    "immigration": "immigration caseworker",
    MANAGER: "manager",
    PROCESS_OWNER: "process owner",
    ADMIN: "administrator",
}
_ORDER = {group: place for place, group in enumerate(_WORDS)}


def group_in_words(group: str) -> str:
    """`competent-authority-ukba` -> `competent authority caseworker (UKBA)`; `manager` -> `manager`."""
    if is_competent_authority(group):
        code = group.split("-", 2)[2]
        return f"competent authority caseworker ({code.upper()})"
    return _WORDS.get(group, group.replace("-", " ").replace("_", " "))


def role_in_words(groups: Iterable[str]) -> str:
    """Every group in words, managers first: `Manager and competent authority caseworker (UKBA)`."""
    ordered = sorted(set(groups), key=lambda g: (_ORDER.get(g, len(_ORDER)), g))
    words = [group_in_words(g) for g in ordered if g]
    if not words:
        return "No role"
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return text[:1].upper() + text[1:]


def own_task_groups(actor_groups: frozenset[str]) -> tuple[list[str], list[str]]:
    """The groups whose open tasks are a person's own work: those of any case, and those only of
    their agency's referrals (first responders')."""
    any_case = sorted(g for g in actor_groups if g != FIRST_RESPONDER)
    own_agency = [FIRST_RESPONDER] if FIRST_RESPONDER in actor_groups else []
    return any_case, own_agency
