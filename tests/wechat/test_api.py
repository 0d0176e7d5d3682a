"""The outbound WeChat API client against the fake WeChat server over real HTTP, on the real shared store."""
import pickle
import threading

import pytest

from core.state import state
from tests.support import build_app, dispose, free_port
from wechat.api import (
    NETWORK_ERROR,
    TICKET_KEY,
    TOKEN_KEY,
    TOKEN_LOCK_KEY,
    WeChatAPI,
    WeChatAPIError,
    wechat_api,
)

CUSTOM = "/cgi-bin/message/custom/send"
STABLE = "/cgi-bin/stable_token"


def twin(app, tmp_path):
    """A second app (another worker or host) on the same database, Redis and key prefix."""
    return build_app(tmp_path, **{name: app.config[name] for name in
                                  ("DATABASE_URL", "REDIS_URL", "STATE_PREFIX", "WECHAT_API_BASE")})


def send(app, text="您好"):
    with app.app_context():
        return wechat_api().send_text("openid-1", text)


def test_token_is_fetched_once_and_shared_by_apps_on_the_same_store(wechat_any_app, fake_wechat, tmp_path):
    other = twin(wechat_any_app, tmp_path)
    try:
        send(wechat_any_app)
        send(other)
        send(other)
        with wechat_any_app.app_context():
            assert wechat_api() is wechat_api()  # one client per app
            assert state.get(TOKEN_KEY) == "tok-1"
            assert 7200 - 300 - 5 < state.ttl(TOKEN_KEY) <= 7200 - 300  # WeChat's expiry minus the margin
    finally:
        dispose(other)
    assert fake_wechat.token_fetches == 1
    assert [call.query["access_token"] for call in fake_wechat.calls_to(CUSTOM)] == ["tok-1"] * 3
    assert fake_wechat.calls_to(STABLE)[0].body == {
        "grant_type": "client_credential", "appid": wechat_any_app.config["WECHAT_APP_ID"],
        "secret": wechat_any_app.config["WECHAT_APP_SECRET"], "force_refresh": False}


def test_many_workers_asking_at_once_cause_one_fetch(wechat_any_app, fake_wechat):
    fake_wechat.delay(STABLE, 0.3)  # a slow fetch, so the others really wait for it
    store = wechat_any_app.extensions["shared_state"]
    workers = [WeChatAPI(wechat_any_app.config["WECHAT_APP_ID"], wechat_any_app.config["WECHAT_APP_SECRET"],
                         store, base_url=fake_wechat.url) for _ in range(8)]
    barrier = threading.Barrier(len(workers))
    tokens, errors = [], []

    def ask(api):
        barrier.wait()
        try:
            tokens.append(api.access_token())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(api,)) for api in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert errors == []
    assert tokens == ["tok-1"] * len(workers)
    assert fake_wechat.token_fetches == 1
    assert store.get(TOKEN_LOCK_KEY) is None  # released


@pytest.mark.parametrize("errcode", [40001, 42001, 40014])
def test_a_rejected_token_forces_one_refresh_and_one_retry(wechat_any_app, fake_wechat, errcode):
    send(wechat_any_app)
    fake_wechat.fail_next(CUSTOM, errcode)
    assert send(wechat_any_app)["errcode"] == 0
    fetches = fake_wechat.calls_to(STABLE)
    assert [call.body["force_refresh"] for call in fetches] == [False, True]
    assert [call.query["access_token"] for call in fake_wechat.calls_to(CUSTOM)] == ["tok-1", "tok-1", "tok-2"]
    with wechat_any_app.app_context():
        assert state.get(TOKEN_KEY) == "tok-2"


@pytest.mark.parametrize(("spoil", "errcode"), [("revoke_tokens", 40001), ("expire_tokens", 42001)])
def test_token_invalidated_at_wechat_is_replaced(wechat_app, fake_wechat, spoil, errcode):
    send(wechat_app)
    getattr(fake_wechat, spoil)()
    send(wechat_app)
    assert fake_wechat.token_fetches == 2
    assert [c.query["access_token"] for c in fake_wechat.calls_to(CUSTOM)] == ["tok-1", "tok-1", "tok-2"]


def test_a_token_rejected_twice_is_not_refreshed_again(wechat_app, fake_wechat):
    fake_wechat.fail_next(CUSTOM, 40001, times=2)
    with pytest.raises(WeChatAPIError) as caught:
        send(wechat_app)
    assert caught.value.errcode == 40001
    assert len(fake_wechat.calls_to(CUSTOM)) == 2
    assert fake_wechat.token_fetches == 2


def test_a_worker_whose_token_was_already_replaced_uses_the_new_one(wechat_any_app):
    def must_not_fetch():
        raise AssertionError("fetched although another worker had refreshed")

    with wechat_any_app.app_context():
        state.set(TOKEN_KEY, "tok-new", ttl=600)
        api = wechat_api()
        assert api._shared(TOKEN_KEY, TOKEN_LOCK_KEY, must_not_fetch, stale="tok-old") == "tok-new"


