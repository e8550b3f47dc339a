"""Date-time helpers shared by the service tasks: UTC ISO strings in, UTC ISO strings out.

Case data holds date-times as ISO-8601 strings with a UTC offset. People read dates in
Europe/London local time, so letters and messages format them that way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def iso_utc(moment: datetime) -> str:
    """An aware date-time as an ISO-8601 string in UTC (`...+00:00`)."""
    if moment.tzinfo is None:
        raise ValueError("a date-time without a time zone cannot be stored; use an aware datetime")
    return moment.astimezone(UTC).isoformat()


def parse_iso(text: str, what: str) -> datetime:
    """Read an ISO-8601 date or date-time; one without an offset is read as Europe/London time."""
    if not isinstance(text, str):
        raise ValueError(f"{what} must be an ISO-8601 date-time string, not {type(text).__name__}")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"{what} is not an ISO-8601 date-time: {text!r}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment


def long_date(moment: datetime) -> str:
    """The London date of `moment` as people write it in letters: `2 April 2026`."""
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}"


def long_date_time(moment: datetime) -> str:
    """The London date and time of `moment`, e.g. `2 April 2026 at 14:05`."""
    local = moment.astimezone(LONDON)
    return f"{long_date(local)} at {local:%H:%M}"
