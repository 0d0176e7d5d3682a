"""End to end against real gunicorn (4 workers): concurrent deliveries of one push have one effect,
on the embedded default and on PostgreSQL + Redis; driven by the simulator's own client code."""
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from config import DEMO_SECRETS
from tests.support import LocalService
from wechat.simulator import WeChatSimulator, http_sender

TRIALS = 40


@pytest.fixture(params=["sqlite", "postgres+redis"])
def four_workers(request, tmp_path):
    settings = {"HOTLINE_WEB_WORKERS": "4"}
    if request.param == "postgres+redis":
        settings.update(HOTLINE_DATABASE_URL=request.getfixturevalue("postgres_url"),
                        HOTLINE_REDIS_URL=request.getfixturevalue("redis_url"),
                        HOTLINE_STATE_PREFIX=f"e2e-{uuid.uuid4().hex[:8]}:")
    service = LocalService(tmp_path, **settings)
    service.wait_ready()
    yield service
    service.kill()


def simulator(service, openid, safe=True):
    return WeChatSimulator(http_sender(f"{service.base}/wechat"), DEMO_SECRETS["WECHAT_TOKEN"],
                           DEMO_SECRETS["WECHAT_APP_ID"], DEMO_SECRETS["WECHAT_AES_KEY"], openid=openid, safe=safe)


def test_three_concurrent_deliveries_have_one_effect(four_workers):
    senders = [simulator(four_workers, "oE2E") for _ in range(3)]
    for trial in range(TRIALS):
        xml = (f"<xml><ToUserName>gh</ToUserName><FromUserName>oE2E</FromUserName><CreateTime>1700000000"
               f"</CreateTime><MsgType>text</MsgType><Content>第{trial}条</Content><MsgId>{9_000_000 + trial}"
               f"</MsgId></xml>")
        with ThreadPoolExecutor(max_workers=3) as pool:
            replies = list(pool.map(WeChatSimulator.deliver, senders, [xml] * 3))
        assert [r.status for r in replies] == [200, 200, 200]
        assert len({r.text for r in replies}) == 1 and replies[0].text
    log = four_workers.log.read_text()
    handled = re.findall(r"msg:(9\d{6}) text/- → \S+", log)
    assert len(handled) == TRIALS and len(set(handled)) == TRIALS, "a message was handled more than once"
    workers = set(re.findall(r"\[(\d+)\] \[INFO\] Booting worker", log))
    assert len(workers) == 4


def test_a_newcomer_can_follow_and_use_the_menu(four_workers):
    citizen = simulator(four_workers, "oNewcomer", safe=False)
    assert "欢迎关注" in citizen.follow().text
    assert "记录您的诉求" in citizen.click("SUBMIT_COMPLAINT").text
    assert "已取消" in citizen.text("取消").text
    assert "使用说明" in citizen.text("帮助").text
