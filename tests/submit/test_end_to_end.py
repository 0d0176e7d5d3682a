"""End to end against real gunicorn (4 workers) and the real job consumer, on SQLite and on PostgreSQL +
Redis, with the simulator's own client code: 取消 in a retry storm, the idle timeout (shortened through
HOTLINE_DIALOGUE_IDLE_SECONDS) ending a dialogue with a 客服 message, and the daily limit holding when one
citizen's forms reach all four workers at once. (The whole submission under a retry storm, and a second
citizen reading the first one's ticket in chat and on H5: test_chat_gunicorn.py.)"""
from __future__ import annotations

import contextlib
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.services import temporary_postgres
from config import DEMO_SECRETS
from tests.submit.e2e_support import Browser, Storm, scale_out
from tests.submit.h5_support import good_fields
from tests.support import REDIS_URL, LocalService, service_missing
from tests.wechat.fake_api import FakeWeChat

IDLE_SECONDS = 6
PER_DAY = 2
SENT = "/cgi-bin/message/custom/send"


@pytest.fixture(scope="module")
def fake_wechat():
    fake = FakeWeChat(DEMO_SECRETS["WECHAT_APP_ID"], DEMO_SECRETS["WECHAT_APP_SECRET"]).start()
    yield fake
    fake.stop()


def redis_reachable() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        service_missing("Redis", exc)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture(scope="module", params=["sqlite", "postgres+redis"])
def service(request, tmp_path_factory, fake_wechat):
    """One `make run` per backend for this module's tests: 4 web workers, short idle time, low daily limit."""
    with contextlib.ExitStack() as stack:
        services = {}
        if request.param != "sqlite":
            request.getfixturevalue("postgres_admin_engine")  # skips (or fails in CI) when unreachable
            services = {"redis_url": redis_reachable(), "postgres_url": stack.enter_context(temporary_postgres())}
        running = LocalService(tmp_path_factory.mktemp("e2e"), HOTLINE_WEB_WORKERS="4",
                               HOTLINE_WECHAT_API_BASE=fake_wechat.url,
                               HOTLINE_DIALOGUE_IDLE_SECONDS=str(IDLE_SECONDS), HOTLINE_TICKETS_PER_DAY=str(PER_DAY),
                               **scale_out(request.param, **services))
        stack.callback(running.kill)
        running.wait_ready()
        yield running


def test_cancel_in_a_retry_storm_ends_the_dialogue_once_and_keeps_nothing(service):
    citizen = Storm(service, f"oCancel{request_tag()}")
    citizen.clicks("SUBMIT_COMPLAINT")
    assert "请确认问题分类" in citizen.says("家里暖气片一直不热，室温只有十二度，老人孩子都冻感冒了")
    assert "事发地点" in citizen.says("1")
    assert citizen.says("取消").startswith("已取消，填写的内容未保存")
    assert "事发地点" not in citizen.says("小店区坞城路88号")  # no longer an answer to the dialogue
    assert "还没有提交过工单" in citizen.clicks("MY_TICKETS")
    cancelled = re.findall(r"msg:(\d+) text/- → cancel", service.log.read_text())
    assert len(cancelled) == 1  # the three copies of 取消 handled once


def test_an_idle_dialogue_ends_with_a_message_after_the_idle_time_and_keeps_nothing(service, fake_wechat):
    citizen = Storm(service, f"oIdle{request_tag()}", copies=1)
    assert "【求助】请描述" in citizen.clicks("SUBMIT_HELP")
    assert "请确认问题分类" in citizen.says("一楼楼道的暖气主管道破了，热水往外喷，地上开始结冰")
    last_answer = time.monotonic()
    told = None
    while told is None and time.monotonic() - last_answer < IDLE_SECONDS + 30:
        told = next((call for call in fake_wechat.calls_to(SENT) if call.body["touser"] == citizen.openid), None)
        time.sleep(0.2)
    assert told is not None, "no 客服 message about the idle dialogue"
    assert time.monotonic() - last_answer >= IDLE_SECONDS - 0.5  # not before the idle time
    assert f"超过{IDLE_SECONDS}秒没有继续填写，本次【求助】已自动结束" in told.body["text"]["content"]
    assert "事发地点" not in citizen.says("1")  # the dialogue is gone: "1" is no answer to it
    assert "还没有提交过工单" in citizen.clicks("MY_TICKETS")


def test_the_daily_limit_holds_when_one_citizen_reaches_four_workers_at_once(service):
    browser = Browser(service, f"oLimit{request_tag()}")
    forms = [browser.new_form() for _ in range(6)]
    contents = [f"第{n}件：小区门口的路灯坏了一个多月了，晚上出门很黑，老人容易摔倒。" for n in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(lambda pair: browser.submit(pair[0], **good_fields(content=pair[1])),
                                  zip(forms, contents, strict=True)))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302] * PER_DAY + [429] * (6 - PER_DAY), statuses
    refused = next(response for response in responses if response.status_code == 429)
    assert f"达到每天{PER_DAY}件的上限" in refused.text and "小区门口的路灯" in refused.text  # input kept
    listed = set(re.findall(r"TY\d{14}", browser.get("/h5/tickets/").text))
    assert len(listed) == PER_DAY
    chat = Storm(service, browser.openid)
    assert f"达到每天{PER_DAY}件的上限" in chat.clicks("SUBMIT_COMPLAINT")  # one count for H5 and chat


_tags = iter(range(10**6))


def request_tag() -> str:
    """A distinct openid suffix per citizen (the service lives for the module, on each backend)."""
    return f"{time.time_ns() % 10**9:09d}{next(_tags):03d}"
