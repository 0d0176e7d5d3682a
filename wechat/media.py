"""Our own copy of citizens' media: WeChat's temporary media expire after a few days.

Files are stored by content under <DATA_DIR>/media/<sha256[:2]>/<sha256>.<ext>, so the same picture
sent twice is stored once. Only images whose bytes really are JPEG, PNG, GIF or WebP are kept.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app

from core.jobs import job
from wechat.api import WeChatAPIError, wechat_api

log = logging.getLogger(__name__)

MAX_MEDIA_BYTES = 10 * 1024 * 1024
MEDIA_FOLDER = "media"

# (magic-byte test, extension, content type); WebP is RIFF....WEBP.
IMAGE_TYPES = (
    (lambda b: b.startswith(b"\xff\xd8\xff"), "jpg", "image/jpeg"),
    (lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"), "png", "image/png"),
    (lambda b: b[:6] in (b"GIF87a", b"GIF89a"), "gif", "image/gif"),
    (lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP", "webp", "image/webp"),
)

# Reason codes and what the citizen is told.
REJECTIONS = {
    "empty": "没有收到文件内容，请重新发送。",
    "too_large": f"图片超过{MAX_MEDIA_BYTES // (1024 * 1024)}MB，请压缩后重新发送。",
    "unsupported_type": "目前只支持JPG、PNG、GIF、WebP格式的图片。",
}
MEDIA_UNAVAILABLE = "图片已过期或无法获取，请重新发送。"


class MediaRejected(Exception):
    """The file is not kept; `message` is the Chinese text for the citizen, `reason` a code."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"media rejected: {reason}" + (f" ({detail})" if detail else ""))
        self.reason = reason
        self.message = REJECTIONS[reason]
        self.detail = detail

    def __reduce__(self):
        return self.__class__, (self.reason, self.detail)


@dataclass(frozen=True)
class StoredMedia:
    path: str  # relative to DATA_DIR, with forward slashes
    sha256: str
    size: int
    content_type: str


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """(extension, content type) from the magic bytes, or None when not an accepted image."""
    for matches, ext, content_type in IMAGE_TYPES:
        if matches(data):
            return ext, content_type
    return None


def store_media(data: bytes, content_type: str, *, data_dir: str | Path | None = None) -> StoredMedia:
    """Check and store the file; the stored type comes from its bytes, not from `content_type`."""
    if not data:
        raise MediaRejected("empty")
    if len(data) > MAX_MEDIA_BYTES:
        raise MediaRejected("too_large", f"{len(data)} bytes")
    sniffed = sniff_image(data)
    if sniffed is None:
        raise MediaRejected("unsupported_type", f"declared {content_type or 'nothing'}")
    ext, real_type = sniffed
    if content_type and content_type != real_type:
        log.info("media declared as %s is %s", content_type, real_type)
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{MEDIA_FOLDER}/{digest[:2]}/{digest}.{ext}"
    root = Path(data_dir if data_dir is not None else current_app.config["DATA_DIR"])
    target = root / relative
    if not (target.is_file() and target.stat().st_size == len(data)):
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target, then rename: readers never see half a file, racers write the same bytes.
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    return StoredMedia(path=relative, sha256=digest, size=len(data), content_type=real_type)


def download_and_store(media_id: str) -> StoredMedia:
    """Fetch temporary media through the API and keep it (raises WeChatAPIError or MediaRejected)."""
    data, content_type = wechat_api().download_media(media_id, max_bytes=MAX_MEDIA_BYTES)
    return store_media(data, content_type)


@job(retries=3, retry_delay=30)
def fetch_media(media_id: str) -> dict:
    """Job: download and store. Transient API errors are retried; other outcomes are a plain dict:
    {"ok": True, "media_id", "path", "sha256", "size", "content_type"} or
    {"ok": False, "media_id", "reason", "message", ...} with reason rejected-code or "api_error"."""
    try:
        stored = download_and_store(media_id)
    except MediaRejected as exc:
        log.info("media %s rejected: %s", media_id, exc)
        return {"ok": False, "media_id": media_id, "reason": exc.reason, "message": exc.message}
    except WeChatAPIError as exc:
        if exc.transient:
            raise
        log.warning("media %s not downloaded: %s", media_id, exc)
        return {"ok": False, "media_id": media_id, "reason": "api_error", "message": MEDIA_UNAVAILABLE,
                "errcode": exc.errcode, "errmsg": exc.errmsg}
    return {"ok": True, "media_id": media_id, **asdict(stored)}
