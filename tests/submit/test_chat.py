"""The submission dialogue in chat, through the real webhook: the whole way to a ticket, 修改, 取消."""
from pathlib import Path

import pytest

from core.dates import china_date
from tests.submit.chat_support import (
    DESCRIPTION,
    JPEG,
    PNG,
    Citizen,
    ticket_count,
    until_name,
    until_summary,
)

pytest_plugins = ("tests.submit.chat_fixtures",)  # chat_app, chat_any_app, fake_wechat


@pytest.fixture
def citizen(chat_app):
    return Citizen(chat_app)


def test_a_complaint_from_the_menu_becomes_one_ticket_with_everything_the_citizen_gave(citizen, chat_app,
                                                                                      fake_wechat):
    fake_wechat.media.update({"m-radiator": (JPEG, "image/jpeg"), "m-pipe": (PNG, "image/png")})
    assert "【投诉】请描述" in citizen.clicks("SUBMIT_COMPLAINT")
    categories = citizen.says(DESCRIPTION)
    assert "1. 城乡建设 → 供热 → 暖气不热" in categories and "其他" in categories
    assert "事发地点" in citizen.says("1")
    assert "照片" in citizen.shares_location(37.8126, 112.5781, "学苑小区")
    assert "第1张" in citizen.sends_photo("m-radiator")
    assert "第2张" in citizen.sends_photo("m-pipe")
    assert "怎么称呼" in citizen.says("完成")
    assert "保密" in citizen.says("张先生，0351-7654321")
    summary = citizen.says("1")
    for shown in ("类型：投诉", "暖气不热", DESCRIPTION, "学苑小区", "图片：2张", "张先生，035****4321", "保密：是"):
        assert shown in summary
    assert ticket_count(chat_app) == 0  # nothing is made before 确认

    done = citizen.says("确认")
    [ticket] = citizen.tickets()
    assert (ticket.request_type.code, ticket.category.code, ticket.channel) == ("complaint", "010101", "wechat")
    assert (ticket.content, ticket.citizen_name, ticket.phone) == (DESCRIPTION, "张先生", "03517654321")
    assert (ticket.latitude, ticket.longitude, ticket.location_label) == (37.8126, 112.5781, "学苑小区")
    assert ticket.confidential is True and ticket.citizen_openid == citizen.openid
    assert sorted(a.content_type for a in ticket.attachments) == ["image/jpeg", "image/png"]
    assert all((Path(chat_app.config["DATA_DIR"]) / a.path).is_file() for a in ticket.attachments)
    assert ticket.number in done and f"{china_date(ticket.deadline_at):%Y年%m月%d日}前（15个工作日）" in done
    assert f"{chat_app.config['PUBLIC_URL']}/h5/tickets/{ticket.number}" in done and "我的工单" in done
    assert citizen.dialogue() is None


def test_the_type_is_chosen_by_number_or_by_word(citizen):
    assert "请选择诉求类型" in citizen.says("微受理")
    assert "没有“吐槽”这个类型" in citizen.says("吐槽") and "1. 咨询" in citizen.says("吐槽")
    assert "【举报】请描述" in citizen.says("举报")
    citizen.says("取消")
    citizen.says("我要反映")
    assert "【建议】请描述" in citizen.says("5")
    assert "【表扬】请描述" in Citizen(citizen.app, "oOtherCitizen01").says("我要表扬")


def test_a_short_description_is_kept_and_completed_by_the_next_message(citizen):
    citizen.clicks("SUBMIT_HELP")
    assert "现在4个字，至少需要10个字" in citizen.says("暖气漏水")
    assert "请确认问题分类" in citizen.says("在一楼楼道，地上全是水")
    citizen.says("1")
    citizen.says("迎泽区五一东街12号院2单元")
    citizen.says("跳过")
    citizen.says("赵先生 13753102266")
    citizen.says("否")
    citizen.says("确认")
    [ticket] = citizen.tickets()
    assert ticket.content == "暖气漏水\n在一楼楼道，地上全是水"
    assert (ticket.citizen_name, ticket.phone, ticket.confidential) == ("赵先生", "13753102266", False)


