"""H5 identity: WeChat OAuth (against a real local fake of WeChat's endpoint), dev login, /me."""
from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, quote, urlsplit

import pytest

from app import create_app
from core.db import db
from core.privacy import mask_openid
from tests.support import build_app, csrf_token_from, dispose, free_port
from wechat import oauth
from wechat.identity import bp

WX = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"}
DESKTOP = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"}
PUBLIC_URL = "https://h5.example.gov.cn"
SECRET = "test-app-secret-do-not-log"
CALLBACK = "/wechat/h5/oauth/callback"

ANSWERS = {  # by code prefix; anything else is refused like WeChat refuses a bad code
    "ok-": lambda code: {"access_token": "AT", "openid": "o" + code[3:], "scope": "snsapi_base", "is_snapshotuser": 0},
    "snap-": lambda code: {"access_token": "AT", "openid": "o-snapshot-user-0001", "is_snapshotuser": 1},
}


class OAuthHandler(BaseHTTPRequestHandler):
    """WeChat's /sns/oauth2/access_token over real HTTP; every call is recorded on the server."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        self.server.calls.append({"path": parts.path, **query})
        code = query.get("code", "")
        answer = next((make for prefix, make in ANSWERS.items() if code.startswith(prefix)), None)
        body = answer(code) if answer else {"errcode": 40029, "errmsg": "invalid code"}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")  # WeChat does not say application/json
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def wechat():
    """A fake WeChat OAuth endpoint on a real port; `.calls` lists the requests it answered."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), OAuthHandler)
    server.calls, server.url = [], f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _with_identity(app):
    if "wechat_identity" not in app.blueprints:
        app.register_blueprint(bp)
    return app


@pytest.fixture
def app(tmp_path, wechat):
    app = build_app(tmp_path, WECHAT_API_BASE=wechat.url, DEMO=False, PUBLIC_URL=PUBLIC_URL, WECHAT_APP_SECRET=SECRET)
    yield _with_identity(app)
    dispose(app)


def _production_like(tmp_path, **extra):
    settings = {"TESTING": False, "DEMO": False, "SECRET_KEY": "x", "WECHAT_TOKEN": "t", "WECHAT_APP_ID": "wxid",
                "WECHAT_APP_SECRET": "s", "WECHAT_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
                "DATA_DIR": str(tmp_path), "PUBLIC_URL": PUBLIC_URL} | extra
    app = create_app(settings)
    with app.app_context():
        db.create_all()
    return _with_identity(app)


def start(client, path="/wechat/h5/me"):
    """Open a protected page inside WeChat; return the state of the authorize redirect."""
    response = client.get(path, headers=WX)
    assert response.status_code == 302
    return parse_qs(urlsplit(response.headers["Location"]).query)["state"][0]


def callback(client, code, state_value):
    return client.get(CALLBACK, query_string={"code": code, "state": state_value}, headers=WX)


def openid_in_session(client):
    with client.session_transaction() as sess:
        return sess.get("openid")


def text(response):
    return response.get_data(as_text=True)


def dev_sign_in(client, openid, next_path=""):
    token = csrf_token_from(text(client.get("/wechat/h5/dev-login")))
    return client.post("/wechat/h5/dev-login" + next_path, data={"csrf_token": token, "openid": openid})


# --- OAuth ----------------------------------------------------------------------------------------

