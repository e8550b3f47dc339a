"""The `working_day_due_date` service task: a working-day deadline as case data (engine/working_days.py
counts the days).

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

from datetime import datetime

from engine.spec.services import ServiceContext, service_task
from engine.working_days import check_region, check_working_days, working_day_deadline
from tasks.clock_text import iso_utc, parse_iso


@service_task("working_day_due_date")
def working_day_due_date(
    ctx: ServiceContext, working_days: int, region: str | None = None, start: str | None = None
) -> str:
    """The end (23:59:59 London time, as a UTC ISO string) of the Nth working day after `start`.

    `start` is an ISO date-time (default: now); `region` defaults to the case's bank holiday
    region. The start day itself does not count.
    """
    check_working_days(working_days)
    chosen_region = ctx.bank_holiday_region if region is None else region
    check_region(chosen_region)
    start_moment: datetime = ctx.now if start is None else parse_iso(start, "start")
    return iso_utc(working_day_deadline(start_moment, working_days, chosen_region))
