"""The routing table and the built-in handlers, through the real endpoint."""
import pytest

from core.state import state
from tests.support import simulator_for
from wechat import dialogue
from wechat.dialogue import Dialogue
from wechat.replies import TextReply


@pytest.fixture
def sim(app):
    return simulator_for(app, openid="oRouting")


@pytest.fixture
def with_dialogue(app):
    """A two-step test dialogue registered the way feature packages register theirs."""

    def step(inbound, context):
        current = context.dialogue
        if current.step == "ask":
            dialogue.save(inbound.openid, Dialogue("survey", "confirm", {"answer": inbound.text}))
            return TextReply(f"您说的是：{inbound.text}，确认吗？")
        dialogue.end(inbound.openid)
        return TextReply(f"已记录：{current.data['answer']}")

    app.extensions["wechat_webhook"].router.dialogues["survey"] = step
    with app.app_context():
        dialogue.save("oRouting", Dialogue("survey", "ask"))
    return app


def test_an_open_dialogue_takes_precedence_over_keywords(with_dialogue, sim):
    assert sim.text("帮助").text == "您说的是：帮助，确认吗？"  # not the help text
    assert sim.text("确认").text == "已记录：帮助"
    assert "使用说明" in sim.text("帮助").text  # dialogue over: keywords again


def test_cancel_always_leaves_the_dialogue(with_dialogue, sim, app):
    assert sim.text("取消").text.startswith("已取消")
    with app.app_context():
        assert dialogue.current("oRouting") is None
    assert "使用说明" in sim.text("帮助").text


def test_dialogue_continues_whichever_app_instance_takes_the_next_step(with_dialogue, sim, tmp_path):
    from tests.support import build_app

    sim.text("第一步")
    other_worker = build_app(tmp_path, STATE_PREFIX=with_dialogue.config["STATE_PREFIX"],
                             DATABASE_URL=with_dialogue.config["SQLALCHEMY_DATABASE_URI"])
    other_worker.extensions["wechat_webhook"].router.dialogues.update(
        with_dialogue.extensions["wechat_webhook"].router.dialogues)
    assert simulator_for(other_worker, openid="oRouting").text("好").text == "已记录：第一步"


@pytest.mark.parametrize("key,reply", [("SUBMIT_COMPLAINT", "记录您的诉求"), ("MY_TICKETS", "还没有提交过工单")])
def test_menu_entries_reach_their_features(sim, key, reply):
    assert reply in sim.click(key).text


def test_help_by_word_and_by_menu(sim):
    assert "使用说明" in sim.text(" 帮助 ").text
    assert "使用说明" in sim.text("HELP").text
    assert "使用说明" in sim.click("HELP").text


def test_location_is_kept_for_a_submission(sim, app):
    assert sim.location(37.8563, 112.5489, "太原市小店区坞城路92号").text == "已收到您的位置：太原市小店区坞城路92号。"
    with app.app_context():
        assert state.get("location:oRouting") == "37.8563,112.5489,太原市小店区坞城路92号"


def test_automatic_location_reports_are_kept_quietly(sim, app):
    reply = sim.push("event", Event="LOCATION", Latitude=37.1, Longitude=112.2, Precision=30.0)
    assert reply.body == "success"
    with app.app_context():
        assert state.get("location:oRouting").startswith("37.1,112.2")


def test_voice_with_recognition_is_routed_as_text(sim):
    assert "使用说明" in sim.voice("帮助").text
    assert sim.voice("").text == "抱歉，没能识别您的语音，请直接输入文字。"


def test_image_and_other_media(sim):
    assert "微受理" in sim.image("media-1", "http://p/1.jpg").text
    assert "暂不支持" in sim.push("video", MediaId="v", ThumbMediaId="t", MsgId=5).text
    assert sim.push("event", Event="VIEW", EventKey="http://x").body == "success"


def test_text_goes_to_the_knowledge_base_which_says_when_it_has_no_answer(sim):
    assert "暂时没有找到" in sim.text("暖气片不热咋整").text  # this app's knowledge base is empty
    assert sim.click("QUERY_ASK").text.startswith("请直接发送您想咨询的问题")
