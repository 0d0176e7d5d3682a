"""Suggested department and similar open tickets (submit.similar), and one-click 合并 from the ticket page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import utcnow
from submit import workflow as wf
from submit.models import Ticket
from submit.notifications import notifications_of, recipients
from submit.similar import (
    DEFAULT_WEIGHT,
    MAX_CANDIDATES,
    caller_tickets,
    similar_open_tickets,
    suggest_departments,
    text_score,
)
from tests.submit import workflow_support as support
from tests.submit.console.intake_support import COLD, COLD_AGAIN, LAMP, close_as, merge_page

flow = support.flow

NOISE = "050302"  # 生态环境 → 噪声污染 → 夜间施工: another top-level class
HEATING_FEE = "010102"  # 城乡建设 → 供热 → 供热收费: same class, another leaf


def test_text_score_tells_the_same_matter_from_another():
    assert text_score(COLD, COLD_AGAIN) >= 70
    assert text_score(COLD, LAMP) < 50


# --- suggested department -----------------------------------------------------------------------------

def test_category_default_alone_when_nothing_similar_was_closed(flow):
    ticket = flow.ticket(content=COLD)
    [only] = suggest_departments(flow.session, ticket)
    assert only.department.code == "RLJT" and only.default and only.reasons == ["分类默认"]


def test_similar_closed_tickets_outvote_the_default_weighted_by_similarity(flow):
    session = flow.session
    for index in range(3):  # the same matter, closed by the street office
        close_as(session, flow.ticket(content=COLD_AGAIN + "。" * index), "XDQ_WC")
    for _ in range(4):  # another matter of the same class closed elsewhere: too dissimilar to vote
        close_as(session, flow.ticket(content=LAMP, category=HEATING_FEE), "SZJJ")
    ticket = flow.ticket(content=COLD)
    ranked = suggest_departments(session, ticket)
    assert [item.department.code for item in ranked] == ["XDQ_WC", "RLJT"]
    assert ranked[0].closed == 3 and ranked[0].weight > DEFAULT_WEIGHT
    assert ranked[0].reasons == [f"相似工单 3 件由{ranked[0].department.short_name}办结"]
    assert ranked[1].reasons == ["分类默认"]


def test_one_similar_closed_ticket_does_not_beat_the_default(flow):
    close_as(flow.session, flow.ticket(content=COLD_AGAIN), "XDQ_WC")
    ranked = suggest_departments(flow.session, flow.ticket(content=COLD))
    assert [item.department.code for item in ranked] == ["RLJT", "XDQ_WC"]
    assert ranked[1].reasons[0].startswith("相似工单 1 件由")


def test_default_unit_that_also_closed_similar_ones_says_both(flow):
    close_as(flow.session, flow.ticket(content=COLD_AGAIN), "RLJT")
    [top] = suggest_departments(flow.session, flow.ticket(content=COLD))
    assert top.department.code == "RLJT" and len(top.reasons) == 2 and top.closed == 1


def test_closed_tickets_of_another_class_or_still_open_do_not_vote(flow):
    close_as(flow.session, flow.ticket(content=COLD_AGAIN, category=NOISE), "XDQ_WC")
    flow.ticket(content=COLD_AGAIN).department = support.department(flow.session, "XDQ_YP")  # open: no vote
    flow.session.commit()
    ranked = suggest_departments(flow.session, flow.ticket(content=COLD))
    assert [item.department.code for item in ranked] == ["RLJT"]


def test_same_class_other_leaf_votes(flow):
    fee = flow.ticket(content=COLD_AGAIN, category=HEATING_FEE)
    close_as(flow.session, fee, "XDQ_WC")
    close_as(flow.session, flow.ticket(content=COLD_AGAIN + "！", category=HEATING_FEE), "XDQ_WC")
    close_as(flow.session, flow.ticket(content=COLD_AGAIN + "？", category=HEATING_FEE), "XDQ_WC")
    assert suggest_departments(flow.session, flow.ticket(content=COLD))[0].department.code == "XDQ_WC"


# --- similar open tickets -----------------------------------------------------------------------------

def test_similar_open_ticket_found_and_others_not(flow):
    session, now = flow.session, utcnow()
    twin = flow.ticket(content=COLD_AGAIN, received_at=now - timedelta(days=2))
    flow.ticket(content=COLD_AGAIN, category=HEATING_FEE)  # another category
    flow.ticket(content=COLD_AGAIN, received_at=now - timedelta(days=8))  # older than 7 days
    flow.at("closed", content=COLD_AGAIN)  # closed
    merged = flow.ticket(content=COLD_AGAIN)
    wf.merge(session, merged, actor=flow.people.agent, into=twin)
    session.commit()
    flow.ticket(content=LAMP)  # same category, another matter
    ticket = flow.ticket(content=COLD)
    found = similar_open_tickets(session, ticket)
    assert [item.ticket.number for item in found] == [twin.number]
    assert found[0].text >= 70 and found[0].why[0].startswith("内容相似")


def test_place_counts_when_both_have_one(flow):
    near = dict(latitude=37.8126, longitude=112.5781)
    far = dict(latitude=37.8926, longitude=112.5781)  # ≈ 8.9 km north
    close_by = flow.ticket(content=COLD_AGAIN, **near)
    far_away = flow.ticket(content=COLD_AGAIN, **far)
    ticket = flow.ticket(content=COLD, latitude=37.8130, longitude=112.5785)
    found = {item.ticket.number: item for item in similar_open_tickets(flow.session, ticket, limit=10)}
    assert close_by.number in found and found[close_by.number].metres < 100
    assert "相距约" in found[close_by.number].why[1]
    assert far_away.number not in found or found[far_away.number].score < found[close_by.number].score


def test_same_address_lifts_a_moderately_similar_text(flow):
    text = "楼里暖气这两天有点凉，家里温度也不太够，希望看看。"
    same_place = flow.ticket(content=text, address="小店区坞城路街道学苑小区7号楼")
    elsewhere = flow.ticket(content=text, address="尖草坪区柴村街道兴华苑")
    ticket = flow.ticket(content=COLD, address="小店区坞城路街道学苑小区7号楼2单元601")
    found = {item.ticket.number: item for item in similar_open_tickets(flow.session, ticket, limit=10)}
    assert same_place.number in found and elsewhere.number not in found
    assert found[same_place.number].place > 70


def test_candidates_are_bounded(flow, monkeypatch):
    """Only MAX_CANDIDATES rows are read from the category's window, newest first."""
    monkeypatch.setattr("submit.similar.MAX_CANDIDATES", 2)
    now = utcnow()
    oldest = flow.ticket(content=COLD_AGAIN, received_at=now - timedelta(days=3))
    for hours in (1, 2):
        flow.ticket(content=LAMP, received_at=now - timedelta(hours=hours))
    assert MAX_CANDIDATES >= 100
    found = similar_open_tickets(flow.session, flow.ticket(content=COLD))
    assert oldest.number not in [item.ticket.number for item in found]


