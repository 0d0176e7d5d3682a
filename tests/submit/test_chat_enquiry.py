"""A 咨询 in chat is first put to 微查询 (the demo knowledge base): a confident answer closes it on the
spot; otherwise the citizen may go on to a ticket with the question as its content."""
import pytest

from core.db import db
from query.results import CHOICES
from query.web.answers import knowledge_base
from tests.submit.chat_support import Citizen, held_out_questions

pytest_plugins = ("tests.submit.chat_fixtures",)  # kb_app: the demo data, knowledge base built


def served(app):
    with app.app_context():
        return {entry.key: entry for entry in knowledge_base()._served().values()}


def test_a_confident_answer_closes_the_enquiry_without_a_ticket(kb_app):
    citizen = Citizen(kb_app, "oEnquiryAnswered")
    entry = served(kb_app)["heating-room-temperature-standard"]
    assert "先从知识库中为您查找答案" in citizen.says("我要咨询")
    reply = citizen.says(entry.question)
    assert entry.answer[:30] in reply and f"/h5/faq/{entry.id}" in reply and "重新点击菜单“微受理”" in reply
    assert citizen.dialogue() is None and citizen.tickets() == []


def test_an_unanswered_enquiry_may_go_on_to_a_ticket_with_the_question_as_its_content(kb_app):
    citizen = Citizen(kb_app, "oEnquiryGoesOn01")
    citizen.says("我要咨询")
    question = "火星移民局的办公电话和地址是多少？"
    assert "回复“继续”" in citizen.says(question)
    assert "请确认问题分类" in citizen.says("继续")
    citizen.says("其他")
    assert "照片" in citizen.says("跳过")  # a 咨询 needs no place
    citizen.says("跳过")
    citizen.says("钱女士 18635101943")
    citizen.says("2")
    assert "提交成功" in citizen.says("确认")
    [ticket] = citizen.tickets()
    assert (ticket.request_type.code, ticket.content, ticket.category.code) == ("enquiry", question, "9901")
    assert ticket.request_type.time_limit_days == 2


def test_a_short_unanswered_question_asks_for_more_before_going_on(kb_app):
    citizen = Citizen(kb_app, "oEnquiryShort001")
    citizen.says("我要咨询")
    citizen.says("火星签证")
    assert "再说详细一些" in citizen.says("继续")
    assert "请确认问题分类" in citizen.says("想去火星旅游需要办什么手续")
    assert citizen.dialogue().data["content"] == "火星签证\n想去火星旅游需要办什么手续"


def test_choices_offered_for_an_enquiry_can_be_picked_by_number(kb_app):
    with kb_app.app_context():
        kb = knowledge_base()
        question = next((text for text, _ in held_out_questions() if kb.ask(text).outcome == CHOICES), None)
        first = kb.ask(question).entries[0] if question else None
        db.session.remove()
    if question is None:
        pytest.skip("no held-out question gets choices from the demo knowledge base")
    citizen = Citizen(kb_app, "oEnquiryChoices1")
    citizen.says("我要咨询")
    offered = citizen.says(question)
    assert "您是不是想问" in offered and f"1. {first.question}" in offered and "回复“继续”" in offered
    assert "请回复序号查看答案" in citizen.says("嗯")
    assert first.answer[:30] in citizen.says("1")
    assert citizen.dialogue() is None
