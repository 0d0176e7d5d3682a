"""Guards on citizens' submissions in chat, through the real webhook: a possible duplicate is a 是/否
question, the daily limit is said before anything is typed and at 确认, long descriptions are asked to
be shortened, every field round-trips as text (plain and safe mode), and a 咨询 微查询 cannot answer
reaches the editors' inbox."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import db
from faq.inbox import hash_openid
from faq.models import UnansweredQuestion
from query.results import CHOICES
from query.web.answers import knowledge_base
from tests.submit.chat_support import DESCRIPTION, Citizen, held_out_questions, ticket_count, until_summary
from tests.submit.conftest import make
from tests.submit.h5_support import signed_in
from tests.submit.test_guards import HOSTILE
from tests.submit.test_views import open_form, send
from tests.support import simulator_for

pytest_plugins = ("tests.submit.chat_fixtures",)  # chat_app, kb_app, fake_wechat

RETYPED = DESCRIPTION.replace("，", " ").replace("。", "!!")  # the same words, other punctuation


@pytest.fixture
def citizen(chat_app):
    return Citizen(chat_app)


def test_the_same_description_again_is_asked_about_and_yes_keeps_the_earlier_ticket(citizen, chat_app):
    until_summary(citizen)
    first = citizen.says("确认")
    [earlier] = citizen.tickets()
    until_summary(citizen, RETYPED)
    asked = citizen.says("确认")
    assert f"已经提交过内容相同的诉求（工单 {earlier.number}）" in asked and "这次是重复提交吗" in asked
    assert citizen.dialogue().step == "duplicate" and ticket_count(chat_app) == 1
    assert "请回复“1”" in citizen.says("嗯？")
    kept = citizen.says("是")
    assert f"您之前的工单编号：{earlier.number}" in kept and f"/h5/tickets/{earlier.number}" in kept
    assert citizen.dialogue() is None and ticket_count(chat_app) == 1 and earlier.number in first


def test_no_makes_the_ticket_all_the_same(citizen, chat_app):
    until_summary(citizen)
    citizen.says("确认")
    until_summary(citizen, RETYPED)
    assert "这次是重复提交吗" in citizen.says("确认")
    done = citizen.says("2")
    first, second = citizen.tickets()
    assert "提交成功" in done and second.number in done and second.content == RETYPED
    assert citizen.dialogue() is None


def test_other_words_or_another_citizen_are_no_duplicate(citizen, chat_app):
    until_summary(citizen)
    citizen.says("确认")
    until_summary(citizen, "小区门口的路灯坏了一个多月了，晚上出门很黑，老人容易摔倒。")
    assert "提交成功" in citizen.says("确认")
    neighbour = Citizen(chat_app, "oNeighbour000001")
    until_summary(neighbour)
    assert "提交成功" in neighbour.says("确认")
    assert ticket_count(chat_app) == 3


def test_past_the_daily_limit_no_dialogue_starts_and_the_citizen_is_told_whom_to_call(citizen, chat_app):
    chat_app.config["TICKETS_PER_DAY"] = 1
    until_summary(citizen)
    citizen.says("确认")
    for start in (lambda: citizen.clicks("SUBMIT_HELP"), lambda: citizen.says("我要举报")):
        refused = start()
        assert "达到每天1件的上限" in refused and "12345" in refused and "明天" in refused
        assert citizen.dialogue() is None
    assert "请描述" in Citizen(chat_app, "oNeighbour000001").clicks("SUBMIT_HELP")  # per citizen


def test_the_limit_reached_meanwhile_is_said_at_confirm_and_nothing_is_made(citizen, chat_app):
    chat_app.config["TICKETS_PER_DAY"] = 1
    until_summary(citizen)
    signed_in_meanwhile(chat_app, citizen.openid)
    refused = citizen.says("确认")
    assert "达到每天1件的上限" in refused and "12345" in refused
    assert citizen.dialogue() is None and len(citizen.tickets()) == 1  # only the H5 one


def signed_in_meanwhile(app, openid: str) -> None:
    """The same citizen sends a ticket on the H5 form while the chat dialogue is open."""
    client = signed_in(app, openid)
    response = send(client, open_form(client), content="另一件事：楼道的灯坏了一个多月，请物业尽快修好。")
    assert response.status_code == 302


def test_a_description_growing_past_two_thousand_characters_is_asked_to_be_shortened(citizen, chat_app):
    citizen.clicks("SUBMIT_COMPLAINT")
    assert "现在4个字" in citizen.says("暖气漏水")  # kept, waiting for more
    long = "地上全是水" * 400  # 2000 characters: with what is kept, more than the chat takes
    assert "描述太长了（2005个字）" in citizen.says(long) and "在线填写" in citizen.says(long)
    assert citizen.dialogue().step == "describe" and citizen.dialogue().data["short"] == "暖气漏水"
    assert "请确认问题分类" in citizen.says("在一楼楼道，地上全是水")
    assert "描述太长了" in citizen.says("补充：" + "水" * 2000)  # nor may the category step's additions
    assert citizen.dialogue().data["content"] == "暖气漏水\n在一楼楼道，地上全是水"
    assert ticket_count(chat_app) == 0


@pytest.mark.parametrize("safe", [False, True])
def test_every_field_round_trips_as_text_through_the_webhook(chat_app, safe):
    citizen = Citizen(chat_app, "oHostile00000001")
    citizen.sim = simulator_for(chat_app, openid=citizen.openid, safe=safe)
    citizen.sim.clock = citizen._clock
    citizen.clicks("SUBMIT_COMPLAINT")
    citizen.says(HOSTILE["content"])
    citizen.says("1")
    citizen.says(HOSTILE["address"])
    citizen.says("跳过")
    citizen.says(HOSTILE["name"])
    citizen.says("13812345678")
    summary = citizen.says("2")
    for value in HOSTILE.values():
        assert value in summary  # exactly as typed: <, >, & and ]]> survive the XML reply
    done = citizen.says("确认")
    [ticket] = citizen.tickets()
    assert (ticket.content, ticket.address, ticket.citizen_name) == (
        HOSTILE["content"], HOSTILE["address"], HOSTILE["name"])
    assert ticket.number in done
    assert ticket.title in citizen.clicks("MY_TICKETS") and "<script>" in ticket.title
    assert ticket.title in citizen.says(ticket.number)


def test_making_one_ticket_with_the_same_words_on_h5_then_chat_is_asked_too(citizen, chat_app):
    with chat_app.app_context():
        make(db.session, "h5:earlier", channel="h5", openid=citizen.openid, content=DESCRIPTION)
    until_summary(citizen)
    assert "这次是重复提交吗" in citizen.says("确认")  # one guard for every channel


# --- a 咨询 微查询 cannot answer goes to the editors' inbox ----------------------------------------------
def inbox(app, openid: str) -> list[UnansweredQuestion]:
    """The inbox rows of one citizen (the knowledge-base app is shared by the module's tests)."""
    with app.app_context():
        known_as = hash_openid(openid, app.config["SECRET_KEY"])
        rows = list(db.session.scalars(select(UnansweredQuestion).where(UnansweredQuestion.openid_hash == known_as)
                                       .order_by(UnansweredQuestion.id)))
        db.session.expunge_all()
        return rows


def test_an_unanswered_enquiry_is_recorded_for_the_editors_without_the_openid(kb_app):
    citizen = Citizen(kb_app, "oEnquiryInbox001")
    citizen.says("我要咨询")
    question = "火星移民局的办公电话和地址是多少？"
    assert "回复“继续”" in citizen.says(question)
    [row] = inbox(kb_app, citizen.openid)
    assert (row.text, row.outcome, row.channel) == (question, "none", "wechat")
    citizen.says("继续")
    assert len(inbox(kb_app, citizen.openid)) == 1  # once per question


def test_declined_choices_are_recorded_when_the_citizen_goes_on(kb_app):
    with kb_app.app_context():
        kb = knowledge_base()
        question = next((text for text, _ in held_out_questions() if kb.ask(text).outcome == CHOICES), None)
        db.session.remove()
    assert question, "the demo knowledge base offers choices for some held-out question"
    citizen = Citizen(kb_app, "oEnquiryInbox002")
    citizen.says("我要咨询")
    assert "您是不是想问" in citizen.says(question)
    assert inbox(kb_app, citizen.openid) == []  # choices are not "no answer" yet
    citizen.says("继续")
    [row] = inbox(kb_app, citizen.openid)
    assert (row.text, row.outcome) == (question, "none")


def test_an_answered_enquiry_is_not_recorded(kb_app):
    with kb_app.app_context():
        entry = {item.key: item for item in knowledge_base()._served().values()}["heating-room-temperature-standard"]
        db.session.remove()
    citizen = Citizen(kb_app, "oEnquiryInbox003")
    citizen.says("我要咨询")
    assert entry.answer[:30] in citizen.says(entry.question)
    assert inbox(kb_app, citizen.openid) == []
