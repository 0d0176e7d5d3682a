"""The dialogue as a conversation over time: idle timeout, menu clicks mid-way, retries, other workers,
photos; on SQLite and (where the shared store matters) on PostgreSQL + Redis."""
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest

from submit import chat_flow
from submit.chat_confirm import idempotency_key
from tests.submit.chat_support import (
    JPEG,
    Citizen,
    run_due_jobs,
    seeded,
    ticket_count,
    until_name,
    until_summary,
)
from tests.support import build_app, dispose
from wechat import dialogue

SENT = "/cgi-bin/message/custom/send"

pytest_plugins = ("tests.submit.chat_fixtures",)  # chat_app, chat_any_app, fake_wechat


@pytest.fixture
def citizen(chat_app):
    return Citizen(chat_app)


def test_an_idle_dialogue_ends_after_30_minutes_with_a_message_and_keeps_nothing(citizen, chat_app, fake_wechat):
    until_name(citizen)
    assert run_due_jobs(timedelta(minutes=29)) == 0  # nothing is due yet
    assert citizen.dialogue() is not None
    run_due_jobs(timedelta(minutes=31))
    assert citizen.dialogue() is None and ticket_count(chat_app) == 0
    [sent] = fake_wechat.calls_to(SENT)  # one message, from the last step's job only
    assert sent.body["touser"] == citizen.openid
    assert "超过30分钟没有继续填写，本次【投诉】已自动结束" in sent.body["text"]["content"]


def test_the_idle_job_of_an_earlier_step_leaves_a_dialogue_that_went_on(citizen, chat_app, fake_wechat):
    citizen.clicks("SUBMIT_COMPLAINT")
    with chat_app.app_context():
        state = dialogue.current(citizen.openid)
        earlier = (citizen.openid, state.name, state.data["id"], state.data["turn"])
    citizen.says("暖气")  # a step later
    with chat_app.app_context():
        assert chat_flow.end_if_idle.call_local(*earlier) is False
    assert citizen.dialogue().step == "describe" and citizen.dialogue().data["short"] == "暖气"
    assert fake_wechat.calls_to(SENT) == []


def test_a_step_saved_while_the_idle_job_runs_wins(citizen, chat_app, fake_wechat, monkeypatch):
    """The job read the dialogue as idle; the citizen's answer is saved before it ends it: it keeps it."""
    citizen.clicks("SUBMIT_COMPLAINT")
    read = dialogue.current

    def read_then_citizen_answers(openid):
        seen = read(openid)
        dialogue.save(openid, dialogue.Dialogue(seen.name, "describe", {**seen.data, "turn": seen.data["turn"] + 1}))
        return seen

    with chat_app.app_context():
        state = dialogue.current(citizen.openid)
        due = (citizen.openid, state.name, state.data["id"], state.data["turn"])
        monkeypatch.setattr(chat_flow.dialogue, "current", read_then_citizen_answers)
        assert chat_flow.end_if_idle.call_local(*due) is False
        monkeypatch.setattr(chat_flow.dialogue, "current", read)
        assert dialogue.current(citizen.openid).data["turn"] == state.data["turn"] + 1
    assert fake_wechat.calls_to(SENT) == []


def test_a_message_after_the_idle_time_is_not_taken_as_an_answer(citizen, monkeypatch):
    citizen.clicks("SUBMIT_COMPLAINT")
    now = time.time()
    later = SimpleNamespace(time=lambda: now + 31 * 60)
    monkeypatch.setattr("submit.chat_flow.time", later)  # the idle job has not run (the consumer was down)
    assert "已自动结束" in citizen.says("家里暖气片一直不热，室温只有十二度")
    assert citizen.dialogue() is None


def test_a_menu_click_mid_dialogue_asks_whether_to_leave(citizen, chat_app):
    until_name(citizen)
    ask = citizen.clicks("MY_TICKETS")
    assert "您正在填写的【投诉】还没有提交。要放弃填写吗" in ask
    assert "请回复“是”放弃填写" in citizen.says("嗯？")
    back = citizen.says("否")
    assert "请继续填写" in back and "怎么称呼" in back  # where it was
    assert citizen.dialogue().step == "name"
    citizen.clicks("MY_TICKETS")
    assert "还没有提交过工单" in citizen.says("是")  # left, and the clicked menu answers
    assert citizen.dialogue() is None and ticket_count(chat_app) == 0


def test_leaving_for_another_submission_starts_it(citizen):
    until_name(citizen)
    citizen.clicks("SUBMIT_SUGGESTION")
    assert "【建议】请描述" in citizen.says("是")
    assert citizen.dialogue().data["request_type"] == "suggestion" and citizen.dialogue().data["content"] == ""


def test_leaving_for_a_menu_of_another_feature_says_to_click_it_again(citizen):
    citizen.clicks("SUBMIT_HELP")
    citizen.clicks("HELP")
    assert "请再次点击您需要的菜单" in citizen.says("是")
    assert "使用说明" in citizen.clicks("HELP")


def test_a_retried_message_never_advances_the_dialogue_twice(chat_any_app):
    citizen = Citizen(chat_any_app)
    citizen.clicks("SUBMIT_COMPLAINT")
    first = citizen.says("暖气")  # too short: kept, waiting for more
    assert citizen.retries() == first  # WeChat's retry of the same MsgId gets the stored reply
    assert citizen.dialogue().data["short"] == "暖气"  # not "暖气\n暖气"
    confirmer = Citizen(chat_any_app, "oRetryConfirm01")
    until_summary(confirmer)
    done = confirmer.says("确认")
    assert "提交成功" in done
    assert confirmer.retries() == done and confirmer.retries() == done
    assert len(confirmer.tickets()) == 1


