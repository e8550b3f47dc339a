"""The two competent authorities of the 2012/13 NRM and their caseworker queues."""

from __future__ import annotations

from engine.spec.services import ServiceContext, service_task

# Code (as decided by the competent_authority_allocation DMN table) -> full name.
COMPETENT_AUTHORITIES: dict[str, str] = {
    "UKBA": "UK Border Agency",
    "UKHTC": "UK Human Trafficking Centre",
}


def competent_authority_name(code: str) -> str:
    """The full name of a competent authority code (`UKBA` or `UKHTC`); ValueError otherwise."""
    try:
        return COMPETENT_AUTHORITIES[code]
    except (KeyError, TypeError):
        allowed = ", ".join(COMPETENT_AUTHORITIES)
        raise ValueError(f"unknown competent authority {code!r}; allowed: {allowed}") from None


def competent_authority_queue(code: str) -> str:
    """The caseworker group (inbox queue) of a competent authority, e.g. `competent-authority-ukba`."""
    competent_authority_name(code)
    return f"competent-authority-{code.lower()}"


@service_task("allocate_competent_authority_queue")
def allocate_competent_authority_queue(ctx: ServiceContext, competent_authority: str) -> dict[str, str]:
    """The queue and full name of the competent authority the case was allocated to."""
    return {
        "queue": competent_authority_queue(competent_authority),
        "competent_authority_name": competent_authority_name(competent_authority),
    }
