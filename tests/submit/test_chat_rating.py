"""评价 in chat: a closed ticket is rated (是否解决, 满意度, comment) and an unhappy answer may ask for 重办."""
from sqlalchemy import select

from submit.followup import rate_ticket
from submit.models import TicketRating
from tests.submit import workflow_support as support
from tests.submit.chat_support import Citizen

fake_wechat, wf_app, flow = support.fake_wechat, support.wf_app, support.flow

OPENID = "o-citizen-a"  # the owner of the tickets Flow makes


def rating_of(flow, ticket) -> TicketRating | None:
    flow.session.expire_all()
    return flow.session.scalar(select(TicketRating).where(TicketRating.ticket_id == ticket.id))


def test_a_closed_ticket_is_rated_from_the_menu(flow, wf_app):
    ticket = flow.at("closed")
    citizen = Citizen(wf_app, OPENID)
    asked = citizen.clicks("MY_RATE")
    assert f"工单 {ticket.number}" in asked and "1. 已解决" in asked and "3. 未解决" in asked
    assert "请回复序号：1 已解决" in citizen.says("挺好")  # not an answer: asked again
    assert "1. 非常满意" in citizen.says("1")
    assert "跳过" in citizen.says("满意")  # by word as well as by number
    assert "感谢您的评价" in citizen.says("师傅来得很快，暖气热了")
    rating = rating_of(flow, ticket)
    assert (rating.solved, rating.satisfaction, rating.comment, rating.source) == (
        "solved", "satisfied", "师傅来得很快，暖气热了", "wechat")
    assert citizen.dialogue() is None


def test_an_unsolved_answer_offers_reopen_and_reopen_sends_it_back(flow, wf_app):
    ticket = flow.at("closed")
    citizen = Citizen(wf_app, OPENID)
    citizen.says(f"评价 {ticket.number.lower()}")
    citizen.says("3")
    citizen.says("5")
    offer = citizen.says("跳过")
    assert "感谢您的评价" in offer and f"需要为工单 {ticket.number} 申请重办吗" in offer
    assert "请回复“1”申请重办" in citizen.says("再想想")
    assert "已为您申请重办" in citizen.says("1")
    flow.session.refresh(ticket)
    assert ticket.status != "closed" and ticket.round == 2
    assert (rating_of(flow, ticket).solved, rating_of(flow, ticket).comment) == ("unsolved", "")


def rating_from_the_menu(app, *answers: str) -> Citizen:
    """The ticket's owner clicks 评价办理 and gives these answers."""
    citizen = Citizen(app, OPENID)
    citizen.clicks("MY_RATE")
    for answer in answers:
        citizen.says(answer)
    return citizen


def test_an_unsatisfied_citizen_may_decline_reopen(flow, wf_app):
    ticket = flow.at("closed")
    citizen = rating_from_the_menu(wf_app, "2", "4")
    assert "申请重办" in citizen.says("等太久了")
    assert "感谢您的评价" in citizen.says("不用了")
    flow.session.refresh(ticket)
    assert ticket.status == "closed" and ticket.round == 1


def test_a_satisfied_answer_does_not_offer_reopen(flow, wf_app):
    flow.at("closed")
    reply = rating_from_the_menu(wf_app, "1", "1").says("跳过")
    assert "感谢您的评价" in reply and "重办" not in reply


def test_several_waiting_tickets_are_picked_by_number(flow, wf_app):
    older, newer = flow.at("closed"), flow.at("closed")
    citizen = Citizen(wf_app, OPENID)
    listed = citizen.clicks("MY_RATE")
    assert "您有2件工单待评价" in listed and listed.index(newer.number) < listed.index(older.number)
    assert "请回复工单前的序号（1–2）" in citizen.says("3")
    assert f"工单 {older.number}" in citizen.says("2")
    for answer in ("1", "2", "跳过"):
        citizen.says(answer)
    assert rating_of(flow, older).satisfaction == "satisfied" and rating_of(flow, newer) is None


def test_nothing_to_rate_and_other_citizens_tickets_say_so(flow, wf_app):
    flow.ticket()  # open, not closed: not waiting for a rating
    assert "没有待评价的工单" in Citizen(wf_app, OPENID).says("评价")
    ticket = flow.at("closed")
    stranger = Citizen(wf_app, "oStrangerCitizen")
    assert "没有待评价的工单" in stranger.clicks("MY_RATE")
    assert "现在不能评价" in stranger.says(f"评价 {ticket.number}")
    assert stranger.dialogue() is None


def test_a_ticket_rated_meanwhile_elsewhere_is_not_rated_twice(flow, wf_app):
    ticket = flow.at("closed")
    citizen = rating_from_the_menu(wf_app, "1", "1")
    rate_ticket(flow.session, ticket, solved="partly", satisfaction="basic", source="h5")  # the H5 form, meanwhile
    flow.session.commit()
    assert "已经评价过了" in citizen.says("跳过")
    assert rating_of(flow, ticket).source == "h5"


def test_a_menu_click_mid_rating_asks_to_leave_and_my_rate_starts_again(flow, wf_app):
    flow.at("closed")
    citizen = rating_from_the_menu(wf_app, "1")
    assert "您正在填写的【评价】还没有提交" in citizen.clicks("MY_RATE")
    assert "您的问题解决了吗" in citizen.says("是")
