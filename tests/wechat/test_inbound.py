"""Every message type and event of WECHAT.md parses into one neutral Inbound; broken bodies are refused."""
import pytest

from wechat.inbound import MAX_BODY_BYTES, MalformedPush, parse_push


def push(kind: str, fields: str = "", openid="oCitizen1", created=1700000000) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>{fields}</xml>")


def test_text():
    inbound = parse_push(push("text", "<Content><![CDATA[暖气不热咋整]]></Content><MsgId>6054768590064713728</MsgId>"))
    assert (inbound.kind, inbound.text, inbound.msg_id, inbound.openid, inbound.account) == (
        "text", "暖气不热咋整", "6054768590064713728", "oCitizen1", "gh_test")
    assert inbound.dedup_key == "msg:6054768590064713728"


@pytest.mark.parametrize("kind,fields,expected", [
    ("image", "<PicUrl>http://p/1.jpg</PicUrl><MediaId>m1</MediaId><MsgId>1</MsgId>",
     {"pic_url": "http://p/1.jpg", "media_id": "m1"}),
    ("voice", "<MediaId>v1</MediaId><Format>amr</Format><Recognition>暖气不热</Recognition><MsgId>2</MsgId>",
     {"media_id": "v1", "voice_format": "amr", "text": "暖气不热"}),
    ("voice", "<MediaId>v2</MediaId><Format>amr</Format><Recognition></Recognition><MsgId>3</MsgId>",
     {"text": None}),
    ("video", "<MediaId>vid</MediaId><ThumbMediaId>th</ThumbMediaId><MsgId>4</MsgId>",
     {"media_id": "vid", "thumb_media_id": "th"}),
    ("shortvideo", "<MediaId>sv</MediaId><ThumbMediaId>th</ThumbMediaId><MsgId>5</MsgId>", {"media_id": "sv"}),
    ("location", "<Location_X>37.87</Location_X><Location_Y>112.55</Location_Y><Scale>16</Scale>"
                 "<Label><![CDATA[太原市小店区]]></Label><MsgId>6</MsgId>",
     {"latitude": 37.87, "longitude": 112.55, "scale": 16, "label": "太原市小店区"}),
    ("link", "<Title>标题</Title><Description>描述</Description><Url>http://x</Url><MsgId>7</MsgId>",
     {"title": "标题", "description": "描述", "url": "http://x"}),
])
def test_message_types(kind, fields, expected):
    inbound = parse_push(push(kind, fields))
    assert inbound.kind == kind and inbound.msg_id
    for name, value in expected.items():
        assert getattr(inbound, name) == value, name


@pytest.mark.parametrize("event,extra,expected", [
    ("subscribe", "<EventKey><![CDATA[qrscene_street-poster]]></EventKey>", {"qr_scene": "street-poster"}),
    ("subscribe", "", {"qr_scene": None}),
    ("unsubscribe", "", {}),
    ("SCAN", "<EventKey>lobby</EventKey><Ticket>t</Ticket>", {"event": "scan", "qr_scene": "lobby"}),
    ("LOCATION", "<Latitude>37.8</Latitude><Longitude>112.5</Longitude><Precision>65.0</Precision>",
     {"event": "location", "latitude": 37.8, "longitude": 112.5, "precision": 65.0}),
    ("CLICK", "<EventKey>QUERY_ASK</EventKey>", {"event": "click", "event_key": "QUERY_ASK"}),
    ("VIEW", "<EventKey>http://h5</EventKey>", {"event": "view"}),
    ("scancode_push", "<EventKey>k</EventKey>", {"event": "scancode_push"}),
    ("pic_photo_or_album", "<EventKey>k</EventKey>", {"event": "pic_photo_or_album"}),
    ("location_select", "<EventKey>k</EventKey><SendLocationInfo><Location_X>37.1</Location_X>"
                        "<Location_Y>112.1</Location_Y><Scale>15</Scale><Label>某路</Label></SendLocationInfo>",
     {"event": "location_select", "latitude": 37.1, "longitude": 112.1, "label": "某路"}),
    ("TEMPLATESENDJOBFINISH", "<MsgID>200163836</MsgID><Status>success</Status>", {"event": "templatesendjobfinish"}),
    ("subscribe_msg_popup_event", "", {}),
    ("kf_create_session", "<KfAccount>kf@x</KfAccount>", {}),
])
def test_events(event, extra, expected):
    inbound = parse_push(push("event", f"<Event><![CDATA[{event}]]></Event>{extra}"))
    assert inbound.kind == "event" and inbound.event == event.lower() and inbound.msg_id is None
    assert inbound.dedup_key == f"event:oCitizen1:1700000000:{event.lower()}:{inbound.event_key or ''}"
    for name, value in expected.items():
        assert getattr(inbound, name) == value, name


def test_inbound_is_immutable():
    inbound = parse_push(push("text", "<Content>x</Content><MsgId>1</MsgId>"))
    with pytest.raises(AttributeError):
        inbound.text = "y"
    with pytest.raises(TypeError):
        inbound.raw["Content"] = "y"


def test_unknown_type_still_parses():
    assert parse_push(push("hologram", "<MsgId>9</MsgId>")).kind == "hologram"


@pytest.mark.parametrize("body", [
    b"",
    b"not xml at all",
    b"<xml><FromUserName>o</FromUserName>",  # truncated
    push("text", "<Content>x</Content>").replace("<MsgType><![CDATA[text]]></MsgType>", "").encode(),  # no MsgType
    b"<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>\x01</xml>",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>',
    b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><xml>&b;</xml>',
    b"<other>root</other>",
    b"<xml><FromUserName><a>nested</a></FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>",
    b"<xml>" + b"x" * (MAX_BODY_BYTES + 1) + b"</xml>",
    push("text", "<Content>x</Content>").replace("1700000000", "soon").encode(),
])
def test_broken_or_hostile_bodies_are_refused(body):
    with pytest.raises(MalformedPush):
        parse_push(body)
