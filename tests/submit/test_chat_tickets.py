"""我的工单 in chat: only the citizen's own tickets; a typed number shows a ticket only if it is theirs."""
from datetime import timedelta

import pytest

from core.dates import china_date
from core.db import db, utcnow
from submit.chat_tickets import typed_number
from submit.models import TicketEvent
from tests.submit.chat_support import Citizen
from tests.submit.conftest import make

pytest_plugins = ("tests.submit.chat_fixtures",)  # chat_app, chat_any_app, fake_wechat


def tickets_for(app, openid: str, count: int, *, prefix: str = "k") -> list[str]:
    """`count` tickets of this citizen, an hour apart, oldest first; returns their numbers."""
    numbers = []
    with app.app_context():
        for index in range(count):
            ticket = make(db.session, f"{prefix}-{openid}-{index}", openid=openid,
                          received_at=utcnow() - timedelta(hours=count - index),
                          content=f"第{index + 1}件：家里暖气片一直不热，室温只有十二度，请尽快处理。")
            numbers.append(ticket.number)
    return numbers


@pytest.mark.parametrize("typed,number", [
    ("TY20261128000123", "TY20261128000123"), ("ty20261128000123", "TY20261128000123"),
    (" TY 2026 1128 000123 ", "TY20261128000123"), ("TY-20261128-000123", "TY20261128000123"),
    ("TY2026112800012", None), ("暖气不热", None), ("13812345678", None)])
def test_ticket_numbers_are_recognised_in_any_case_and_spacing(typed, number):
    assert typed_number(typed) == number


def test_my_tickets_lists_the_newest_five_of_my_own_only(chat_app):
    mine = tickets_for(chat_app, "oOwnerCitizen01", 7)
    theirs = tickets_for(chat_app, "oSomeoneElse001", 2)
    reply = Citizen(chat_app, "oOwnerCitizen01").clicks("MY_TICKETS")
    assert "共7件，最新的5件" in reply
    shown = [number for number in mine if number in reply]
    assert shown == mine[2:] and reply.index(mine[-1]) < reply.index(mine[2])  # newest first
    assert not any(number in reply for number in theirs)
    assert "状态：已受理" in reply and "第7件" in reply
    assert f"{chat_app.config['PUBLIC_URL']}/h5/tickets" in reply


def test_a_typed_number_of_my_own_ticket_shows_its_public_history(chat_app):
    [number] = tickets_for(chat_app, "oOwnerCitizen01", 1)
    with chat_app.app_context():
        from submit.service import get_ticket_for_citizen

        ticket = get_ticket_for_citizen(db.session, number, "oOwnerCitizen01")
        db.session.add(TicketEvent(ticket=ticket, kind="note", actor_kind="staff", public=False,
                                   note="内部：联系热力公司王工", reason="staff only"))
        db.session.add(TicketEvent(ticket=ticket, kind="replied", actor_kind="staff", public=True,
                                   to_status="replied", note="已安排热力公司上门测温"))
        db.session.commit()
        deadline = china_date(ticket.deadline_at)
    reply = Citizen(chat_app, "oOwnerCitizen01").says(number.lower())
    assert f"工单 {number}" in reply and f"{deadline:%Y年%m月%d日}" in reply
    assert "已受理" in reply and "承办单位已答复" in reply and "已安排热力公司上门测温" in reply
    assert "王工" not in reply and "staff only" not in reply
    assert f"/h5/tickets/{number}" in reply


def test_someone_elses_number_is_not_found_exactly_like_a_number_that_does_not_exist(chat_app):
    [number] = tickets_for(chat_app, "oOwnerCitizen01", 1)
    stranger = Citizen(chat_app, "oStrangerCitizen")
    nobodys = number[:-1] + ("9" if number[-1] != "9" else "8")
    foreign, missing = stranger.says(number), stranger.says(nobodys)
    assert "没有找到工单" in foreign and "家里暖气片" not in foreign
    assert foreign.replace(number, "N") == missing.replace(nobodys, "N")


def test_no_tickets_yet_says_how_to_make_one(chat_app):
    assert "点击菜单“微受理”" in Citizen(chat_app, "oNewCitizen0001").clicks("MY_TICKETS")
