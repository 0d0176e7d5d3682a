"""The /wechat endpoint end to end through Flask: modes, authentication, exactly-once, failures."""
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from core.db import db
from core.state import state
from tests.support import simulator_for
from wechat.crypto import Envelope, sign
from wechat.models import Follower
from wechat.replies import TextReply
from wechat.router import Route

KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OLD_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"


def count_effects(app, route_name="effect", delay=0.0):
    """Put a route first that counts in the shared store how often it really ran."""

    def effect(inbound, context):
        time.sleep(delay)
        return TextReply(f"第{state.incr('effects', ttl=600)}次")

    app.extensions["wechat_webhook"].router.routes.insert(0, Route(route_name, lambda i: i.kind == "text", effect))


def effects(app) -> int:
    with app.app_context():
        return state.counter("effects")


def signed_query(token, **extra):
    timestamp, nonce = str(int(time.time())), "42"
    return {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, **extra}


def test_get_verification_echoes_only_for_the_right_token(app, client):
    good = signed_query(app.config["WECHAT_TOKEN"], echostr="echo-123")
    response = client.get("/wechat?" + urlencode(good))
    assert response.status_code == 200 and response.get_data(as_text=True) == "echo-123"
    assert response.content_type.startswith("text/plain")
    bad = signed_query("wrong-token", echostr="echo-123")
    assert client.get("/wechat?" + urlencode(bad)).status_code == 403
    assert client.get("/wechat?echostr=x").status_code == 403


@pytest.mark.parametrize("safe", [False, True])
def test_text_message_is_answered_in_both_modes(app, safe):
    reply = simulator_for(app, safe=safe).text("你好")
    assert reply.status == 200 and reply.kind == "text" and "暂时没有找到" in reply.text  # empty KB
    assert reply.fields["ToUserName"] == "o-sim-citizen"
    if safe:
        assert "<Encrypt>" in reply.body and "你好" not in reply.body


