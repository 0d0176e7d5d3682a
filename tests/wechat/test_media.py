"""Media: stored by content under DATA_DIR, images only, 10 MB at most; fetched through the fake WeChat API."""
import hashlib
import os
from pathlib import Path

import pytest

from core.jobs import huey
from wechat.media import MAX_MEDIA_BYTES, MediaRejected, StoredMedia, fetch_media, store_media

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + os.urandom(2048) + b"\xff\xd9"
IMAGES = {
    "jpg": JPEG,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(64),
    "gif": b"GIF89a\x01\x00\x01\x00" + os.urandom(32),
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + os.urandom(32),
}


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in (root / "media").rglob("*") if path.is_file())


@pytest.mark.parametrize("ext", sorted(IMAGES))
def test_images_are_stored_by_content(app, tmp_path, ext):
    data = IMAGES[ext]
    with app.app_context():
        stored = store_media(data, "application/octet-stream")  # the bytes decide, not the declared type
    digest = hashlib.sha256(data).hexdigest()
    assert stored == StoredMedia(f"media/{digest[:2]}/{digest}.{ext}", digest, len(data),
                                 "image/jpeg" if ext == "jpg" else f"image/{ext}")
    assert (tmp_path / stored.path).read_bytes() == data


def test_the_same_content_is_stored_once(app, tmp_path):
    with app.app_context():
        first = store_media(JPEG, "image/jpeg")
        mtime = (tmp_path / first.path).stat().st_mtime_ns
        second = store_media(JPEG, "image/jpeg")
        other = store_media(IMAGES["png"], "image/png")
    assert first == second != other
    assert files_under(tmp_path) == sorted([tmp_path / first.path, tmp_path / other.path])  # no temp files left
    assert (tmp_path / first.path).stat().st_mtime_ns == mtime


@pytest.mark.parametrize(("data", "reason"), [
    (b"%PDF-1.7\n" + os.urandom(100), "unsupported_type"),
    (b"#!AMR\n" + os.urandom(100), "unsupported_type"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "unsupported_type"),
    (b"", "empty"),
    (JPEG[:3] + bytes(MAX_MEDIA_BYTES), "too_large"),
])
def test_rejected_files_are_not_stored(app, tmp_path, data, reason):
    with app.app_context(), pytest.raises(MediaRejected) as caught:
        store_media(data, "image/jpeg")
    assert caught.value.reason == reason
    assert caught.value.message and not caught.value.message.isascii()  # Chinese text for the citizen
    assert not (tmp_path / "media").exists()


def test_the_limit_itself_is_accepted(app):
    with app.app_context():
        assert store_media(JPEG[:3] + bytes(MAX_MEDIA_BYTES - 3), "image/jpeg").size == MAX_MEDIA_BYTES


def test_fetch_media_downloads_and_stores(wechat_app, fake_wechat, tmp_path):
    fake_wechat.media["m-1"] = (JPEG, "image/jpeg")
    result = fetch_media("m-1").get()
    digest = hashlib.sha256(JPEG).hexdigest()
    assert result == {"ok": True, "media_id": "m-1", "path": f"media/{digest[:2]}/{digest}.jpg", "sha256": digest,
                      "size": len(JPEG), "content_type": "image/jpeg"}
    assert (tmp_path / result["path"]).read_bytes() == JPEG
    (call,) = fake_wechat.calls_to("/cgi-bin/media/get")
    assert call.query == {"access_token": "tok-1", "media_id": "m-1"}


def test_media_download_refreshes_a_rejected_token(wechat_app, fake_wechat):
    fake_wechat.media["m-1"] = (JPEG, "image/jpeg")
    fake_wechat.fail_next("/cgi-bin/media/get", 42001)
    assert fetch_media("m-1").get()["ok"]
    assert fake_wechat.token_fetches == 2


@pytest.mark.parametrize(("media", "reason"), [
    ((b"#!AMR\n" + os.urandom(200), "audio/amr"), "unsupported_type"),
    ((b'{"video_url":"http://example.test/v.mp4"}', "application/json"), "unsupported_type"),
    ((JPEG[:3] + bytes(MAX_MEDIA_BYTES + 1), "image/jpeg"), "too_large"),
])
def test_fetch_media_reports_rejected_files(wechat_app, fake_wechat, tmp_path, media, reason):
    fake_wechat.media["m-1"] = media
    result = fetch_media("m-1").get()
    assert result["ok"] is False and result["reason"] == reason and result["message"]
    assert not (tmp_path / "media").exists()


def test_fetch_media_of_an_unknown_id_is_not_retried(wechat_app, fake_wechat):
    scheduled = len(huey.scheduled())
    result = fetch_media("gone").get()
    assert result["ok"] is False and result["reason"] == "api_error"
    assert (result["errcode"], result["errmsg"]) == (40007, "invalid media_id")
    assert len(huey.scheduled()) == scheduled


def test_fetch_media_is_retried_on_a_transient_error(wechat_app, fake_wechat):
    fake_wechat.media["m-1"] = (JPEG, "image/jpeg")
    fake_wechat.fail_next("/cgi-bin/media/get", -1)  # system busy
    scheduled = len(huey.scheduled())
    fetch_media("m-1")
    assert len(huey.scheduled()) == scheduled + 1  # queued again for later (retry_delay)