def test_caller_tickets_by_phone(flow):
    mine = flow.ticket(content=COLD, phone="0351-7654321")
    flow.ticket(content=COLD, phone="13912345678")
    history = caller_tickets(flow.session, "03517654321")
    assert history.number == "03517654321" and [t.number for t in history.tickets] == [mine.number]
    assert caller_tickets(flow.session, "12").tickets == [] and caller_tickets(flow.session, "12").number is None


# --- the page: suggestions and one-click 合并 -----------------------------------------------------------

def test_ticket_page_shows_suggestions_to_hotline_staff_only(desk):
    twin, number = desk.ticket(content=COLD_AGAIN), desk.ticket(content=COLD)
    page = desk.page(desk.client("agent"), number).get_data(as_text=True)
    assert "建议派单" in page and "分类默认" in page and twin in page
    assert f"/staff/tickets/{number}/merge/{twin}?into={twin}" in page
    waiting = desk.page(desk.client("handler"), number)  # not dispatched yet: not RLJT's to see
    assert waiting.status_code == 404 and twin not in waiting.get_data(as_text=True)
    dispatched = desk.ticket("dispatched", content=COLD)
    handled = desk.page(desk.client("handler"), dispatched)  # RLJT's own ticket now, but no suggestions for it
    assert handled.status_code == 200 and "建议派单" not in handled.get_data(as_text=True)