def test_bodies_are_utf8_json_with_chinese_unescaped(wechat_app, fake_wechat):
    text = "您的工单 TY2026000123 已受理，我们会在5个工作日内答复。"
    send(wechat_app, text)
    with wechat_app.app_context():
        wechat_api().send_news("openid-1", "供暖政策解读", "暖气不热怎么办", "https://example.test/p/1", "")
    text_call, news_call = fake_wechat.calls_to(CUSTOM)
    assert text_call.content_type == "application/json; charset=utf-8"
    assert text.encode("utf-8") in text_call.raw and b"\\u" not in text_call.raw
    assert text_call.body == {"touser": "openid-1", "msgtype": "text", "text": {"content": text}}
    assert "暖气不热怎么办".encode() in news_call.raw
    assert news_call.body["news"]["articles"] == [{"title": "供暖政策解读", "description": "暖气不热怎么办",
                                                   "url": "https://example.test/p/1", "picurl": ""}]


def test_template_and_subscription_messages(wechat_app, fake_wechat):
    with wechat_app.app_context():
        answer = wechat_api().send_template("openid-1", "tmpl-1", {"thing1": "已办结", "time2": {"value": "今天"}},
                                            url="https://example.test/t/1", client_msg_id="abc123")
        wechat_api().send_subscription("openid-1", "sub-1", {"thing1": "已受理"}, page="https://example.test/t/1")
        wechat_api().send_template("openid-1", "tmpl-1", {"thing1": "x"})
    assert answer["msgid"]
    first, bare = fake_wechat.calls_to("/cgi-bin/message/template/send")
    assert first.body == {"touser": "openid-1", "template_id": "tmpl-1", "url": "https://example.test/t/1",
                          "client_msg_id": "abc123",
                          "data": {"thing1": {"value": "已办结"}, "time2": {"value": "今天"}}}
    assert "url" not in bare.body and "client_msg_id" not in bare.body
    (sub,) = fake_wechat.calls_to("/cgi-bin/message/subscribe/bizsend")
    assert sub.body == {"touser": "openid-1", "template_id": "sub-1", "page": "https://example.test/t/1",
                        "data": {"thing1": {"value": "已受理"}}}


def test_errors_carry_errcode_and_errmsg(wechat_app, fake_wechat):
    fake_wechat.fail_next("/cgi-bin/message/template/send", 40037, errmsg="invalid template_id rid: 1-2-3")
    with wechat_app.app_context(), pytest.raises(WeChatAPIError) as caught:
        wechat_api().send_template("openid-1", "nope", {})
    error = caught.value
    assert (error.errcode, error.errmsg, error.path) == (40037, "invalid template_id rid: 1-2-3",
                                                         "/cgi-bin/message/template/send")
    assert not error.transient
    assert "40037" in str(error)
    copy = pickle.loads(pickle.dumps(error))  # survives the job queue
    assert (copy.errcode, copy.errmsg, copy.path) == (error.errcode, error.errmsg, error.path)


@pytest.mark.parametrize(("setting", "errcode"), [("WECHAT_APP_ID", 40013), ("WECHAT_APP_SECRET", 40125)])
def test_wrong_credentials_are_reported(tmp_path, fake_wechat, setting, errcode):
    app = build_app(tmp_path, WECHAT_API_BASE=fake_wechat.url, **{setting: "wrong"})
    try:
        with pytest.raises(WeChatAPIError) as caught:
            send(app)
    finally:
        dispose(app)
    assert caught.value.errcode == errcode
    assert fake_wechat.calls_to(CUSTOM) == []


def test_network_failure_is_a_transient_error_without_the_token(tmp_path):
    app = build_app(tmp_path, WECHAT_API_BASE=f"http://127.0.0.1:{free_port()}")  # nothing listens there
    try:
        with app.app_context():
            state.set(TOKEN_KEY, "tok-very-secret", ttl=600)
            with pytest.raises(WeChatAPIError) as caught:
                wechat_api().send_text("openid-1", "您好")
    finally:
        dispose(app)
    assert caught.value.errcode == NETWORK_ERROR and caught.value.transient
    assert "tok-very-secret" not in str(caught.value) and "ConnectionError" in caught.value.errmsg
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_timeout_and_http_errors_are_network_errors(wechat_app, fake_wechat):
    send(wechat_app)
    fake_wechat.delay(CUSTOM, 1.0)
    with wechat_app.app_context():
        wechat_api().timeout = 0.2
        with pytest.raises(WeChatAPIError) as slow:
            wechat_api().send_text("openid-1", "您好")
        with pytest.raises(WeChatAPIError) as missing:
            wechat_api().call("GET", "/cgi-bin/no-such-api")
    assert slow.value.errcode == NETWORK_ERROR and "Timeout" in slow.value.errmsg
    assert missing.value.errcode == NETWORK_ERROR and missing.value.errmsg == "HTTP 404"


def test_jsapi_ticket_is_cached_in_the_shared_store(wechat_any_app, fake_wechat, tmp_path):
    other = twin(wechat_any_app, tmp_path)
    try:
        with wechat_any_app.app_context():
            first = wechat_api().jsapi_ticket()
            assert 7200 - 300 - 5 < state.ttl(TICKET_KEY) <= 7200 - 300
        with other.app_context():
            second = wechat_api().jsapi_ticket()
    finally:
        dispose(other)
    assert first == second == "ticket-1"
    (call,) = fake_wechat.calls_to("/cgi-bin/ticket/getticket")
    assert call.query == {"access_token": "tok-1", "type": "jsapi"}


def test_menu_create_posts_the_menu(wechat_app, fake_wechat):
    menu = {"button": [{"type": "click", "name": "帮助", "key": "HELP"}]}
    with wechat_app.app_context():
        assert wechat_api().create_menu(menu) == {"errcode": 0, "errmsg": "ok"}
    assert fake_wechat.calls_to("/cgi-bin/menu/create")[0].body == menu
