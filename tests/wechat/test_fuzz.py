"""Property-based: whatever arrives at /wechat, the answer is never a 5xx and nothing happens twice or at all."""
import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.state import state
from wechat.crypto import sign
from wechat.replies import TextReply
from wechat.router import Route

FIELDS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event", "EventKey", "Encrypt"]
xml_like = st.builds(
    lambda parts: "<xml>" + "".join(f"<{name}>{value}</{name}>" for name, value in parts) + "</xml>",
    st.lists(st.tuples(st.sampled_from(FIELDS), st.text(max_size=40)), max_size=8),
)
bodies = st.one_of(st.binary(max_size=600), st.text(max_size=600).map(str.encode), xml_like.map(str.encode))


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    from tests.support import build_app, dispose

    app = build_app(tmp_path_factory.mktemp("fuzz"))

    def effect(inbound, context):
        state.incr("fuzz-effects", ttl=3600)
        return TextReply("ok")

    app.extensions["wechat_webhook"].router.routes.insert(0, Route("effect", lambda i: True, effect))
    yield app
    dispose(app)


def _effects(app) -> int:
    with app.app_context():
        return state.counter("fuzz-effects")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, safe=st.booleans())
def test_signed_garbage_never_5xx_and_never_acts(fuzz_app, body, safe):
    token = fuzz_app.config["WECHAT_TOKEN"]
    timestamp, nonce = str(int(time.time())), "7"
    query = {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    if safe:
        query.update(encrypt_type="aes", msg_signature="0" * 40)
    before = _effects(fuzz_app)
    response = fuzz_app.test_client().post("/wechat?" + urlencode(query), data=body)
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.get_data(as_text=True) in ("success", "ok") or "<xml>" in response.get_data(as_text=True)
    # A push needs FromUserName, MsgType and a numeric CreateTime; anything that lacks them does nothing.
    text = body.decode("utf-8", errors="ignore")
    if safe or not all(f"<{name}>" in text for name in ("FromUserName", "MsgType", "CreateTime")):
        assert _effects(fuzz_app) == before


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.dictionaries(st.sampled_from(["signature", "timestamp", "nonce", "encrypt_type", "msg_signature",
                                              "echostr", "openid"]), st.text(max_size=30)), body=bodies,
       method=st.sampled_from(["get", "post"]))
def test_unsigned_anything_is_refused_without_effect(fuzz_app, query, body, method):
    before = _effects(fuzz_app)
    client = fuzz_app.test_client()
    response = getattr(client, method)("/wechat?" + urlencode(query), data=body)
    assert response.status_code in (200, 403)
    assert _effects(fuzz_app) == before