def test_one_click_merge_moves_the_citizen_to_the_survivor(desk):
    survivor = desk.ticket(content=COLD_AGAIN, openid="o-first")
    number = desk.ticket(content=COLD, openid="o-second")
    agent = desk.client("agent")
    confirm = agent.get(f"/staff/tickets/{number}/merge/{survivor}?into={survivor}")
    assert confirm.status_code == 200 and "确认合并" in confirm.get_data(as_text=True)
    done = merge_page(agent, number, survivor, into=survivor, reason="同一户暖气不热")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/staff/tickets/{survivor}")
    assert desk.status(number) == "merged" and desk.kinds(survivor)[-1] == "merged_in"

    def followers(flow):
        merged = flow.session.scalar(select(Ticket).where(Ticket.number == number))
        told = [(row.openid, row.kind) for row in notifications_of(flow.session, merged)]
        return merged.merged_into.number, recipients(flow.session, merged.merged_into), told

    into, follow, told = desk.run(followers)
    assert into == survivor and ("o-second", number) in follow  # the citizen follows the survivor
    assert told == [("o-second", "merged")]


def test_merge_the_other_way_round(desk):
    other, number = desk.ticket(content=COLD_AGAIN), desk.ticket(content=COLD)
    response = merge_page(desk.client("supervisor"), number, other, into=number)
    assert response.status_code == 302 and desk.status(other) == "merged" and desk.status(number) == "received"


@pytest.mark.parametrize("case", ["stale", "closed_survivor"])
def test_merge_refusals_are_shown(desk, case):
    survivor = desk.ticket("closed" if case == "closed_survivor" else "received", content=COLD_AGAIN)
    number = desk.ticket(content=COLD)
    response = merge_page(desk.client("agent"), number, survivor, into=survivor, stale=case == "stale")
    page = response.get_data(as_text=True)
    assert response.status_code == (409 if case == "stale" else 422)
    assert ("刚刚已被其他人处理" in page) if case == "stale" else ("不能合并到它" in page)
    assert desk.status(number) == "received"


def test_merge_page_refuses_odd_addresses(desk):
    other, number = desk.ticket(content=COLD_AGAIN), desk.ticket(content=COLD)
    agent = desk.client("agent")
    assert agent.get(f"/staff/tickets/{number}/merge/{other}?into=TY000").status_code == 400
    assert agent.get(f"/staff/tickets/{number}/merge/TY000?into=TY000").status_code == 404
    assert agent.get(f"/staff/tickets/{number}/merge/{number}?into={number}").status_code == 404


def test_merge_needs_a_hotline_role_and_csrf(desk):
    other, number = desk.ticket(content=COLD_AGAIN), desk.ticket(content=COLD)
    for role in ("handler", "analyst", "editor"):
        assert desk.client(role).get(f"/staff/tickets/{number}/merge/{other}?into={other}").status_code == 403
    response = desk.client("agent").post(f"/staff/tickets/{number}/merge/{other}",
                                         data={"into": other, "revision": "1", "survivor_revision": "1"})
    assert response.status_code == 400  # no CSRF token
    assert desk.status(number) == "received"


def test_suggestions_and_merge_on_both_databases(any_desk):
    desk = any_desk
    closed = desk.ticket(content=COLD_AGAIN)
    desk.run(lambda flow: close_as(flow.session, flow.session.scalar(select(Ticket).where(Ticket.number == closed)),
                                   "XDQ_WC"))
    twin, number = desk.ticket(content=COLD_AGAIN), desk.ticket(content=COLD)
    agent = desk.client("agent")
    page = desk.page(agent, number).get_data(as_text=True)
    assert "相似工单 1 件由" in page and twin in page and f"merge/{closed}" not in page
    assert merge_page(agent, number, twin, into=twin).status_code == 302
    assert desk.status(number) == "merged"
