"""Intake at the UKHTC, the competent authority a case is allocated to, and the date the
allocation decides by.

The authorities themselves (codes and full names) are only in the competent_authority_allocation
decision (bpmn/competent_authority.dmn); nothing here lists them."""

from __future__ import annotations

from datetime import UTC

from engine.access.rules import competent_authority_group
from engine.spec.services import ServiceContext, service_task
from tasks.clock_text import LONDON


@service_task("received_by_ukhtc")
def received_by_ukhtc(ctx: ServiceContext) -> str:
    """The moment (ISO 8601, UTC) the completed referral reached the UK Human Trafficking Centre,
    on the case's clock: the UKHTC receives every referral before it allocates it."""
    return ctx.now.astimezone(UTC).isoformat()


@service_task("allocate_competent_authority_queue")
def allocate_competent_authority_queue(
    ctx: ServiceContext, competent_authority: str, competent_authority_name: str | None = None
) -> dict[str, str]:
    """The caseworkers' queue and full name of the competent authority the decision chose (the
    name as the decision gives it; the code when an older decision gives none)."""
    queue = competent_authority_group(competent_authority)
    name = competent_authority_name if isinstance(competent_authority_name, str) else None
    return {"queue": queue, "competent_authority_name": (name or "").strip() or competent_authority}


@service_task("referral_date")
def referral_date(ctx: ServiceContext) -> str:
    """Today in London (YYYY-MM-DD) on the case's clock: the date the referral was made."""
    return ctx.now.astimezone(LONDON).date().isoformat()