def test_compatible_mode_body_with_plain_fields_and_encrypt(app, client):
    token, app_id = app.config["WECHAT_TOKEN"], app.config["WECHAT_APP_ID"]
    envelope = Envelope(token, app_id, [app.config["WECHAT_AES_KEY"]])
    inner = ("<xml><ToUserName>gh</ToUserName><FromUserName>oCompat</FromUserName><CreateTime>1</CreateTime>"
             "<MsgType>text</MsgType><Content>帮助</Content><MsgId>777</MsgId></xml>")
    encrypted = envelope.ciphers[0].encrypt(inner, app_id).decode()
    body = inner.replace("</xml>", f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>")
    query = signed_query(token, encrypt_type="aes")
    query["msg_signature"] = sign(token, query["timestamp"], query["nonce"], encrypted)
    response = client.post("/wechat?" + urlencode(query), data=body)
    assert response.status_code == 200 and "<Encrypt>" in response.get_data(as_text=True)


def test_bad_signature_is_403_with_no_side_effect(app):
    count_effects(app)
    for forged in (simulator_for(app), simulator_for(app, safe=True)):
        forged.token = "not-the-token"
        assert forged.text("伪造").status == 403
    assert effects(app) == 0


def test_bad_msg_signature_is_403(app, client):
    sim = simulator_for(app, safe=True)
    sim.send = lambda path, body: (lambda r: (r.status_code, r.get_data(as_text=True)))(
        client.post(path.replace("msg_signature=", "msg_signature=0"), data=body))
    assert sim.text("x").status == 403


def test_stale_or_future_pushes_are_refused(app):
    sim = simulator_for(app)
    count_effects(app)
    sim.clock = lambda: time.time() - 301
    assert sim.text("旧消息").status == 403
    sim.clock = lambda: time.time() + 301
    assert sim.text("未来").status == 403
    assert effects(app) == 0


def test_previous_key_still_works_and_the_reply_uses_it(tmp_path):
    from tests.support import build_app

    app = build_app(tmp_path, WECHAT_AES_KEY=OLD_KEY, WECHAT_AES_KEY_PREVIOUS=KEY)
    old_sender = simulator_for(app, safe=True)
    old_sender.envelope = Envelope(app.config["WECHAT_TOKEN"], app.config["WECHAT_APP_ID"], [KEY])
    reply = old_sender.text("轮换期间")  # the simulator opens the reply with the old key only
    assert reply.status == 200 and "暂时没有找到" in reply.text
    unknown = simulator_for(app, safe=True)
    unknown.envelope = Envelope(app.config["WECHAT_TOKEN"], app.config["WECHAT_APP_ID"],
                                ["0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"])
    assert unknown.text("错误密钥").body == "success"


def test_a_retry_gets_the_first_reply_and_no_second_effect(app):
    count_effects(app)
    sim = simulator_for(app, safe=True)
    first = sim.text("一次")
    again = [sim.retry() for _ in range(3)]
    assert first.text == "第1次" and {r.text for r in again} == {"第1次"}
    assert effects(app) == 1


def test_concurrent_deliveries_of_one_message_have_one_effect(app):
    count_effects(app, delay=0.2)
    sim = simulator_for(app)
    sim.text("并发")  # establishes `last`; effect 1
    with ThreadPoolExecutor(max_workers=3) as pool:
        replies = list(pool.map(lambda _: sim.retry(), range(3)))
    assert {r.text for r in replies} == {"第1次"}
    assert effects(app) == 1


def test_events_dedup_on_sender_time_event_and_key(app):
    sim = simulator_for(app)
    xml = ("<xml><ToUserName>gh</ToUserName><FromUserName>oEv</FromUserName><CreateTime>1700000000</CreateTime>"
           "<MsgType>event</MsgType><Event>subscribe</Event><EventKey>qrscene_a</EventKey></xml>")
    first, second = sim.deliver(xml), sim.deliver(xml)
    assert first.body == second.body and "欢迎关注" in first.text
    other = sim.deliver(xml.replace("qrscene_a", "qrscene_b"))
    assert other.status == 200 and "欢迎关注" in other.text


def test_follow_and_unfollow_are_recorded_with_the_scene(app):
    sim = simulator_for(app, openid="oFollower")
    assert "欢迎关注太原市12345" in sim.follow("xiaodian-poster").text
    assert sim.unfollow().body == "success"
    with app.app_context():
        follower = db.session.scalar(select(Follower).where(Follower.openid == "oFollower"))
        assert follower.first_scene == "xiaodian-poster" and follower.subscribed is False
        assert follower.unfollowed_at is not None


def test_a_failing_handler_gets_a_polite_text_not_a_500(app):
    def broken(inbound, context):
        raise RuntimeError("database on fire")

    app.extensions["wechat_webhook"].router.routes.insert(0, Route("broken", lambda i: True, broken))
    reply = simulator_for(app).text("x")
    assert reply.status == 200 and "系统繁忙" in reply.text


def test_unknown_types_and_oversized_bodies_get_success(app, client):
    sim = simulator_for(app)
    assert sim.push("hologram", MsgId=1).body == "success"
    assert sim.deliver("<xml>" + "x" * 70_000 + "</xml>").body == "success"
    assert sim.deliver("<xml><broken").body == "success"


def test_slow_handler_answers_success_within_the_budget(tmp_path):
    from tests.support import build_app

    app = build_app(tmp_path, WECHAT_REPLY_BUDGET=0.3)
    count_effects(app, delay=2.5)
    started = time.monotonic()
    reply = simulator_for(app).text("慢")
    assert reply.body == "success" and time.monotonic() - started < 2.0  # did not wait for the handler
    time.sleep(2.5)
    assert effects(app) == 1  # which still finished its work


def test_a_reply_that_misses_the_budget_arrives_through_customer_service(tmp_path, fake_wechat):
    from tests.support import build_app

    app = build_app(tmp_path, WECHAT_REPLY_BUDGET=0.2, WECHAT_API_BASE=fake_wechat.url)
    count_effects(app, delay=0.6)
    sim = simulator_for(app, openid="oSlow")
    assert sim.text("慢慢来").body == "success"
    deadline = time.monotonic() + 10
    while not fake_wechat.calls_to("/cgi-bin/message/custom/send") and time.monotonic() < deadline:
        time.sleep(0.05)
    (sent,) = fake_wechat.calls_to("/cgi-bin/message/custom/send")
    assert sent.body == {"touser": "oSlow", "msgtype": "text", "text": {"content": "第1次"}}
    assert sim.retry().body == "success" and effects(app) == 1  # WeChat's retry changes nothing


def test_handler_logs_carry_the_request_id_and_never_the_openid(app, caplog):
    from core.logs import request_id

    app.extensions["wechat_webhook"].router.routes.insert(
        0, Route("whoami", lambda i: True, lambda inbound, context: TextReply(request_id.get())))
    with caplog.at_level("INFO", logger="wechat.webhook"):
        reply = simulator_for(app, openid="oPrivateCitizen12345").follow()
    assert len(reply.text) == 16 and reply.text != "-"  # the handler thread knows its request
    assert "oPrivateCitizen12345" not in caplog.text
    assert "event:oPri****2345" in caplog.text
