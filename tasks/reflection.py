"""The reflection and recovery period after a positive reasonable grounds decision, and the
move-on period after the conclusive grounds decision.

Its length and review day are the diagram's parameters; it is extendable (at the review or
when the support provider asks) as often as needed, each extension recorded with its reasons,
which the forms that ask for them offer and check (the reasons are listed only there). Dates are
calendar days from the start.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine.spec.services import ServiceContext, service_task
from tasks.clock_text import iso_utc, parse_iso

MAX_DAYS = 365


def _check_days(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{what} must be a whole number from {low} to {high}, got {value!r}")
    return value


@service_task("start_reflection_period")
def start_reflection_period(ctx: ServiceContext, days: int = 45, review_day: int = 30) -> dict[str, Any]:
    """Start the period now: review `review_day` and end `days` calendar days from now."""
    _check_days(days, "days", 1, MAX_DAYS)
    _check_days(review_day, "review_day", 1, days)
    return {
        "started_at": iso_utc(ctx.now),
        "review_at": iso_utc(ctx.now + timedelta(days=review_day)),
        "ends_at": iso_utc(ctx.now + timedelta(days=days)),
        "days": days,
        "extensions": [],
    }


def _reasons(reason: object) -> list[str]:
    reasons = [reason] if isinstance(reason, str) else reason if isinstance(reason, list) else []
    if not reasons or not all(isinstance(r, str) and r.strip() for r in reasons):
        raise ValueError(f"an extension needs at least one reason, got {reason!r}")
    return list(reasons)


@service_task("extend_reflection_period")
def extend_reflection_period(
    ctx: ServiceContext,
    reflection: Mapping[str, Any],
    extension_days: int,
    reason: str | list[str],
    asked_by: str = "",
    details: str = "",
) -> dict[str, Any]:
    """A copy of `reflection` with `ends_at` moved `extension_days` later and the extension recorded.

    `reason` is one reason (decided at the review) or a list of them (asked for by the support
    provider, with `asked_by` and the `details` they gave); each extension adds to `extensions`.
    """
    _check_days(extension_days, "extension_days", 1, MAX_DAYS)
    reasons = _reasons(reason)
    if not isinstance(reflection, Mapping) or "ends_at" not in reflection:
        raise ValueError("reflection must be the result of start_reflection_period (it has no ends_at)")
    days = _check_days(reflection.get("days"), "reflection days", 1, MAX_DAYS * 10)
    ends_at = parse_iso(reflection["ends_at"], "reflection ends_at") + timedelta(days=extension_days)
    extended = copy.deepcopy(dict(reflection))
    extended["ends_at"] = iso_utc(ends_at)
    extended["days"] = days + extension_days
    record: dict[str, Any] = {"days": extension_days, "reason": reasons[0], "granted_at": iso_utc(ctx.now)}
    if not isinstance(reason, str):
        record["reasons"] = reasons
    if asked_by:
        record["asked_by"] = asked_by
    if details:
        record["details"] = details
    extended["extensions"] = [*extended.get("extensions", []), record]
    return extended


@service_task("start_move_on_period")
def start_move_on_period(ctx: ServiceContext, days: int = 14) -> dict[str, Any]:
    """After the conclusive grounds decision: support goes on for `days` calendar days from now."""
    _check_days(days, "days", 1, MAX_DAYS)
    return {"started_at": iso_utc(ctx.now), "ends_at": iso_utc(ctx.now + timedelta(days=days)), "days": days}
