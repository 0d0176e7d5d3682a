"""End to end against real gunicorn (4 workers) and the real job consumer, with the simulator's own client
code: a whole submission with a place and photos where WeChat delivers every message three times at
once (a retry storm), then 我的工单 in chat and on H5, and a second citizen trying the first one's ticket
in chat and in their own H5 session."""
import re

import pytest

from config import DEMO_SECRETS
from tests.submit.e2e_support import Browser, Storm, scale_out
from tests.support import LocalService
from tests.wechat.fake_api import FakeWeChat

PHOTOS = {f"m-pipe-{n}": b"\xff\xd8\xff\xe0" + f"photo {n} of the burst pipe ".encode() * 20 for n in range(1, 4)}


@pytest.fixture
def fake_wechat():
    fake = FakeWeChat(DEMO_SECRETS["WECHAT_APP_ID"], DEMO_SECRETS["WECHAT_APP_SECRET"]).start()
    yield fake
    fake.stop()


@pytest.fixture(params=["sqlite", "postgres+redis"])
def service(request, tmp_path, fake_wechat):
    """`make run` with 4 web workers, its WeChat API at the fake server."""
    services = {} if request.param == "sqlite" else {"postgres_url": request.getfixturevalue("postgres_url"),
                                                     "redis_url": request.getfixturevalue("redis_url")}
    running = LocalService(tmp_path, HOTLINE_WEB_WORKERS="4", HOTLINE_WECHAT_API_BASE=fake_wechat.url,
                           **scale_out(request.param, **services))
    try:
        running.wait_ready()
        yield running
    finally:
        running.kill()


def test_a_submission_under_a_retry_storm_makes_one_ticket_only_its_citizen_can_read(service, fake_wechat):
    fake_wechat.media.update({media_id: (body, "image/jpeg") for media_id, body in PHOTOS.items()})
    citizen = Storm(service, "oStormCitizen01")
    assert "【求助】请描述" in citizen.clicks("SUBMIT_HELP")
    assert "现在4个字" in citizen.says("暖气漏水")  # kept once, not three times
    assert "1. 城乡建设 → 供热 → 供热管道漏水" in citizen.says("一楼楼道的暖气主管道破了，热水往外喷，地上开始结冰")
    assert "事发地点" in citizen.says("1")
    assert "照片" in citizen.push("location", Location_X=37.8601, Location_Y=112.5602, Scale=16, Label="五一东街12号院")
    for count, media_id in enumerate(PHOTOS, 1):
        assert f"第{count}张" in citizen.push("image", PicUrl="", MediaId=media_id)
    assert "怎么称呼" in citizen.says("完成")
    assert "保密" in citizen.says("赵先生 13753102266")
    assert "图片：3张" in citizen.says("2")
    done = citizen.says("确认")
    number = re.search(r"工单编号：(\w+)", done).group(1)
    assert len(fake_wechat.calls_to("/cgi-bin/media/get")) == 3  # one download each, by the consumer

    mine = citizen.clicks("MY_TICKETS")
    assert "共1件" in mine and number in mine
    history = citizen.says(number.lower())
    assert f"工单 {number}" in history and "暖气" in history
    stranger = Storm(service, "oStormStranger1")
    assert "没有找到工单" in stranger.says(number) and "暖气" not in stranger.says(number)
    log = service.log.read_text()
    handled = re.findall(r"msg:(\d+) text/- → dialogue:submit", log)
    assert len(handled) == len(set(handled)) == 7  # each text of the dialogue handled once, whatever the copies
    images = re.findall(r"msg:(\d+) image/- → dialogue:submit", log)
    assert len(images) == len(set(images)) == 3

    owner = Browser(service, citizen.openid)
    page = owner.get(f"/h5/tickets/{number}")
    assert page.status_code == 200 and "一楼楼道的暖气主管道破了" in page.text and "五一东街12号院" in page.text
    photo_urls = re.findall(rf'src="(/h5/tickets/{number}/photos/\d+)"', page.text)
    assert sorted(owner.get(url).content for url in photo_urls) == sorted(PHOTOS.values())
    assert number in owner.get("/h5/tickets/").text
    other = Browser(service, "oStormStranger1")
    for path in (f"/h5/tickets/{number}", f"/h5/submit/done/{number}", *photo_urls):
        response = other.get(path)
        assert response.status_code == 404 and "暖气" not in response.text, path
    assert number not in other.get("/h5/tickets/").text
