"""End to end against real gunicorn (4 workers) and the real job consumer, with the simulator's own client
code: a whole submission with a place and a photo where WeChat delivers every message three times at
once (a retry storm), then 我的工单, and a second citizen trying the first one's ticket number."""
import itertools
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from config import DEMO_SECRETS
from tests.support import LocalService
from tests.wechat.fake_api import FakeWeChat
from wechat.outbound import cdata
from wechat.simulator import WeChatSimulator, http_sender

JPEG = b"\xff\xd8\xff\xe0" + b"a photo of the burst pipe" * 20
COPIES = 3


@pytest.fixture
def fake_wechat():
    fake = FakeWeChat(DEMO_SECRETS["WECHAT_APP_ID"], DEMO_SECRETS["WECHAT_APP_SECRET"]).start()
    yield fake
    fake.stop()


def scale_out(request) -> dict:
    """PostgreSQL + Redis settings for the "postgres+redis" run (none for the embedded default)."""
    if request.param == "sqlite":
        return {}
    return {"HOTLINE_DATABASE_URL": request.getfixturevalue("postgres_url"),
            "HOTLINE_REDIS_URL": request.getfixturevalue("redis_url"),
            "HOTLINE_STATE_PREFIX": f"e2e-chat-{uuid.uuid4().hex[:8]}:"}


@pytest.fixture(params=["sqlite", "postgres+redis"])
def service(request, tmp_path, fake_wechat):
    """`make run` with 4 web workers, its WeChat API at the fake server."""
    running = LocalService(tmp_path, HOTLINE_WEB_WORKERS="4", HOTLINE_WECHAT_API_BASE=fake_wechat.url,
                           **scale_out(request))
    try:
        running.wait_ready()
        yield running
    finally:
        running.kill()


class Storm:
    """One citizen whose every message WeChat delivers COPIES times at once (three workers race for it)."""

    def __init__(self, service, openid: str):
        self.openid = openid
        self.senders = [WeChatSimulator(http_sender(f"{service.base}/wechat"), DEMO_SECRETS["WECHAT_TOKEN"],
                                        openid=openid) for _ in range(COPIES)]
        self.msg_ids = itertools.count(int(time.time() * 1000) * 1000)
        self.second = int(time.time())

    def push(self, kind: str, **fields) -> str:
        self.second += 1  # each push its own CreateTime (clicks are deduplicated on it)
        fields = {"MsgId": next(self.msg_ids), **fields} if kind != "event" else fields
        body = "".join(f"<{name}>{cdata(str(value))}</{name}>" for name, value in fields.items())
        xml = (f"<xml><ToUserName>{cdata('gh_minsheng')}</ToUserName><FromUserName>{cdata(self.openid)}"
               f"</FromUserName><CreateTime>{self.second}</CreateTime><MsgType>{cdata(kind)}</MsgType>{body}</xml>")
        with ThreadPoolExecutor(max_workers=COPIES) as pool:
            replies = list(pool.map(WeChatSimulator.deliver, self.senders, [xml] * COPIES))
        texts = {reply.text for reply in replies}
        assert [reply.status for reply in replies] == [200] * COPIES and len(texts) == 1, texts
        return texts.pop() or ""

    def says(self, text: str) -> str:
        return self.push("text", Content=text)


def test_a_submission_under_a_retry_storm_makes_one_ticket_only_its_citizen_can_read(service, fake_wechat):
    fake_wechat.media["m-pipe"] = (JPEG, "image/jpeg")
    citizen = Storm(service, "oStormCitizen01")
    assert "【求助】请描述" in citizen.push("event", Event="CLICK", EventKey="SUBMIT_HELP")
    assert "现在4个字" in citizen.says("暖气漏水")  # kept once, not three times
    assert "1. 城乡建设 → 供热 → 供热管道漏水" in citizen.says("一楼楼道的暖气主管道破了，热水往外喷，地上开始结冰")
    assert "事发地点" in citizen.says("1")
    assert "照片" in citizen.push("location", Location_X=37.8601, Location_Y=112.5602, Scale=16, Label="五一东街12号院")
    assert "第1张" in citizen.push("image", PicUrl="", MediaId="m-pipe")
    assert "怎么称呼" in citizen.says("完成")
    assert "保密" in citizen.says("赵先生 13753102266")
    assert "图片：1张" in citizen.says("2")
    done = citizen.says("确认")
    number = re.search(r"工单编号：(\w+)", done).group(1)
    assert len(fake_wechat.calls_to("/cgi-bin/media/get")) == 1  # one download, by the consumer

    mine = citizen.push("event", Event="CLICK", EventKey="MY_TICKETS")
    assert "共1件" in mine and number in mine
    history = citizen.says(number.lower())
    assert f"工单 {number}" in history and "暖气" in history
    stranger = Storm(service, "oStormStranger1")
    assert "没有找到工单" in stranger.says(number) and "暖气" not in stranger.says(number)
    log = service.log.read_text()
    handled = re.findall(r"msg:(\d+) text/- → dialogue:submit", log)
    assert len(handled) == len(set(handled)) == 7  # each text of the dialogue handled once, whatever the copies
