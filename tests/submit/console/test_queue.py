"""The queue (/staff/tickets/): tabs with counts, each filter, search, sorting and pages, through the
test client on a real SQLite database."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.db import utcnow
from submit.console import queue as queue_module
from submit.console.queue import _after_prefix
from submit.models import Ticket
from tests.submit.console.conftest import BASE, listed, tab_counts

LAMP = "坞城路路灯连续一周不亮，晚上行人过马路很危险，请尽快修复。"


def numbers(client, **args) -> list[str]:
    page = client.get(f"{BASE}/", query_string={"tab": "all", **args})
    assert page.status_code == 200
    return listed(page.get_data(as_text=True))


def set_columns(desk, number: str, **columns) -> None:
    def change(flow):
        ticket = flow.session.query(Ticket).filter_by(number=number).one()
        for name, value in columns.items():
            setattr(ticket, name, value)
        flow.session.commit()
    desk.run(change)


def test_tabs_count_every_state_group_and_list_their_tickets(desk):
    received = [desk.ticket("received"), desk.ticket("received")]
    dispatched, follow_up, closed = desk.ticket("dispatched"), desk.ticket("follow_up"), desk.ticket("closed")
    agent = desk.client("agent")
    html = agent.get(f"{BASE}/").get_data(as_text=True)
    assert tab_counts(html) == {"dispatch": 2, "handling": 1, "review": 0, "follow_up": 1, "done": 1, "all": 5}
    assert sorted(listed(html)) == sorted(received)  # an agent starts at 待派单
    assert numbers(agent, tab="handling") == [dispatched]
    assert numbers(agent, tab="follow_up") == [follow_up]
    assert numbers(agent, tab="done") == [closed]
    assert numbers(agent, status="dispatched", tab="done") == [dispatched]  # a status overrides the tab


def test_a_department_sees_its_own_tabs_and_only_its_tickets(desk):
    mine = desk.ticket("dispatched")  # heating: RLJT, the handler's department
    helping = desk.ticket("received", category="020101")  # water: GSJT …
    desk.workflow(helping, "dispatch", "agent", department="GSJT", co_departments=["RLJT"])  # … RLJT helping (协办)
    foreign = desk.ticket("received", category="020101")
    handler = desk.client("handler")
    html = handler.get(f"{BASE}/").get_data(as_text=True)
    assert tab_counts(html) == {"sign": 2, "handling": 0, "answered": 0, "done": 0, "all": 2}
    assert sorted(listed(html)) == sorted([mine, helping]) and foreign not in html
    assert numbers(handler, mine="1") == [mine]  # 本单位主办, not 协办


def test_filters_by_type_category_department_channel_and_confidential(desk):
    complaint = desk.ticket("received")
    enquiry = desk.ticket("received", request_type="enquiry", category="020101")
    by_phone = desk.ticket("received", openid=None, channel="phone")
    secret = desk.ticket("received", confidential=True)
    elsewhere = desk.ticket("dispatched")
    desk.workflow(elsewhere, "return_ticket", "handler", reason="不属于本单位")
    desk.workflow(elsewhere, "dispatch", "agent", department="SZJJ")
    agent = desk.client("agent")
    assert numbers(agent, type="enquiry") == [enquiry]
    assert enquiry not in numbers(agent, type="complaint") and complaint in numbers(agent, type="complaint")
    assert numbers(agent, category="0201") == [enquiry]  # a middle class: every leaf below it
    assert numbers(agent, category="02") == [enquiry]
    assert numbers(agent, department="SZJJ") == [elsewhere]
    assert numbers(agent, department="GSJT") == [enquiry]  # the category's default unit before dispatch
    assert numbers(agent, channel="phone") == [by_phone]
    assert numbers(agent, confidential="1") == [secret]
    assert numbers(agent, type="nonsense") == []  # an unknown code matches nothing, never a 500


def test_overdue_and_due_soon_flags_and_filters(desk):
    late = desk.ticket("dispatched", received_at=utcnow() - timedelta(days=60))
    soon, later = desk.ticket("dispatched"), desk.ticket("dispatched")
    set_columns(desk, soon, deadline_at=utcnow() + timedelta(hours=2))
    paused_late = desk.ticket("dispatched", received_at=utcnow() - timedelta(days=60))
    set_columns(desk, paused_late, paused_at=utcnow() - timedelta(days=1))  # stopped after the deadline
    done_late = desk.ticket("closed", received_at=utcnow() - timedelta(days=60))
    agent = desk.client("agent")
    assert sorted(numbers(agent, due="overdue")) == sorted([late, paused_late])  # closed: no longer overdue
    assert numbers(agent, due="soon") == [soon]
    html = agent.get(f"{BASE}/", query_string={"tab": "all"}).get_data(as_text=True)
    row = {number: html[html.index(f'data-number="{number}"'):][:900] for number in (late, soon, later, done_late)}
    assert "已超期" in row[late] and "即将到期" in row[soon]
    assert "已超期" not in row[later] and "即将到期" not in row[later] and "已超期" not in row[done_late]


def test_chased_tickets_are_flagged_for_the_department(desk):
    chased, quiet = desk.ticket("accepted"), desk.ticket("accepted")
    desk.workflow(chased, "chase", "supervisor")
    handler = desk.client("handler")
    assert numbers(handler, chased="1") == [chased]
    html = handler.get(f"{BASE}/", query_string={"tab": "all"}).get_data(as_text=True)
    assert "催办" in html[html.index(f'data-number="{chased}"'):][:900]
    assert "催办" not in html[html.index(f'data-number="{quiet}"'):][:900]


def test_mine_is_where_the_last_hotline_action_was_mine(desk):
    dispatched_by_me = desk.ticket("dispatched")  # the agent dispatched it (workflow_support PATH)
    returned = desk.ticket("dispatched")
    desk.workflow(returned, "return_ticket", "handler", reason="不属于本单位")
    taken_over = desk.ticket("replied")
    desk.workflow(taken_over, "send_back", "supervisor", reason="答复不完整")
    desk.workflow(taken_over, "add_note", "agent", note="已知悉")  # a note makes nothing mine
    closed = desk.ticket("closed")
    untouched = desk.ticket("received")
    agent, supervisor = desk.client("agent"), desk.client("supervisor")
    mine = numbers(agent, mine="1")
    assert sorted(mine) == sorted([dispatched_by_me, returned])  # a 退单 by the department keeps it mine
    assert closed not in mine and untouched not in mine and taken_over not in mine
    assert numbers(supervisor, mine="1") == [taken_over]


def test_search_by_number_phone_and_text(desk):
    first = desk.ticket("received", phone="13912345678", content=LAMP)
    second = desk.ticket("received", phone="13987654321")
    agent = desk.client("agent")
    assert numbers(agent, q=first) == [first]
    assert numbers(agent, q=first.lower()) == [first]
    assert sorted(numbers(agent, q=first[:10])) == sorted([first, second])  # a prefix: same day
    assert numbers(agent, q="139 1234 5678") == [first]
    assert numbers(agent, q="1398765") == [second]  # the start of a phone
    assert numbers(agent, q="路灯 一周") == [first]  # every word, in the content
    assert numbers(agent, q="小店区坞城路88号") != []  # the address
    page = agent.get(f"{BASE}/", query_string={"tab": "all", "q": "路灯"}).get_data(as_text=True)
    assert 'id="search-scope"' in page and "文字搜索只查最近受理的" in page
    assert numbers(agent, q="100%_路灯") == []  # LIKE wildcards are searched for, not obeyed


def test_text_search_looks_only_at_the_most_recent_window(desk, monkeypatch):
    old = desk.ticket("received", content="这是一件很早以前的诉求，说的是供暖管道漏水的问题，请尽快处理。",
                      received_at=utcnow() - timedelta(days=30))
    new = [desk.ticket("received", content="最近的诉求：楼道里供暖管道漏水，请尽快处理，谢谢。") for _ in range(2)]
    monkeypatch.setattr(queue_module, "TEXT_SEARCH_ROWS", 2)
    agent = desk.client("agent")
    assert sorted(numbers(agent, q="管道漏水")) == sorted(new)  # the old one is outside the window
    assert numbers(agent, q=old) == [old]  # a number is searched in every ticket


def test_search_text_is_escaped_and_kept_in_the_form(desk):
    desk.ticket("received")
    html = desk.client("agent").get(f"{BASE}/", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_sorting_by_deadline_received_and_updated(desk):
    first = desk.ticket("received", received_at=utcnow() - timedelta(days=3))
    second = desk.ticket("received", received_at=utcnow() - timedelta(days=2))
    third = desk.ticket("received", request_type="enquiry", received_at=utcnow() - timedelta(days=1))  # 2 days
    set_columns(desk, first, updated_at=utcnow() + timedelta(minutes=5))
    agent = desk.client("agent")
    assert numbers(agent, sort="received") == [third, second, first]
    assert numbers(agent) == [third, first, second]  # deadline: the enquiry's 2 working days come first
    assert numbers(agent, sort="updated")[0] == first


def test_pages_keep_the_filters(desk, monkeypatch):
    monkeypatch.setattr(queue_module, "PER_PAGE", 2)
    made = [desk.ticket("received", received_at=utcnow() - timedelta(hours=hours)) for hours in range(5)]
    desk.ticket("received", request_type="enquiry")  # filtered out
    agent = desk.client("agent")
    html = agent.get(f"{BASE}/", query_string={"tab": "all", "type": "complaint", "sort": "received"}).get_data(
        as_text=True)
    assert listed(html) == made[:2] and "共 5 件，第 1 / 3 页" in html
    links = re.findall(r'href="(/staff/tickets/\?[^"]+)"[^>]*>\s*(?:下一页|3)\s*<', html)
    assert links and all("type=complaint" in link and "sort=received" in link for link in links)
    assert numbers(agent, type="complaint", sort="received", page="2") == made[2:4]
    assert numbers(agent, type="complaint", sort="received", page="99") == made[4:]  # past the end: the last page
    assert numbers(agent, type="complaint", sort="received", page="abc") == made[:2]


@pytest.mark.parametrize("prefix, after", [("139", "14"), ("1399", "14"), ("TY2026", "TY2027"), ("99", None),
                                           ("TZ9", "U")])
def test_prefix_ranges_end_after_every_string_with_the_prefix(prefix, after):
    assert _after_prefix(prefix) == after


def test_who_may_open_the_queue(desk):
    desk.ticket("received")
    assert desk.client("editor").get(f"{BASE}/").status_code == 403
    assert desk.app.test_client().get(f"{BASE}/").status_code == 302  # to the login page
    for role in ("agent", "supervisor", "handler", "analyst", "admin"):
        assert desk.client(role).get(f"{BASE}/").status_code == 200, role
