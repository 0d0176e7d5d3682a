from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.db import db
from submit.models import Ticket, TicketSequence
from submit.numbering import give_back, next_number, number_scope
from submit.service import create_ticket
from tests.submit.conftest import EVE_OF_NATIONAL_DAY, run_in_threads, submission


def test_number_is_city_code_china_date_and_six_digit_sequence(session):
    late = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)  # 00:30 on Nov 28 in China
    assert number_scope(late) == "TY20261128"
    assert [next_number(session, late) for _ in range(3)] == [f"TY20261128{n:06d}" for n in (1, 2, 3)]
    assert next_number(session, late, city_code="DT") == "DT20261128000001"
    assert next_number(session, datetime(2026, 11, 28, 16, 0, tzinfo=UTC)) == "TY20261129000001"
    with pytest.raises(ValueError):
        number_scope(late, city_code="ty1")


def test_the_city_code_setting_is_used(submit_app):
    submit_app.config["CITY_CODE"] = "JZ"
    with submit_app.app_context():
        assert next_number(db.session, EVE_OF_NATIONAL_DAY) == "JZ20260930000001"


def test_a_rolled_back_or_given_back_number_is_used_again(session):
    first = next_number(session, EVE_OF_NATIONAL_DAY)
    session.rollback()
    assert next_number(session, EVE_OF_NATIONAL_DAY) == first
    give_back(session, first)
    session.commit()
    assert next_number(session, EVE_OF_NATIONAL_DAY) == first


def test_concurrent_tickets_get_distinct_gapless_numbers(submit_any_app):
    threads, per_thread = 8, 25

    def work(index: int) -> list[str]:
        numbers = []
        for n in range(per_thread):
            ticket = create_ticket(db.session, submission(openid=f"o-{index}"), channel="wechat",
                                   idempotency_key=f"t{index}-{n}", received_at=EVE_OF_NATIONAL_DAY)
            db.session.commit()
            numbers.append(ticket.number)
        return numbers

    numbers = [number for batch in run_in_threads(submit_any_app, threads, work) for number in batch]
    assert sorted(numbers) == [f"TY20260930{n:06d}" for n in range(1, threads * per_thread + 1)]
    with submit_any_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == threads * per_thread
        assert db.session.get(TicketSequence, "TY20260930").value == threads * per_thread
