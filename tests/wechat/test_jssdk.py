import hashlib

import pytest

from wechat.jssdk import jssdk_config, jssdk_signature, new_nonce

# The official example from the JS-SDK documentation (附录1 签名算法).
TICKET = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
NONCE = "Wm3WZYTPz0wzccnW"
TIMESTAMP = 1414587457
URL = "http://mp.weixin.qq.com?params=value"
SIGNATURE = "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


def test_official_vector():
    assert jssdk_signature(TICKET, NONCE, TIMESTAMP, URL) == SIGNATURE
    assert jssdk_signature(TICKET, NONCE, str(TIMESTAMP), URL) == SIGNATURE


def test_fragment_is_not_signed():
    assert jssdk_signature(TICKET, NONCE, TIMESTAMP, URL + "#/ticket/12?x=1") == SIGNATURE
    assert jssdk_signature(TICKET, NONCE, TIMESTAMP, URL + "#") == SIGNATURE


def test_signature_is_sha1_of_the_documented_string():
    raw = f"jsapi_ticket={TICKET}&noncestr={NONCE}&timestamp={TIMESTAMP}&url={URL}"
    assert jssdk_signature(TICKET, NONCE, TIMESTAMP, URL) == hashlib.sha1(raw.encode()).hexdigest()


def test_any_change_changes_the_signature():
    assert jssdk_signature(TICKET, NONCE, TIMESTAMP, URL + "&b=2") != SIGNATURE
    assert jssdk_signature(TICKET, NONCE, TIMESTAMP + 1, URL) != SIGNATURE
    assert jssdk_signature(TICKET + "x", NONCE, TIMESTAMP, URL) != SIGNATURE


def test_config_with_fixed_inputs_matches_the_vector():
    calls = []

    def ticket_source():
        calls.append(1)
        return TICKET

    config = jssdk_config(URL + "#top", ticket_source, app_id="wx123", timestamp=TIMESTAMP, nonce=NONCE)
    assert config == {"appId": "wx123", "timestamp": TIMESTAMP, "nonceStr": NONCE, "signature": SIGNATURE}
    assert len(calls) == 1


def test_config_uses_the_app_id_and_fresh_nonce_and_time(app):
    with app.app_context():
        first = jssdk_config("https://example.test/h5/", lambda: TICKET)
        second = jssdk_config("https://example.test/h5/", lambda: TICKET)
    assert first["appId"] == app.config["WECHAT_APP_ID"]
    assert isinstance(first["timestamp"], int)
    assert first["nonceStr"] != second["nonceStr"]
    assert first["signature"] == jssdk_signature(TICKET, first["nonceStr"], first["timestamp"],
                                                 "https://example.test/h5/")


def test_nonce_is_alphanumeric():
    nonce = new_nonce()
    assert len(nonce) == 16 and nonce.isalnum() and nonce.isascii()


@pytest.mark.parametrize("url", ["", "/h5/", "javascript:alert(1)"])
def test_config_needs_an_absolute_url(url):
    with pytest.raises(ValueError):
        jssdk_config(url, lambda: TICKET, app_id="wx123")


def test_pages_get_a_signed_config_with_the_shared_ticket(wechat_app, fake_wechat):
    client = wechat_app.test_client()
    page = wechat_app.config["PUBLIC_URL"] + "/h5/?from=menu"
    first = client.get("/wechat/h5/jssdk-config", query_string={"url": page}).get_json()
    second = client.get("/wechat/h5/jssdk-config", query_string={"url": page}).get_json()
    assert len(fake_wechat.calls_to("/cgi-bin/ticket/getticket")) == 1  # cached in the shared store
    assert first["appId"] == wechat_app.config["WECHAT_APP_ID"]
    for config in (first, second):
        assert config["signature"] == jssdk_signature("ticket-1", config["nonceStr"], config["timestamp"], page)


def test_config_is_refused_for_other_sites_and_when_wechat_is_down(wechat_app, fake_wechat):
    client = wechat_app.test_client()
    assert client.get("/wechat/h5/jssdk-config", query_string={"url": "https://evil.example/"}).status_code == 400
    fake_wechat.fail_next("/cgi-bin/ticket/getticket", -1)
    down = client.get("/wechat/h5/jssdk-config", query_string={"url": wechat_app.config["PUBLIC_URL"] + "/h5/"})
    assert down.status_code == 503 and "暂时不可用" in down.get_json()["message"]
