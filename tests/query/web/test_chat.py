"""微查询 in chat, through the real webhook, on the demo knowledge base."""
import pytest
from sqlalchemy import select

from core.db import db
from faq.models import UnansweredQuestion
from stats.insight.models import QuestionLog
from tests.support import simulator_for
from wechat import dialogue
from wechat.dialogue import Dialogue


@pytest.fixture
def sim(kb_app):
    return simulator_for(kb_app, openid="oAskingCitizen01")


def test_a_standard_question_gets_the_answer_and_a_link(sim, served, kb_app):
    entry = served["heating-room-temperature-standard"]
    reply = sim.text(entry.question)
    assert entry.answer[:30] in reply.text
    assert f"/h5/faq/{entry.id}" in reply.text
    with kb_app.app_context():  # the light question log feeds 未诉先办's rising topics
        row = db.session.scalar(select(QuestionLog).where(QuestionLog.text == entry.question))
        assert row is not None and (row.outcome, row.channel, row.entry_id) == ("answer", "wechat", entry.id)
        assert row.openid_hash and "oAskingCitizen01" not in row.openid_hash


def test_a_number_after_choices_picks_one_and_anything_else_is_a_new_question(sim, served, kb_app):
    first, second = list(served.values())[:2]
    with kb_app.app_context():
        dialogue.save("oAskingCitizen01", Dialogue("faq-choice", "pick", {"ids": [first.id, second.id]}))
    assert second.answer[:30] in sim.text("2").text
    with kb_app.app_context():
        assert dialogue.current("oAskingCitizen01") is None
        dialogue.save("oAskingCitizen01", Dialogue("faq-choice", "pick", {"ids": [first.id, second.id]}))
    assert "暂时没有找到" in sim.text("火星移民局几点下班").text  # not a number: asked as a new question


def test_no_answer_says_so_offers_the_way_on_and_logs_the_question_without_the_openid(sim, kb_app):
    reply = sim.text("火星移民局的电话是多少")
    assert "暂时没有找到" in reply.text and "微受理" in reply.text and "12345" in reply.text
    with kb_app.app_context():
        row = db.session.scalar(select(UnansweredQuestion).where(UnansweredQuestion.text == "火星移民局的电话是多少"))
        assert row is not None and row.channel == "wechat"
        assert row.openid_hash and "oAskingCitizen01" not in row.openid_hash
        assert db.session.scalar(select(QuestionLog).where(QuestionLog.text == "火星移民局的电话是多少")) is None


@pytest.mark.parametrize("text", ["   ", "😀😀😀", "http://example.com/a?b=c", "'; DROP TABLE faq_entry; --",
                                  "<script>alert(1)</script>", "暖气" * 2500])
def test_odd_input_gets_a_sensible_reply(sim, text):
    reply = sim.text(text)
    assert reply.status == 200 and reply.text
    assert "<script>" not in reply.body


def test_a_menu_click_or_follow_during_choices_is_answered_as_usual(sim, served, kb_app):
    first, second = list(served.values())[:2]
    with kb_app.app_context():
        dialogue.save("oAskingCitizen01", Dialogue("faq-choice", "pick", {"ids": [first.id, second.id]}))
    assert "欢迎关注" in sim.follow().text
    with kb_app.app_context():
        assert dialogue.current("oAskingCitizen01") is None


def test_the_menu_asks_for_a_question_and_lists_hot_ones(sim):
    assert "请直接发送您想咨询的问题" in sim.click("QUERY_ASK").text
    hot = sim.click("QUERY_HOT").text
    assert hot.startswith("近期市民关注的问题") and "/h5/faq/" in hot
