"""Working days: Monday to Friday, less the bank holidays of a UK region (`holidays` package).

Used by timers in the diagrams (`working_days(5)`) and by the `working_day_due_date` service
task. The day counted from never counts itself: the deadline is the end (23:59:59 London time)
of the Nth working day after it. A referral on Thursday 2 April 2026 with 5 working days is due
by the end of Monday 13 April 2026, because Good Friday and Easter Monday are bank holidays in
England and Wales. Zero working days means the end of the day itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
# Region names used in settings and diagrams -> subdivision codes of holidays.UK.
REGION_SUBDIVISIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
MAX_WORKING_DAYS = 365
END_OF_DAY = time(23, 59, 59)
# Which day is day 1 (the diagrams' `count_from`): the first working day after the start day, or
# the start day itself when it is a working day.
COUNT_FROM = ("next_working_day", "start_day")


def check_region(region: object) -> str:
    """The holidays subdivision code of `region`; ValueError naming the allowed regions."""
    if not isinstance(region, str) or region not in REGION_SUBDIVISIONS:
        raise ValueError(f"unknown bank holiday region {region!r}; allowed: {', '.join(REGION_SUBDIVISIONS)}")
    return REGION_SUBDIVISIONS[region]


def check_working_days(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_WORKING_DAYS:
        raise ValueError(f"working_days must be a whole number from 0 to {MAX_WORKING_DAYS}, got {n!r}")
    return n


@lru_cache(maxsize=64)
def _bank_holidays(subdivision: str, year: int) -> frozenset[date]:
    # Loaded on first use: the bounded runner (engine/sandbox/child.py) imports this module but
    # should pay for `holidays` (time and memory: docs/performance.md) only if code calls the helper.
    import holidays

    return frozenset(holidays.UK(subdiv=subdivision, years=year))


def check_count_from(count_from: object) -> str:
    """`count_from` if it is one of COUNT_FROM; ValueError naming the allowed values."""
    if not isinstance(count_from, str) or count_from not in COUNT_FROM:
        raise ValueError(f"unknown count_from {count_from!r}; allowed: {', '.join(COUNT_FROM)}")
    return count_from


def is_working_day(day: date, region: str) -> bool:
    """True if `day` is a Monday to Friday that is not a bank holiday in `region`."""
    return day.weekday() < 5 and day not in _bank_holidays(check_region(region), day.year)


def add_working_days(start_date: date, n: int, region: str) -> date:
    """The Nth working day after `start_date` in `region` (`n == 0`: `start_date` itself)."""
    remaining = check_working_days(n)
    check_region(region)
    day = start_date
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, region):
            remaining -= 1
    return day


def working_day_deadline(
    start: datetime, n: int, region: str, count_from: str = "next_working_day"
) -> datetime:
    """The end (23:59:59 London time) of the Nth working day counted from the London date of
    `start`: day 1 is the next working day after it, or (`count_from="start_day"`) that day
    itself if it is a working day."""
    start_day = start.astimezone(LONDON).date()
    if check_count_from(count_from) == "start_day" and check_working_days(n):
        start_day -= timedelta(days=1)
    due_day = add_working_days(start_day, n, region)
    return datetime.combine(due_day, END_OF_DAY, tzinfo=LONDON)


def diagram_helper(now: datetime, default_region: str) -> Callable[..., str]:
    """The diagrams' `working_days(n, region=None)` on a given clock: the end of the Nth working
    day after `now` (bank holidays of the region excluded), as ISO text in UTC."""

    def working_days(n: int, region: str | None = None) -> str:
        return working_day_deadline(now, n, region or default_region).astimezone(UTC).isoformat()

    return working_days
