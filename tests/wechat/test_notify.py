"""Notifying citizens: 客服 first, template when the 48 h window or the quota is used up; job retries."""
import pytest

from core.jobs import huey
from wechat.api import WeChatAPIError
from wechat.notify import CHANNEL_CUSTOM, CHANNEL_TEMPLATE, enqueue_notification, notify_citizen, send_later

CUSTOM = "/cgi-bin/message/custom/send"
TEMPLATE = "/cgi-bin/message/template/send"
DATA = {"character_string1": "TY2026000123", "phrase2": "已办结"}


@pytest.fixture
def notify_app(wechat_app):
    wechat_app.config["WECHAT_TEMPLATE_PROGRESS"] = "tmpl-progress"
    return wechat_app


def test_custom_message_when_the_window_is_open(notify_app, fake_wechat):
    with notify_app.app_context():
        assert notify_citizen("openid-1", "您的工单已办结", template_data=DATA) == CHANNEL_CUSTOM
    assert fake_wechat.calls_to(CUSTOM)[0].body["text"]["content"] == "您的工单已办结"
    assert fake_wechat.calls_to(TEMPLATE) == []


@pytest.mark.parametrize("errcode", [45015, 45047])
def test_template_when_the_window_is_shut_or_the_quota_used(notify_app, fake_wechat, errcode):
    fake_wechat.fail_next(CUSTOM, errcode)
    with notify_app.app_context():
        channel = notify_citizen("openid-1", "您的工单已办结", template_data=DATA, url="https://example.test/t/1")
    assert channel == CHANNEL_TEMPLATE
    (call,) = fake_wechat.calls_to(TEMPLATE)
    assert call.body == {"touser": "openid-1", "template_id": "tmpl-progress", "url": "https://example.test/t/1",
                         "data": {"character_string1": {"value": "TY2026000123"}, "phrase2": {"value": "已办结"}}}


def test_an_explicit_template_wins_over_the_setting(notify_app, fake_wechat):
    fake_wechat.fail_next(CUSTOM, 45015)
    with notify_app.app_context():
        notify_citizen("openid-1", "x", template_id="tmpl-other", template_data=DATA)
    assert fake_wechat.calls_to(TEMPLATE)[0].body["template_id"] == "tmpl-other"


@pytest.mark.parametrize(("errcode", "configured", "data"), [
    (45015, False, DATA),  # no template configured
    (45015, True, None),  # no template fields given
    (40003, True, DATA),  # invalid openid: not a window problem
])
def test_no_fallback_raises_the_original_error(wechat_app, fake_wechat, errcode, configured, data):
    if configured:
        wechat_app.config["WECHAT_TEMPLATE_PROGRESS"] = "tmpl-progress"
    fake_wechat.fail_next(CUSTOM, errcode)
    with wechat_app.app_context(), pytest.raises(WeChatAPIError) as caught:
        notify_citizen("openid-1", "x", template_data=data)
    assert caught.value.errcode == errcode
    assert fake_wechat.calls_to(TEMPLATE) == []


def test_send_later_delivers(notify_app, fake_wechat):
    assert send_later("openid-1", "您好").get() == {"channel": CHANNEL_CUSTOM}


def test_send_later_retries_transient_errors(notify_app, fake_wechat):
    fake_wechat.fail_next(CUSTOM, -1)  # system busy
    scheduled = len(huey.scheduled())
    send_later("openid-1", "您好")
    assert len(huey.scheduled()) == scheduled + 1


def test_send_later_gives_up_on_permanent_errors(notify_app, fake_wechat):
    fake_wechat.fail_next(CUSTOM, 40003, errmsg="invalid openid")
    scheduled = len(huey.scheduled())
    assert send_later("openid-1", "您好").get() == {"channel": None, "errcode": 40003, "errmsg": "invalid openid"}
    assert len(huey.scheduled()) == scheduled


def test_enqueued_notifications_carry_one_client_msg_id(notify_app, fake_wechat):
    fake_wechat.fail_next(CUSTOM, 45015)
    assert enqueue_notification("openid-1", "x", template_data=DATA).get() == {"channel": CHANNEL_TEMPLATE}
    msg_id = fake_wechat.calls_to(TEMPLATE)[0].body["client_msg_id"]
    assert len(msg_id) == 32 and msg_id.isalnum()
