"""Child referrals: the local authority's children's services are told first.

Safeguarding comes first, and a child needs no consent to be referred, so the notification is sent
as soon as the first responder names the child's local authority, before the referral form (and so
usually before the child's name is recorded). It carries what is known then: the first responder's
immediate safeguarding concerns, whether the age is disputed, and the child's names and date of
birth if already recorded. Names go in the body only, never in the title. Children's services see
the referral form, names included, in their safeguarding task on the case once it is answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.access.rules import LOCAL_AUTHORITY
from engine.spec.services import ServiceContext, service_task
from tasks.clock_text import iso_utc, long_date_time
from tasks.letters import person_name

RECIPIENT = LOCAL_AUTHORITY


def _child_details(data: Mapping[str, Any]) -> list[str]:
    name = person_name(data)
    date_of_birth = data.get("date_of_birth")
    details = [
        f"Child: {name}"
        if name
        else "Child: name not yet recorded. The first responder is completing the referral form; "
        "your safeguarding task on this case shows the child's name and details once it is sent."
    ]
    if isinstance(date_of_birth, str) and date_of_birth:
        details.append(f"Date of birth: {date_of_birth}")
    if data.get("age_group") == "age_disputed":
        details.append("Age: disputed. The person is treated as a child until their age is decided.")
    return details


def _notification_body(ctx: ServiceContext, local_authority: str, concerns: str) -> str:
    concerns_text = concerns or "None recorded."
    return (
        f"Reference: {ctx.case_key}\nDate: {long_date_time(ctx.now)}\n"
        f"To: Children's services, {local_authority}\n\n"
        + "\n".join(_child_details(ctx.data))
        + f"\n\nImmediate safeguarding concerns (from the first responder):\n\n{concerns_text}"
        + "\n\nA child has been referred to the National Referral Mechanism (NRM) as a possible victim "
        "of human trafficking. A person whose age is disputed is treated as a child.\n\n"
        "Safeguarding comes first. Please take the steps your safeguarding duties require now, "
        "including making sure the child is in a safe place. The NRM decisions that follow do not "
        "replace or delay them, and do not wait for them: the referral goes to the competent "
        "authority straight away.\n\n"
        "The child's accommodation and support are the local authority's duty; the adult victim care "
        "contract does not cover children.\n\n"
        "Children do not need to consent to an NRM referral, so no consent was asked for.\n\n"
        "The competent authority will contact you for information when it considers the reasonable "
        f"grounds decision. Please quote reference {ctx.case_key}.\n"
    )


@service_task("notify_childrens_services")
def notify_childrens_services(
    ctx: ServiceContext, local_authority: str, concerns: str = ""
) -> dict[str, str]:
    """Store a notification to the local authority's children's services, with the immediate
    safeguarding concerns (`concerns`); returns when and which."""
    if not isinstance(local_authority, str) or not local_authority.strip():
        raise ValueError("local_authority must name the child's local authority (it is empty)")
    local_authority = local_authority.strip()
    document_id = ctx.add_document(
        kind="childrens_services_notification",
        title="Child referral: notification to children's services",
        body=_notification_body(ctx, local_authority, concerns.strip() if isinstance(concerns, str) else ""),
        recipient=RECIPIENT,
    )
    return {"notified_at": iso_utc(ctx.now), "local_authority": local_authority, "document_id": document_id}