def test_a_second_confirm_of_the_same_dialogue_finds_the_first_ticket(chat_any_app):
    citizen = Citizen(chat_any_app)
    until_summary(citizen)
    with chat_any_app.app_context():
        saved = dialogue.current(citizen.openid)  # two workers both read the dialogue at 确认
    first = citizen.says("确认")
    with chat_any_app.app_context():
        dialogue.save(citizen.openid, saved)
        key = idempotency_key(citizen.openid, chat_flow.TABLES["submit"].data.from_dict(saved.data))
    second = citizen.says("确认")  # a new MsgId, the same dialogue
    [ticket] = citizen.tickets()
    assert ticket.number in first and ticket.number in second
    assert key == f"wechat:{citizen.openid}:{saved.data['id']}"


def test_the_dialogue_continues_on_another_worker(chat_any_app, tmp_path, fake_wechat):
    citizen = Citizen(chat_any_app)
    until_name(citizen)
    other_worker = seeded(build_app(tmp_path / "other", STATE_PREFIX=chat_any_app.config["STATE_PREFIX"],
                                    DATABASE_URL=chat_any_app.config["SQLALCHEMY_DATABASE_URI"],
                                    REDIS_URL=chat_any_app.config.get("REDIS_URL"), WECHAT_API_BASE=fake_wechat.url))
    try:
        elsewhere = Citizen(other_worker, citizen.openid)
        elsewhere._last_second = citizen._last_second
        assert "联系电话" in elsewhere.says("张先生")
        assert "保密" in citizen.says("13812345678")  # and back on the first
        elsewhere._last_second = citizen._last_second
        assert "请核对" in elsewhere.says("2")
        assert "提交成功" in citizen.says("确认")
    finally:
        dispose(other_worker)
    [ticket] = citizen.tickets()
    assert (ticket.citizen_name, ticket.phone) == ("张先生", "13812345678")


def test_a_tenth_photo_is_refused_politely(citizen, fake_wechat):
    fake_wechat.media.update({f"m{n}": (JPEG + bytes([n]), "image/jpeg") for n in range(10)})
    until_name(citizen)
    for n in range(9):
        assert f"第{n + 1}张" in citizen.sends_photo(f"m{n}")
    assert "最多可以附9张图片，这张没有保存" in citizen.sends_photo("m9")
    assert len(citizen.dialogue().data["photos"]) == 9


def test_a_photo_that_cannot_be_fetched_is_left_out_and_the_citizen_told(citizen, fake_wechat):
    fake_wechat.media["m-good"] = (JPEG, "image/jpeg")
    citizen.clicks("SUBMIT_COMPLAINT")
    citizen.says("家里暖气片一直不热，室温只有十二度")
    citizen.says("1")
    citizen.says("小店区坞城路88号")
    citizen.sends_photo("m-good")
    citizen.sends_photo("m-expired")  # WeChat answers 40007: no longer there
    citizen.says("完成")
    citizen.says("张先生 13812345678")
    assert "图片：1张（1张未能保存）" in citizen.says("2")
    assert "有1张图片未能保存" in citizen.says("确认")
    [ticket] = citizen.tickets()
    assert [a.media_id for a in ticket.attachments] == ["m-good"]


def test_a_photo_or_a_place_sent_early_is_kept_for_its_step(citizen, fake_wechat):
    fake_wechat.media["m-early"] = (JPEG, "image/jpeg")
    citizen.clicks("SUBMIT_COMPLAINT")
    kept = citizen.sends_photo("m-early")
    assert "已收到图片（第1张）" in kept and "请描述" in kept
    assert "已记下您发送的位置：学苑小区" in citizen.shares_location(37.81, 112.57, "学苑小区")
    citizen.says("家里暖气片一直不热，室温只有十二度")
    assert "照片" in citizen.says("1")  # the place is known: on to the photos
    citizen.says("完成")
    citizen.says("张先生 13812345678")
    citizen.says("2")
    citizen.says("确认")
    [ticket] = citizen.tickets()
    assert ticket.location_label == "学苑小区" and len(ticket.attachments) == 1


def test_a_download_still_running_holds_the_confirmation_twice_then_goes_without_it(citizen,
                                                                                   monkeypatch):
    monkeypatch.setattr("submit.attachments.start_download", lambda *args: None)  # the consumer is far behind
    monkeypatch.setattr("submit.chat_details.start_download", lambda *args: None)
    monkeypatch.setattr("submit.chat_confirm.PHOTO_WAIT", 0.1)
    citizen.clicks("SUBMIT_COMPLAINT")
    citizen.sends_photo("m-slow")
    until_summary_from_describe = ["家里暖气片一直不热，室温只有十二度", "1", "小店区坞城路88号", "完成",
                                   "张先生 13812345678", "2"]
    for answer in until_summary_from_describe[:-1]:
        citizen.says(answer)
    assert "图片：1张（1张正在保存）" in citizen.says(until_summary_from_describe[-1])
    assert "图片还在保存中" in citizen.says("确认")
    assert "图片还在保存中" in citizen.says("确认")
    assert "有1张图片未能保存" in citizen.says("确认")
    assert len(citizen.tickets()) == 1
