"""How the reasonable grounds target's 5 working days are counted: issue 18 item 16, on the real
diagrams (SQLite and PostgreSQL).

The rule, stated in `set_rg_due_date` in bpmn/reasonable_grounds.bpmn: a working day is a Monday
to Friday that is not a bank holiday in the part of the UK the referral names (`referral_region`);
the day the case reaches the competent authority does not count (count_from
'next_working_day'); the target is the end of the 5th working day, 23:59:59 London time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.scenarios.driver import CaseDriver


def _rg_target(case: CaseDriver) -> datetime:
    rg = case.open_tasks()["decide_reasonable_grounds"]
    assert case.waiting_timers()["rg_target_passed"] == rg.due_at
    return rg.due_at


def test_a_referral_in_scotland_counts_scottish_bank_holidays(drive, moving_clock):
    # Tuesday 31 December 2013. 1 January is a bank holiday everywhere; 2 January only in Scotland.
    moving_clock.set(datetime(2013, 12, 31, 10, 0, tzinfo=UTC))
    england = drive("NG")
    england.refer("adult", referral_region="england-and-wales")
    scotland = drive("NG")
    scotland.refer("adult", referral_region="scotland")
    assert scotland.data()["referral_region"] == "scotland"
    # England and Wales: Thu 2, Fri 3, Mon 6, Tue 7, Wed 8 January.
    assert _rg_target(england) == datetime(2014, 1, 8, 23, 59, 59, tzinfo=UTC)
    # Scotland: Fri 3, Mon 6, Tue 7, Wed 8, Thu 9 January.
    assert _rg_target(scotland) == datetime(2014, 1, 9, 23, 59, 59, tzinfo=UTC)
    scotland.move_to(datetime(2014, 1, 9, 12, 0, tzinfo=UTC))
    assert scotland.case().flags == []
    scotland.move_to(datetime(2014, 1, 10, 0, 30, tzinfo=UTC))
    assert [f.kind for f in scotland.case().flags] == ["overdue_reasonable_grounds"]


def test_a_referral_in_northern_ireland_counts_st_patricks_day(drive, moving_clock):
    # Friday 14 March 2014; St Patrick's Day, Monday 17 March, is a bank holiday in Northern
    # Ireland only. A child's referral: the child referral form asks the same question.
    moving_clock.set(datetime(2014, 3, 14, 10, 0, tzinfo=UTC))
    belfast = drive("VN", adult=False)
    belfast.refer("child", referral_region="northern-ireland")
    london = drive("VN", adult=False)
    london.refer("child", referral_region="england-and-wales")
    # England and Wales: Mon 17 to Fri 21 March. Northern Ireland: Tue 18 to Mon 24 March.
    assert _rg_target(london) == datetime(2014, 3, 21, 23, 59, 59, tzinfo=UTC)
    assert _rg_target(belfast) == datetime(2014, 3, 24, 23, 59, 59, tzinfo=UTC)


def test_working_days_start_the_day_after_the_referral(drive, moving_clock):
    """Day 1 is the next working day after the day the case reaches the competent authority,
    however early on that day; the target is the end (London time) of the 5th."""
    moving_clock.set(datetime(2013, 6, 3, 7, 5, tzinfo=UTC))  # Monday 3 June 2013, 08:05 in London
    case = drive("NG")
    case.refer("adult", referral_region="england-and-wales")
    # Tue 4, Wed 5, Thu 6, Fri 7, Mon 10 June; the end of 10 June is 22:59:59 UTC in summer time.
    due = datetime(2013, 6, 10, 22, 59, 59, tzinfo=UTC)
    assert _rg_target(case) == due
    case.move_to(due - timedelta(minutes=5))
    assert case.case().flags == []
    case.move_to(due + timedelta(minutes=5))
    assert [f.kind for f in case.case().flags] == ["overdue_reasonable_grounds"]
