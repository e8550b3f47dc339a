"""Working-day deadlines: weekends and the region's bank holidays are skipped; the start day never counts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import holidays
import pytest

import tasks  # noqa: F401  (registers the operators)
from engine.spec.services import ServiceContext, call_service
from engine.working_days import add_working_days
from tasks.working_days import working_day_due_date


def make_context(now: datetime, region: str = "england-and-wales") -> ServiceContext:
    return ServiceContext(now=now, case_key="NRM-2026-000001", data={}, bank_holiday_region=region)


def due(start: str, working_days: int = 5, region: str | None = None) -> str:
    ctx = make_context(datetime(2026, 1, 1, tzinfo=UTC))
    return working_day_due_date(ctx, working_days, region=region, start=start)


def test_the_package_knows_the_bank_holidays_these_tests_rely_on():
    england = holidays.UK(subdiv="ENG", years=[2026, 2027])
    scotland = holidays.UK(subdiv="SCT", years=[2026, 2027])
    assert date(2026, 4, 6) in england and date(2026, 4, 6) not in scotland  # Easter Monday
    assert date(2026, 1, 2) in scotland and date(2026, 1, 2) not in england  # 2 January
    assert date(2026, 11, 30) in scotland and date(2026, 11, 30) not in england  # St Andrew's Day


def test_monday_referral_is_due_at_the_end_of_the_following_monday_in_winter():
    assert due("2026-01-12T10:00:00+00:00") == "2026-01-19T23:59:59+00:00"


def test_end_of_day_is_london_time_so_in_summer_it_is_an_hour_earlier_in_utc():
    assert due("2026-06-08T10:00:00+01:00") == "2026-06-15T22:59:59+00:00"


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-06-12T16:00:00+01:00", "2026-06-15T22:59:59+00:00"),  # Friday -> Monday
        ("2026-06-13T11:00:00+01:00", "2026-06-15T22:59:59+00:00"),  # Saturday -> Monday
        ("2026-06-14T11:00:00+01:00", "2026-06-15T22:59:59+00:00"),  # Sunday -> Monday
    ],
)
def test_weekends_are_skipped(start, expected):
    assert due(start, working_days=1) == expected


def test_easter_bank_holidays_in_england_and_wales_push_the_deadline_back():
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are bank holidays.
    assert due("2026-04-02T09:00:00+01:00", region="england-and-wales") == "2026-04-13T22:59:59+00:00"


def test_scotland_works_on_easter_monday():
    assert due("2026-04-02T09:00:00+01:00", region="scotland") == "2026-04-10T22:59:59+00:00"


def test_scotland_has_the_second_of_january_off():
    assert due("2025-12-31T12:00:00+00:00", 2, "england-and-wales") == "2026-01-05T23:59:59+00:00"
    assert due("2025-12-31T12:00:00+00:00", 2, "scotland") == "2026-01-06T23:59:59+00:00"


def test_scotland_has_st_andrews_day_off():
    assert due("2026-11-27T12:00:00+00:00", 1, "england-and-wales") == "2026-11-30T23:59:59+00:00"
    assert due("2026-11-27T12:00:00+00:00", 1, "scotland") == "2026-12-01T23:59:59+00:00"


def test_northern_ireland_has_st_patricks_day_off():
    assert due("2026-03-16T12:00:00+00:00", 1, "england-and-wales") == "2026-03-17T23:59:59+00:00"
    assert due("2026-03-16T12:00:00+00:00", 1, "northern-ireland") == "2026-03-18T23:59:59+00:00"


def test_christmas_window_crosses_the_year_and_skips_observed_holidays():
    # 25 Dec (Fri), 28 Dec (Boxing Day observed) and 1 Jan are bank holidays in England and Wales.
    assert due("2026-12-24T12:00:00+00:00") == "2027-01-05T23:59:59+00:00"
    # Scotland also has 4 January 2027 (2 January observed).
    assert due("2026-12-24T12:00:00+00:00", region="scotland") == "2027-01-06T23:59:59+00:00"


def test_default_start_is_the_engine_clock_read_as_london_date():
    # 23:30 UTC on Sunday 7 June is 00:30 on Monday 8 June in London: Monday is the referral day.
    ctx = make_context(datetime(2026, 6, 7, 23, 30, tzinfo=UTC))
    assert working_day_due_date(ctx, 5) == "2026-06-15T22:59:59+00:00"


def test_default_region_is_the_case_region():
    ctx = make_context(datetime(2026, 4, 2, 8, 0, tzinfo=UTC), region="scotland")
    assert working_day_due_date(ctx, 5) == "2026-04-10T22:59:59+00:00"
    ctx = make_context(datetime(2026, 4, 2, 8, 0, tzinfo=UTC), region="england-and-wales")
    assert working_day_due_date(ctx, 5) == "2026-04-13T22:59:59+00:00"


def test_zero_working_days_is_the_end_of_the_start_day():
    assert due("2026-04-03T09:00:00+01:00", working_days=0) == "2026-04-03T22:59:59+00:00"


def test_the_operator_is_registered_and_returns_an_aware_iso_string():
    ctx = make_context(datetime(2026, 1, 12, 10, 0, tzinfo=UTC))
    result = call_service("working_day_due_date", ctx, {"working_days": 5})
    assert isinstance(result, str)
    assert datetime.fromisoformat(result) == datetime(2026, 1, 19, 23, 59, 59, tzinfo=UTC)


def test_add_working_days_helper():
    assert add_working_days(date(2026, 4, 2), 1, "england-and-wales") == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 2), 1, "scotland") == date(2026, 4, 6)
    assert add_working_days(date(2026, 4, 2), 0, "scotland") == date(2026, 4, 2)


@pytest.mark.parametrize("region", ["wales", "ENG", "", None, "England and Wales"])
def test_unknown_region_is_refused_naming_the_allowed_ones(region):
    with pytest.raises(ValueError, match="england-and-wales, scotland, northern-ireland"):
        add_working_days(date(2026, 4, 2), 1, region)


def test_unknown_region_is_refused_by_the_operator():
    ctx = make_context(datetime(2026, 4, 2, tzinfo=UTC))
    with pytest.raises(ValueError, match="unknown bank holiday region 'wales'"):
        working_day_due_date(ctx, 5, region="wales")


@pytest.mark.parametrize("working_days", [-1, 366, 2.5, True, "5", None])
def test_working_days_must_be_a_whole_number_from_0_to_365(working_days):
    ctx = make_context(datetime(2026, 4, 2, tzinfo=UTC))
    with pytest.raises(ValueError, match="working_days must be a whole number from 0 to 365"):
        working_day_due_date(ctx, working_days)


def test_365_working_days_is_allowed():
    assert add_working_days(date(2026, 1, 1), 365, "england-and-wales").year == 2027


def test_an_unreadable_start_is_refused():
    ctx = make_context(datetime(2026, 4, 2, tzinfo=UTC))
    with pytest.raises(ValueError, match="start is not an ISO-8601 date-time"):
        working_day_due_date(ctx, 5, start="next Tuesday")


def test_counting_from_the_start_day_makes_a_working_start_day_day_1():
    ctx = make_context(datetime(2026, 1, 1, tzinfo=UTC))
    monday = "2026-01-12T10:00:00+00:00"
    assert working_day_due_date(ctx, 5, start=monday, count_from="start_day") == "2026-01-16T23:59:59+00:00"
    saturday = "2026-01-17T10:00:00+00:00"
    assert working_day_due_date(ctx, 1, start=saturday, count_from="start_day") == "2026-01-19T23:59:59+00:00"


def test_an_unknown_count_from_is_refused():
    ctx = make_context(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="next_working_day, start_day"):
        working_day_due_date(ctx, 5, count_from="tomorrow")
