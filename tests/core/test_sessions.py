"""Server-side sessions: the cookie carries an opaque id; the data lives in the shared store."""
from tests.support import build_app, csrf_token_from


def _dev_login(client, openid="o-demo-citizen-1"):
    page = client.get("/wechat/h5/dev-login")
    return client.post("/wechat/h5/dev-login", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                                     "openid": openid})


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_cookie_holds_no_personal_data_and_the_id_changes_on_sign_in(any_app):
    client = any_app.test_client()
    client.get("/wechat/h5/dev-login")
    before = _cookie(client)
    _dev_login(client, "oSecretCitizen99")
    after = _cookie(client)
    assert after != before  # no session fixation
    assert "oSecretCitizen99" not in after and len(after) < 64
    assert "oSec****en99" in client.get("/wechat/h5/me").get_data(as_text=True)


def test_a_session_made_by_one_worker_is_honoured_by_another(any_app, tmp_path):
    other_worker = build_app(tmp_path / "other", STATE_PREFIX=any_app.config["STATE_PREFIX"],
                             DATABASE_URL=any_app.config["SQLALCHEMY_DATABASE_URI"],
                             REDIS_URL=any_app.config.get("REDIS_URL"))
    first = any_app.test_client()
    _dev_login(first)
    second = other_worker.test_client()
    second.set_cookie("session", _cookie(first))
    assert "您已通过微信身份识别" in second.get("/wechat/h5/me").get_data(as_text=True)


def test_an_old_cookie_is_worthless_after_sign_out(app):
    client = app.test_client()
    _dev_login(client)
    stolen = _cookie(client)
    page = client.get("/wechat/h5/me").get_data(as_text=True)
    client.post("/wechat/h5/logout", data={"csrf_token": csrf_token_from(page)})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/wechat/h5/me")
    assert response.status_code == 302  # sent to identify again
