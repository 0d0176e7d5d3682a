import logging
import shutil
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.dates import CHINA, china_date
from core.db import db
from reference import workdays
from reference.models import CalendarDay
from reference.seed import DATA_DIR, SeedError, load_seed
from reference.workdays import WorkCalendar, end_of_day

PLAIN = WorkCalendar()


def china(*args) -> datetime:
    return datetime(*args, tzinfo=CHINA)


@pytest.fixture
def fresh_warnings(monkeypatch):
    monkeypatch.setattr(workdays, "_warned_years", set())


def test_national_day_2026_with_make_up_workdays():
    # The package's 2026 schedule: 中秋 Sep 25–27 and 国庆 Oct 1–7 off, Sunday Sep 20 and Saturday Oct 10 worked.
    off = [date(2026, 9, 25), date(2026, 9, 27)] + [date(2026, 10, d) for d in range(1, 8)]
    assert not any(PLAIN.is_workday(day) for day in off)
    assert PLAIN.is_workday(date(2026, 9, 20)) and PLAIN.is_workday(date(2026, 10, 10))
    assert PLAIN.is_workday(date(2026, 10, 8)) and not PLAIN.is_workday(date(2026, 10, 11))
    # Received on the eve: days 1, 2, 3 are Oct 8, Oct 9 and the make-up Saturday Oct 10.
    assert PLAIN.add_workdays(china(2026, 9, 30, 10, 0), 2) == china(2026, 10, 9, 23, 59, 59)
    assert PLAIN.add_workdays(china(2026, 9, 30, 10, 0), 3) == china(2026, 10, 10, 23, 59, 59)
    # Received during the holiday: counting starts on the next working day.
    assert PLAIN.add_workdays(china(2026, 10, 3, 15, 0), 1) == china(2026, 10, 8, 23, 59, 59)