def test_protected_page_inside_wechat_redirects_to_the_authorize_url(client, app):
    url = urlsplit(client.get("/wechat/h5/me", headers=WX).headers["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://open.weixin.qq.com/connect/oauth2/authorize"
    assert url.fragment == "wechat_redirect"
    params = parse_qsl(url.query)
    # WeChat matches the link strictly: the parameters must come in this order.
    assert [key for key, _ in params] == ["appid", "redirect_uri", "response_type", "scope", "state"]
    params = dict(params)
    assert params["appid"] == app.config["WECHAT_APP_ID"] and params["redirect_uri"] == PUBLIC_URL + CALLBACK
    assert params["response_type"] == "code" and params["scope"] == "snsapi_base"
    assert len(params["state"]) >= 24 and start(client) != params["state"]  # random per request


def test_callback_with_the_right_state_signs_in_and_lands_on_next(client, app, wechat):
    response = callback(client, "ok-citizen-0042", start(client, "/wechat/h5/me?tab=1"))
    assert response.status_code == 302 and response.headers["Location"] == "/wechat/h5/me?tab=1"
    with client.session_transaction() as sess:
        assert sess["openid"] == "ocitizen-0042" and sess.permanent and not sess.get("oauth_pending")
    assert wechat.calls == [{"path": "/sns/oauth2/access_token", "appid": app.config["WECHAT_APP_ID"],
                             "secret": SECRET, "code": "ok-citizen-0042", "grant_type": "authorization_code"}]
    html = text(client.get("/wechat/h5/me?tab=1", headers=WX))
    assert "您已通过微信身份识别" in html and "ocit****0042" in html and "ocitizen-0042" not in html


@pytest.mark.parametrize("state_value", [None, "", "forged-state-value-000000000000"])
def test_missing_or_wrong_state_is_refused(client, wechat, state_value):
    start(client)
    query = {"code": "ok-citizen-0042"} | ({} if state_value is None else {"state": state_value})
    response = client.get(CALLBACK, query_string=query, headers=WX)
    assert response.status_code == 400 and "链接已失效" in text(response)
    assert openid_in_session(client) is None and wechat.calls == []


def test_state_of_another_browser_or_expired_is_refused(app, client, wechat):
    assert callback(app.test_client(), "ok-citizen-0042", start(client)).status_code == 400
    state_value = start(client)
    with client.session_transaction() as sess:
        pending = dict(sess["oauth_pending"])
        pending[state_value] = [pending[state_value][0], time.time() - 1]
        sess["oauth_pending"] = pending
    assert callback(client, "ok-citizen-0042", state_value).status_code == 400
    assert openid_in_session(client) is None and wechat.calls == []


def test_state_is_single_use_even_with_an_old_session_cookie(client, wechat):
    state_value = start(client)
    with client.session_transaction() as sess:
        old_session = dict(sess)
    assert callback(client, "ok-citizen-0042", state_value).status_code == 302
    assert callback(client, "ok-citizen-0043", state_value).status_code == 400
    with client.session_transaction() as sess:  # replay the cookie that still lists the state
        sess.clear()
        sess.update(old_session)
    assert callback(client, "ok-citizen-0044", state_value).status_code == 400
    assert len(wechat.calls) == 1


def test_a_code_is_single_use_even_with_a_fresh_state(app, client, wechat):
    assert callback(client, "ok-citizen-0042", start(client)).status_code == 302
    client.post("/wechat/h5/logout", data={"csrf_token": csrf_token_from(text(client.get("/wechat/h5/me")))})
    assert openid_in_session(client) is None
    response = callback(client, "ok-citizen-0042", start(client))
    assert response.status_code == 400 and "已使用" in text(response)
    other = app.test_client()  # another browser replaying the same code
    assert callback(other, "ok-citizen-0042", start(other)).status_code == 400
    assert openid_in_session(client) is None and openid_in_session(other) is None
    assert len(wechat.calls) == 1


def test_snapshot_user_is_refused(client, wechat):
    response = callback(client, "snap-1", start(client))
    assert response.status_code == 403 and "快照" in text(response) and "微信" in text(response)
    assert openid_in_session(client) is None and len(wechat.calls) == 1


def test_wechat_errcode_gives_a_chinese_page_with_retry_and_is_logged(client, caplog):
    with caplog.at_level(logging.WARNING, logger="wechat.oauth"):
        response = callback(client, "expired-code", start(client, "/wechat/h5/me?a=1"))
    assert response.status_code == 400 and "身份验证失败" in text(response) and "40029" in text(response)
    assert 'href="/wechat/h5/login?next=/wechat/h5/me?a%3D1"' in text(response)
    assert "40029" in caplog.text and "invalid code" in caplog.text and SECRET not in caplog.text
    assert openid_in_session(client) is None
    retry = client.get("/wechat/h5/login?next=/wechat/h5/me?a%3D1", headers=WX)
    assert retry.status_code == 302 and retry.headers["Location"].startswith(oauth.AUTHORIZE_URL)


def test_unreachable_wechat_is_a_502_and_the_secret_is_not_logged(app, client, caplog):
    app.config["WECHAT_API_BASE"] = f"http://127.0.0.1:{free_port()}"
    with caplog.at_level(logging.WARNING, logger="wechat.oauth"):
        response = callback(client, "ok-citizen-0042", start(client))
    assert response.status_code == 502 and "暂时无法连接微信" in text(response)
    assert "ConnectionError" in caplog.text and SECRET not in caplog.text
    assert openid_in_session(client) is None


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
                                    "javascript:alert(1)", "/\t/evil.example", "evil.example", ""])
def test_next_outside_this_site_is_refused(client, target):
    assert oauth.safe_next(target) == "/" and oauth.safe_next("/h5/?x=1&y=%2F") == "/h5/?x=1&y=%2F"
    assert callback(client, "ok-citizen-0042", start(client, "/wechat/h5/login?next=" + quote(target))) \
        .headers["Location"] == "/"


def test_openid_is_never_read_from_the_request(app, client):
    spoof = "o-attacker-000001"
    client.set_cookie("openid", spoof)
    response = client.get("/wechat/h5/me", query_string={"openid": spoof}, headers={"X-Openid": spoof, **WX})
    assert response.status_code == 302 and response.headers["Location"].startswith(oauth.AUTHORIZE_URL)
    response = client.get(CALLBACK, query_string={"openid": spoof, "code": "x"}, headers=WX)
    assert response.status_code == 400 and openid_in_session(client) is None
    with app.test_request_context("/wechat/h5/me", method="POST", query_string={"openid": spoof},
                                  data={"openid": spoof}, headers={"Cookie": f"openid={spoof}"}):
        assert oauth.current_openid() is None
    callback(client, "ok-citizen-0042", start(client))
    html = text(client.get("/wechat/h5/me", query_string={"openid": spoof}))
    assert "ocit****0042" in html and "o-at" not in html
    assert mask_openid("oABCDEFGHIJKLMNOPQRSTUVWXYZ1") == "oABC****XYZ1"