@pytest.mark.parametrize("step,answer,problem", [
    ("describe", "太冷", "现在2个字"),
    ("describe", "暖" * 2001, "描述太长了（2001个字）"),
    ("category", "9", "请回复分类前的序号"),
    ("place", "跳过", "【投诉】需要事发地点"),
    ("place", "小店", "地址太简单了"),
    ("photos", "这是什么", "请发送图片"),
    ("name", "13812345678", "请问怎么称呼您"),
    ("name", "1234", "请告诉我们您的姓名或称呼"),
    ("phone", "12345", "“12345”不是有效的电话号码"),
    ("phone", "0351-123", "不是有效的电话号码"),
    ("confidential", "随便", "请回复“1”（需要保密）或“2”（不需要）"),
    ("confirm", "好吧", "请回复“确认”提交"),
    ("edit", "8", "请回复要修改项目的序号（1–7）"),
])
def test_a_wrong_answer_says_what_is_wrong_and_the_step_asks_again(citizen, step, answer, problem, chat_app):
    answers = {"describe": [], "category": [DESCRIPTION], "place": [DESCRIPTION, "1"],
               "photos": [DESCRIPTION, "1", "小店区坞城路88号"], "name": [DESCRIPTION, "1", "小店区坞城路88号", "跳过"]}
    answers["phone"] = [*answers["name"], "张先生"]
    answers["confidential"] = [*answers["phone"], "13812345678"]
    answers["confirm"] = [*answers["confidential"], "2"]
    answers["edit"] = [*answers["confirm"], "修改"]
    citizen.clicks("SUBMIT_COMPLAINT")
    for earlier in answers[step]:
        citizen.says(earlier)
    assert citizen.dialogue().step == step
    assert problem in citizen.says(answer)
    assert citizen.dialogue().step == step
    assert ticket_count(chat_app) == 0


def test_a_suggestion_may_skip_the_place_and_a_category_can_be_other(citizen):
    citizen.clicks("SUBMIT_SUGGESTION")
    options = citizen.says("建议在公交站台增加座椅和遮雨棚，方便老年人候车，冬天也能挡挡风。")
    other = next(line for line in options.splitlines() if "其他（不确定" in line).split(".")[0]
    assert "不涉及具体地点，可回复“跳过”" in citizen.says(other)
    assert "照片" in citizen.says("跳过")
    citizen.says("没有")
    citizen.says("李女士 15635108842")
    assert "地点：（未填写）" in citizen.says("2")
    citizen.says("确认")
    [ticket] = citizen.tickets()
    assert (ticket.request_type.code, ticket.category.code, ticket.address, ticket.latitude) == (
        "suggestion", "9901", "", None)


def test_more_words_at_the_category_step_are_added_and_the_suggestions_follow(citizen):
    citizen.clicks("SUBMIT_COMPLAINT")
    citizen.says("楼下饭店每天晚上营业到很晚，声音特别大")
    again = citizen.says("饭店的油烟也很大，排油烟管直接对着我家窗户")
    assert "已把补充内容加到描述中" in again and "油烟" in again
    assert "油烟" in citizen.dialogue().data["content"] and "声音特别大" in citizen.dialogue().data["content"]


def test_edit_changes_one_part_and_comes_back_to_the_summary(citizen):
    until_summary(citizen)
    assert "1. 类型" in citizen.says("修改")
    assert "请描述" in citizen.says("2")
    assert "请确认问题分类" in citizen.says("小区供暖温度不达标，家里只有十二度，投诉多次没人管")
    summary = citizen.says("1")
    assert "请核对您的诉求" in summary and "投诉多次没人管" in summary
    citizen.says("修改")
    citizen.says("6")
    assert "请核对您的诉求" in citizen.says("王女士 13903510217")
    citizen.says("确认")
    [ticket] = citizen.tickets()
    assert ticket.content == "小区供暖温度不达标，家里只有十二度，投诉多次没人管"
    assert (ticket.citizen_name, ticket.phone) == ("王女士", "13903510217")


def test_the_contact_of_the_last_ticket_is_offered_again(citizen):
    until_summary(citizen)
    citizen.says("确认")
    offer = until_name(citizen, "小区门口的路灯坏了一个多月了，晚上出门很黑，老人容易摔倒。")
    assert "回复“1”使用上次的联系方式：张先生，138****5678" in offer
    assert "保密" in citizen.says("1")
    citizen.says("2")
    citizen.says("确认")
    first, second = citizen.tickets()
    assert (second.citizen_name, second.phone) == (first.citizen_name, first.phone) == ("张先生", "13812345678")


@pytest.mark.parametrize("steps", [0, 1, 3, 6])
def test_cancel_at_any_step_keeps_nothing(citizen, steps, chat_app):
    answers = [DESCRIPTION, "1", "小店区坞城路88号", "跳过", "张先生", "13812345678", "2"]
    citizen.clicks("SUBMIT_COMPLAINT")
    for answer in answers[:steps]:
        citizen.says(answer)
    assert citizen.says("取消").startswith("已取消，填写的内容未保存")
    assert citizen.dialogue() is None and ticket_count(chat_app) == 0
    assert "使用说明" in citizen.says("帮助")  # the dialogue is over: words mean what they always do


def test_help_inside_the_dialogue_explains_and_asks_again(citizen):
    citizen.clicks("SUBMIT_HELP")
    reply = citizen.says("帮助")
    assert "您正在填写【求助】" in reply and "取消" in reply and "请描述" in reply
    assert citizen.dialogue().step == "describe"
