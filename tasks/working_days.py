"""Working-day deadlines: the 5-working-day reasonable grounds target and the like.

A working day is a Monday to Friday that is not a bank holiday in the case's region (England and
Wales by default), as listed by the `holidays` package.

Counting: the day of the referral (the `start` day) does not count. The first working day is the
next working day after it, and the deadline is the end of the Nth one: 23:59:59 Europe/London
local time. A referral on Monday with a 5-working-day target is due by the end of the following
Monday; one made on Thursday 2 April 2026 is due by the end of Monday 13 April 2026, because Good
Friday and Easter Monday are bank holidays in England and Wales. Zero working days means the end
of the start day itself.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from engine.services import ServiceContext, service_task
from tasks.clock_text import LONDON, iso_utc, parse_iso

# Region names used in case data and settings -> subdivision codes of holidays.UK.
REGION_SUBDIVISIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
MAX_WORKING_DAYS = 365
END_OF_DAY = time(23, 59, 59)


def _subdivision(region: str) -> str:
    try:
        return REGION_SUBDIVISIONS[region]
    except (KeyError, TypeError):
        allowed = ", ".join(REGION_SUBDIVISIONS)
        raise ValueError(f"unknown bank holiday region {region!r}; allowed: {allowed}") from None


@lru_cache(maxsize=64)
def _bank_holidays(subdivision: str, year: int) -> frozenset[date]:
    return frozenset(holidays.UK(subdiv=subdivision, years=year))


def is_working_day(day: date, region: str) -> bool:
    """True if `day` is a Monday to Friday that is not a bank holiday in `region`."""
    return day.weekday() < 5 and day not in _bank_holidays(_subdivision(region), day.year)


def add_working_days(start_date: date, n: int, region: str) -> date:
    """The Nth working day after `start_date` in `region` (the start day itself never counts).

    `n == 0` returns `start_date`. Raises ValueError for an unknown region or `n` outside 0..365.
    """
    _check_working_days(n)
    _subdivision(region)
    day = start_date
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, region):
            remaining -= 1
    return day


def _check_working_days(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_WORKING_DAYS:
        raise ValueError(f"working_days must be a whole number from 0 to {MAX_WORKING_DAYS}, got {n!r}")


@service_task("working_day_due_date")
def working_day_due_date(
    ctx: ServiceContext, working_days: int, region: str | None = None, start: str | None = None
) -> str:
    """The end (23:59:59 London time, as a UTC ISO string) of the Nth working day after `start`.

    `start` is an ISO date-time (default: now); `region` defaults to the case's bank holiday
    region. The start day itself does not count.
    """
    _check_working_days(working_days)
    chosen_region = ctx.bank_holiday_region if region is None else region
    _subdivision(chosen_region)
    start_moment: datetime = ctx.now if start is None else parse_iso(start, "start")
    due_day = add_working_days(start_moment.astimezone(LONDON).date(), working_days, chosen_region)
    return iso_utc(datetime.combine(due_day, END_OF_DAY, tzinfo=LONDON))