def test_spring_festival_2026():
    assert not any(PLAIN.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert PLAIN.is_workday(date(2026, 2, 14)) and PLAIN.is_workday(date(2026, 2, 28))
    # Friday Feb 13 evening (UTC still Feb 13 morning): Saturday 14th is day 1, then nine days off.
    received = datetime(2026, 2, 13, 12, 30, tzinfo=UTC)
    assert PLAIN.add_workdays(received, 2) == china(2026, 2, 24, 23, 59, 59)
    assert PLAIN.workdays_between(received, date(2026, 2, 28)) == 6  # 14, 24, 25, 26, 27, 28


def test_moment_is_taken_as_its_china_date():
    late_utc = datetime(2026, 2, 12, 17, 0, tzinfo=UTC)  # 01:00 on Feb 13 in China
    assert china_date(late_utc) == date(2026, 2, 13)
    assert china_date(late_utc.replace(tzinfo=None)) == date(2026, 2, 13)  # naive = UTC (SQLite)
    assert PLAIN.add_workdays(late_utc, 1) == PLAIN.add_workdays(china(2026, 2, 13, 9, 0), 1)
    assert end_of_day(date(2026, 2, 13)) == datetime(2026, 2, 13, 15, 59, 59, tzinfo=UTC)


def test_zero_days_ends_today_or_on_the_next_working_day():
    assert PLAIN.add_workdays(china(2026, 3, 4, 9, 0), 0) == china(2026, 3, 4, 23, 59, 59)  # a Wednesday
    assert PLAIN.add_workdays(china(2026, 3, 7, 9, 0), 0) == china(2026, 3, 9, 23, 59, 59)  # Saturday → Monday
    with pytest.raises(ValueError):
        PLAIN.add_workdays(china(2026, 3, 4, 9, 0), -1)


@pytest.mark.parametrize("start", [china(2026, 9, 18, 8), china(2026, 2, 1, 22), china(2026, 12, 30, 12)])
@pytest.mark.parametrize("days", [0, 1, 2, 5, 10, 15])
def test_workdays_between_undoes_add_workdays(start, days, fresh_warnings):
    deadline = PLAIN.add_workdays(start, days)
    expected = days if days or PLAIN.is_workday(china_date(start)) else 1  # N = 0 on a day off
    assert PLAIN.workdays_between(start, deadline) == expected
    assert PLAIN.workdays_between(deadline, start) == -expected


def test_deadline_into_an_unknown_year_falls_back_to_weekdays_and_warns_once(fresh_warnings, caplog):
    caplog.set_level(logging.WARNING, logger="reference.workdays")
    # Dec 29–31 2026 are days 1–3; 2027 is unknown to the package: Mon–Fri, so Friday Jan 1 is day 4.
    assert PLAIN.add_workdays(china(2026, 12, 28, 10, 0), 10) == china(2027, 1, 11, 23, 59, 59)
    assert PLAIN.add_workdays(china(2026, 12, 28, 10, 0), 15) == china(2027, 1, 18, 23, 59, 59)
    assert not PLAIN.is_workday(date(2027, 1, 9))
    warnings = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1 and "Monday to Friday" in warnings[0].getMessage()


def test_override_rows_are_honoured(app, fresh_warnings):
    with app.app_context():
        report = load_seed(db.session)
        assert report.created["calendar_day"] >= 1
        # Staff's own rows: a 2027 make-up Saturday, and a correction of a year the package knows.
        db.session.add_all([CalendarDay(day=date(2027, 1, 9), is_workday=True, name="调休上班"),
                            CalendarDay(day=date(2026, 10, 8), is_workday=False, name="测试更正")])
        db.session.commit()
        calendar = WorkCalendar.from_session(db.session)
    assert not calendar.is_workday(date(2027, 1, 1)) and PLAIN.is_workday(date(2027, 1, 1))
    assert calendar.is_workday(date(2027, 1, 9))
    assert not calendar.is_workday(date(2026, 10, 8))
    # Jan 1 off, Saturday Jan 9 worked: day 10 from Dec 28 is still Monday Jan 11, day 11 Jan 12.
    received = china(2026, 12, 28, 10, 0)
    assert calendar.add_workdays(received, 4) == china(2027, 1, 4, 23, 59, 59)
    assert calendar.add_workdays(received, 9) == china(2027, 1, 9, 23, 59, 59)
    assert calendar.workdays_between(received, date(2027, 1, 12)) == 11


def test_calendar_seed_loads_once(any_app):
    with any_app.app_context():
        first = load_seed(db.session).created["calendar_day"]
        db.session.commit()
        second = load_seed(db.session).created["calendar_day"]
        total = db.session.scalar(select(func.count()).select_from(CalendarDay))
    assert first == total > 0 and second == 0


def test_broken_calendar_file_is_refused_whole(app, tmp_path):
    folder = tmp_path / "seed"
    shutil.copytree(DATA_DIR, folder)
    (folder / "calendar.yaml").write_text(
        "- {date: 2027-01-01, workday: false, name: 元旦}\n"
        "- {date: 2027-01-01, workday: true}\n"
        "- {date: '2027-13-40', workday: yes please}\n", encoding="utf-8")
    with app.app_context(), pytest.raises(SeedError) as failure:
        load_seed(db.session, folder)
    problems = "\n".join(failure.value.problems)
    assert "duplicate" in problems and "2027-13-40" in problems and "true or false" in problems
    (folder / "calendar.yaml").write_text("- {date: 2027-02-30, workday: false}\n", encoding="utf-8")
    with app.app_context(), pytest.raises(SeedError, match="calendar.yaml cannot be read"):
        load_seed(db.session, folder)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CalendarDay)) == 0


def test_a_calendar_that_never_works_is_reported_not_looped():
    never = WorkCalendar({date(2030, 1, 1) + timedelta(days=n): False for n in range(workdays.MAX_SCAN_DAYS + 5)})
    with pytest.raises(ValueError):
        never.next_workday(date(2029, 12, 31))
