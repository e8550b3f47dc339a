"""Overdue decisions are flagged and escalated to the competent authority's managers, not blocked."""

from __future__ import annotations

from engine.spec.services import ServiceContext, service_task
from tasks.clock_text import iso_utc, long_date_time, parse_iso
from tasks.letters import competent_authority_label

DECISION_NAMES = {
    "reasonable_grounds": "reasonable grounds decision",
    "conclusive_grounds": "conclusive grounds decision",
    "discretionary_leave": "discretionary leave decision",
    "assisted_voluntary_return": "assisted voluntary return",
}
RECIPIENT = "competent-authority-managers"


@service_task("flag_overdue_decision")
def flag_overdue_decision(ctx: ServiceContext, decision: str, due_at: str) -> dict[str, str]:
    """Flag the case `overdue_<decision>` and send an escalation notice to the managers."""
    if decision not in DECISION_NAMES:
        raise ValueError(f"unknown decision {decision!r}; allowed: {', '.join(DECISION_NAMES)}")
    due = parse_iso(due_at, "due_at")
    what = DECISION_NAMES[decision]
    ca_name = competent_authority_label(ctx.data) or "competent authority"
    message = (
        f"The {what} on case {ctx.case_key} was due by {long_date_time(due)} and has not been made. "
        f"It is escalated to the {ca_name} managers."
    )
    ctx.flag(f"overdue_{decision}", message)
    ctx.add_document(
        kind=f"overdue_{decision}_escalation",
        title=f"Overdue {what}: escalation to managers",
        body=(
            f"Reference: {ctx.case_key}\nDate: {long_date_time(ctx.now)}\nTo: {ca_name} managers\n\n"
            f"{message}\n\nThe case is not blocked: the decision can still be made. Please make sure a "
            "decision maker has it and that it is made as soon as possible.\n"
        ),
        recipient=RECIPIENT,
    )
    return {"flagged_at": iso_utc(ctx.now)}
