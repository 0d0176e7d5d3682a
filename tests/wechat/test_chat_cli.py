"""`flask wechat chat` against what `make run` serves: what a newcomer types, and what they see."""
import pytest


@pytest.mark.parametrize("safe", [[], ["--safe"]])
def test_a_chat_session_with_every_kind_of_push(app, live_service, tmp_path, safe):
    photo = tmp_path / "pothole.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    lines = ["/follow street-poster", "帮助", "/click SUBMIT_COMPLAINT", "取消", "/location 37.85 112.55 坞城路",
             "/voice 帮助", "/voice", f"/image {photo}", "暖气片不热咋整", "/retry", "/nonsense", "/quit"]
    # One citizen per run: WeChat names an event by openid + CreateTime (seconds) + event + key, so the
    # same click by the same citizen within one second is, rightly, one push.
    openid = "oCliUserSafe" if safe else "oCliUser"
    result = app.test_cli_runner().invoke(
        args=["wechat", "chat", "--url", f"{live_service.base}/wechat", "--openid", openid, *safe],
        input="\n".join(lines) + "\n")
    out = result.output
    assert result.exit_code == 0, out
    assert "欢迎关注" in out and "使用说明" in out and "记录您的诉求" in out and "已取消" in out
    assert "已收到您的位置：坞城路" in out and "没能识别您的语音" in out and "已收到您的图片" in out
    replies = dict(block.split("\n", 1) for block in out.split("你> ")[1:] if "\n" in block)
    assert "您是不是想问" in replies["暖气片不热咋整"] or "查看完整解答" in replies["暖气片不热咋整"]  # 微查询
    assert replies["/retry"] == replies["暖气片不热咋整"]  # the retry shows the first reply again
    assert "/click KEY" in out  # unknown command lists the commands