def test_sign_in_starts_a_fresh_session_but_keeps_care_mode(client):
    state_value = start(client)
    with client.session_transaction() as sess:
        sess.update(care_mode=True, draft_ticket="someone else's draft", openid="o-previous-00001")
    callback(client, "ok-citizen-0042", state_value)
    with client.session_transaction() as sess:
        assert dict(sess) == {"care_mode": True, "openid": "ocitizen-0042", "_permanent": True}


# --- production: outside WeChat, no dev login -----------------------------------------------------

def test_production_outside_wechat_asks_to_open_in_wechat_and_has_no_dev_login(tmp_path):
    app = _production_like(tmp_path)
    client = app.test_client()
    response = client.get("/wechat/h5/me", headers=DESKTOP)
    assert response.status_code == 403 and "请在微信中打开" in text(response)
    inside = client.get("/wechat/h5/me", headers=WX)
    assert inside.status_code == 302 and inside.headers["Location"].startswith(oauth.AUTHORIZE_URL + "?appid=wxid&")
    assert client.get("/wechat/h5/dev-login").status_code == 404
    token = csrf_token_from(text(client.get("/h5/")))
    response = client.post("/wechat/h5/dev-login", data={"csrf_token": token, "openid": "o-demo-citizen-1"})
    assert response.status_code == 404 and openid_in_session(client) is None
    dispose(app)


# --- dev login (demo and test mode) ---------------------------------------------------------------

def test_dev_login_in_demo_mode(tmp_path):
    app = _production_like(tmp_path, DEMO=True, SECRET_KEY=None, WECHAT_APP_ID=None)
    try:
        client = app.test_client()
        assert client.get("/wechat/h5/me", headers=WX).headers["Location"].startswith(oauth.AUTHORIZE_URL)
        response = client.get("/wechat/h5/me", headers=DESKTOP)
        assert response.headers["Location"] == "/wechat/h5/dev-login?next=/wechat/h5/me"
        html = text(client.get(response.headers["Location"]))
        assert all(label in html for label in ("市民甲", "市民乙", "市民丙", "o-demo-citizen-1"))
        response = dev_sign_in(client, "o-demo-citizen-2", "?next=/wechat/h5/me")
        assert response.status_code == 302 and response.headers["Location"] == "/wechat/h5/me"
        html = text(client.get("/wechat/h5/me", headers=DESKTOP))
        assert "您已通过微信身份识别" in html and "o-de****en-2" in html
    finally:
        dispose(app)


def test_dev_login_in_test_mode_typed_openid_and_open_redirect(client):
    response = client.get("/wechat/h5/me", headers=DESKTOP)
    assert response.headers["Location"] == "/wechat/h5/dev-login?next=/wechat/h5/me"
    response = dev_sign_in(client, "  o_Typed-Citizen_9  ", "?next=//evil.example/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert openid_in_session(client) == "o_Typed-Citizen_9"


@pytest.mark.parametrize(("typed", "message"), [("bad id!", "openid 格式不正确"), ("short", "openid 格式不正确"),
                                                ("x" * 65, "openid 格式不正确"), ("", "请输入 openid")])
def test_dev_login_rejects_a_bad_openid_beside_the_field_and_keeps_the_input(client, typed, message):
    response = dev_sign_in(client, typed)
    assert response.status_code == 200 and openid_in_session(client) is None
    html = text(response)
    field = html.index('id="openid"')
    tip = html.index('class="weui-cells__tips weui-cells__tips_warn" id="openid-error"')
    assert field < tip < html.index(message) < html.index("进入</button>", tip)
    assert 'aria-describedby="openid-error"' in html and "weui-cell_warn" in html
    assert not typed or f'value="{typed}"' in html


def test_dev_login_and_logout_need_csrf(client):
    response = client.post("/wechat/h5/dev-login", data={"openid": "o-demo-citizen-1"})
    assert response.status_code == 400 and "页面已过期" in text(response)
    assert openid_in_session(client) is None
    dev_sign_in(client, "o-demo-citizen-1")
    me = text(client.get("/wechat/h5/me"))
    assert client.post("/wechat/h5/logout").status_code == 400
    assert openid_in_session(client) == "o-demo-citizen-1"
    response = client.post("/wechat/h5/logout", data={"csrf_token": csrf_token_from(me)})
    assert response.status_code == 200 and "您已退出" in text(response)
    assert openid_in_session(client) is None and client.get("/wechat/h5/me").status_code == 302
