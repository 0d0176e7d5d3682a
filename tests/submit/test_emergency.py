"""Emergency diversion: whom to call comes first, in plain chat and inside the dialogue."""
import pytest

from submit import emergency
from submit.emergency import DEFAULT_FILE, EmergencyFileError, load, parse
from tests.submit.chat_support import (
    Citizen,
)

pytest_plugins = ("tests.submit.chat_fixtures",)  # chat_app, chat_any_app, fake_wechat


@pytest.fixture
def shipped():
    return load(DEFAULT_FILE)


@pytest.mark.parametrize("text,calls", [
    ("楼下饭店着火了，冒浓烟！", ["fire"]),
    ("我家厨房闻到煤气味，很浓", ["gas"]),
    ("小区门口有人打架，有人流血了", ["medical", "police"]),
    ("有人昏迷在楼道里", ["medical"]),
    ("路口有人持刀抢劫", ["police"]),
    ("刚才在迎泽大街发生车祸", ["traffic"]),
    ("燃 气 泄 漏", ["gas"]),  # spaces do not hide it
    ("ＯＫ，天然气泄漏了", ["gas"]),  # full-width letters are folded
])
def test_the_keywords_name_the_lines_to_call(shipped, text, calls):
    assert [service.code for service in shipped.matches(text)] == calls


@pytest.mark.parametrize("text", ["暖气片一直不热怎么办", "楼道里堆满杂物，有火灾隐患", "灵活就业社保怎么交",
                                  "预防火灾有什么规定", ""])
def test_ordinary_messages_get_no_advice(shipped, text):
    assert shipped.advice(text) is None


def test_the_advice_lists_each_number_between_the_heading_and_the_footer(shipped):
    advice = shipped.advice("楼里着火了，还有人受伤了")
    lines = advice.splitlines()
    assert lines[0].startswith("⚠️") and "119" in lines[1] and "120" in lines[2] and "不能处理紧急警情" in lines[-1]


def test_a_file_with_problems_is_refused_naming_each():
    with pytest.raises(EmergencyFileError, match=r"service 1: missing call.*service 2: missing keywords"):
        parse({"services": [{"code": "fire", "advice": "x", "keywords": ["起火"]},
                            {"code": "gas", "call": "96777", "advice": "x"}]})
    with pytest.raises(EmergencyFileError, match="services"):
        parse({"heading": "x"})


def test_plain_text_gets_the_advice_before_the_answer(chat_app):
    reply = Citizen(chat_app).says("家里闻到煤气味了怎么办")
    advice, answer = reply.split("\n\n", 1)
    assert "燃气泄漏" in advice and "燃气公司24小时抢修电话" in advice
    assert "暂时没有找到" in answer  # then 微查询 answers as usual (an empty knowledge base here)


def test_inside_the_dialogue_the_advice_comes_first_and_the_submission_goes_on(chat_app):
    citizen = Citizen(chat_app)
    citizen.clicks("SUBMIT_HELP")
    reply = citizen.says("楼道里有人打架，有人受伤流血了，物业也不管")
    assert reply.startswith("⚠️") and "110" in reply and "120" in reply
    assert reply.index("120") < reply.index("请确认问题分类")
    assert citizen.dialogue().step == "category"


def test_a_city_can_configure_its_own_list(chat_app, tmp_path):
    own = tmp_path / "emergency.yaml"
    own.write_text("services:\n  - {code: gas, call: '0351-4040000', advice: 燃气抢修, keywords: [漏气]}\n",
                   encoding="utf-8")
    chat_app.config["EMERGENCY_FILE"] = str(own)
    reply = Citizen(chat_app).says("厨房漏气了")
    assert "燃气抢修：0351-4040000" in reply
    assert "119" not in Citizen(chat_app, "oOther").says("着火了")  # the shipped list is replaced


def test_an_unusable_configured_file_falls_back_to_the_shipped_list(chat_app, tmp_path, caplog):
    broken = tmp_path / "broken.yaml"
    broken.write_text("services: []\n", encoding="utf-8")
    chat_app.config["EMERGENCY_FILE"] = str(broken)
    assert "119" in Citizen(chat_app).says("着火了")
    assert "EMERGENCY_FILE" in caplog.text


def test_the_advice_survives_a_failing_answer(chat_app, monkeypatch):
    def broken(inbound, context):
        raise RuntimeError("knowledge base down")

    with chat_app.app_context():
        handler = emergency.advise_first(broken)
        from wechat.inbound import Inbound

        reply = handler(Inbound("oX", "gh", "text", 0, msg_id="1", text="着火了"), None)
    assert "119" in reply.text and "系统繁忙" in reply.text
