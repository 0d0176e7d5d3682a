from wechat.inbound import Inbound, parse_xml
from wechat.outbound import MAX_TEXT_BYTES, cdata, fit_text, render
from wechat.replies import NO_REPLY, NewsReply, TextReply

INBOUND = Inbound(openid="oCitizen", account="gh_ours", kind="text", created_at=1, msg_id="1")


def test_text_reply_swaps_to_and_from():
    fields = parse_xml(render(TextReply("您好"), INBOUND, 1700000000, "http://h5/"))
    assert fields["ToUserName"] == "oCitizen" and fields["FromUserName"] == "gh_ours"
    assert fields["MsgType"] == "text" and fields["Content"] == "您好" and fields["CreateTime"] == "1700000000"


def test_cdata_injection_is_neutralised_in_every_field():
    hostile = "投诉]]><MsgType>news</MsgType><Content><![CDATA[pwned"
    evil_inbound = Inbound(openid="o]]></ToUserName><x>", account="gh]]>", kind="text", created_at=1)
    for reply in (TextReply(hostile), NewsReply(hostile, hostile, "http://x/?a=]]>", hostile)):
        fields = parse_xml(render(reply, evil_inbound, 1, "http://h5/"))
        assert fields["ToUserName"] == "o]]></ToUserName><x>"
        if isinstance(reply, TextReply):
            assert fields["MsgType"] == "text" and fields["Content"] == hostile
        else:
            item = fields["Articles"]["item"]
            assert item["Title"] == hostile and item["Url"] == "http://x/?a=]]>"


def test_control_characters_cannot_break_the_xml():
    section = cdata("a\x00b\x1fc")
    assert parse_xml("<xml><a>" + section + "</a></xml>")["a"] == "abc"


def test_long_text_is_cut_on_a_character_boundary_with_a_pointer():
    text = "供暖期室内温度不达标的处理途径。" * 300
    fitted = fit_text(text, "http://h5/faq/1")
    assert len(fitted.encode()) <= MAX_TEXT_BYTES
    assert fitted.endswith("http://h5/faq/1）")
    assert text.startswith(fitted.split("……")[0])
    body = render(TextReply(text, more_url="http://h5/faq/1"), INBOUND, 1, "http://h5/")
    assert len(parse_xml(body)["Content"].encode()) <= MAX_TEXT_BYTES


def test_text_that_fits_is_untouched():
    text = "字" * (MAX_TEXT_BYTES // 3)
    assert fit_text(text, "u") == text


def test_news_reply_has_one_article():
    fields = parse_xml(render(NewsReply("标题", "摘要", "http://h5/p/1", "http://h5/p.png"), INBOUND, 1, "u"))
    assert fields["MsgType"] == "news" and fields["ArticleCount"] == "1"
    assert fields["Articles"]["item"]["Url"] == "http://h5/p/1"


def test_no_reply_is_success():
    assert render(NO_REPLY, INBOUND, 1, "u") == "success"
