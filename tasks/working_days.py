"""The `working_day_due_date` service task: a working-day deadline as case data (engine/working_days.py
counts the days).

A working day is a Monday to Friday that is not a bank holiday in the `region` (the NRM
diagrams pass the referral's answer `referral_region`: england-and-wales, scotland or
northern-ireland; the engine's setting only when a diagram names none), as listed by the
`holidays` package.

Counting (`count_from`, stated in the diagram): with "next_working_day" (the default) the day of
the `start` does not count; day 1 is the next working day after it, and the deadline is the end of
the Nth one: 23:59:59 Europe/London local time. With "start_day" the start day is day 1 if it is
a working day. A referral on Monday with a 5-working-day target is due by the end of the following
Monday; one made on Thursday 2 April 2026 is due by the end of Monday 13 April 2026, because Good
Friday and Easter Monday are bank holidays in England and Wales. Zero working days means the end
of the start day itself.
"""

from __future__ import annotations

from datetime import datetime

from engine.spec.services import ServiceContext, service_task
from engine.working_days import check_count_from, check_region, check_working_days, working_day_deadline
from tasks.clock_text import iso_utc, parse_iso


@service_task("working_day_due_date")
def working_day_due_date(
    ctx: ServiceContext,
    working_days: int,
    region: str | None = None,
    start: str | None = None,
    count_from: str = "next_working_day",
) -> str:
    """The end (23:59:59 London time, as a UTC ISO string) of the Nth working day from `start`.

    `start` is an ISO date-time (default: now); `region` defaults to the engine's bank holiday
    region. `count_from` says which day is day 1 (see the module docstring).
    """
    check_working_days(working_days)
    check_count_from(count_from)
    chosen_region = ctx.bank_holiday_region if region is None else region
    check_region(chosen_region)
    start_moment: datetime = ctx.now if start is None else parse_iso(start, "start")
    return iso_utc(working_day_deadline(start_moment, working_days, chosen_region, count_from))
