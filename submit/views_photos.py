"""Photos of the H5 form: checked and stored as they arrive, kept across a form shown again with errors.

Each upload is checked by its bytes (wechat.media: JPEG/PNG/GIF/WebP only, at most 10 MB) and stored
content-addressed under DATA_DIR. The photos of a form not yet accepted are remembered in the server
session under the form's key, so a citizen who must fix another field does not choose them again;
they are served back only to that session. Stored files are never served from a public path.
"""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, send_file, session
from werkzeug.datastructures import FileStorage

from faq.fields import clean_text
from submit.fields import MAX_ATTACHMENTS, AttachmentIn
from wechat.media import MAX_MEDIA_BYTES, MediaRejected, store_media

SESSION_KEY = "submit_photos"
MAX_FORMS = 3  # forms (tabs) whose photos a session remembers; the oldest is forgotten
MAX_NAME = 100
WHY_NOT_KEPT = {
    "empty": "是空文件",
    "too_large": f"超过 {MAX_MEDIA_BYTES // (1024 * 1024)}MB，请压缩后再选",
    "unsupported_type": "不是图片（只支持 JPG、PNG、GIF、WebP 格式）",
}


def pending(form_key: str) -> list[dict]:
    """The photos stored so far for this form in this session (dicts: path, sha256, size, content_type, name)."""
    items = (session.get(SESSION_KEY) or {}).get(form_key) or []
    return [item for item in items if isinstance(item, dict)]


def _remember(form_key: str, photos: list[dict]) -> None:
    forms = {key: value for key, value in (session.get(SESSION_KEY) or {}).items() if key != form_key}
    if photos:
        forms[form_key] = photos
    session[SESSION_KEY] = dict(list(forms.items())[-MAX_FORMS:])


def forget(form_key: str) -> None:
    _remember(form_key, [])


def _read(upload: FileStorage) -> bytes:
    """At most one byte more than allowed: enough to know a file is too large without holding all of it."""
    return upload.stream.read(MAX_MEDIA_BYTES + 1)


def _store(upload: FileStorage, name: str) -> tuple[dict | None, str | None]:
    try:
        stored = store_media(_read(upload), upload.mimetype or "")
    except MediaRejected as rejected:
        return None, f"“{name}”{WHY_NOT_KEPT[rejected.reason]}，未保存"
    return {"path": stored.path, "sha256": stored.sha256, "size": stored.size,
            "content_type": stored.content_type, "name": name}, None


def take_photos(form_key: str, keep: list[str], uploads: list[FileStorage]) -> tuple[list[dict], list[str]]:
    """The form's photos after this request (earlier ones the citizen kept, then the new ones), and a
    Chinese message for each file refused. Accepted ones are remembered for the form."""
    photos = [item for item in pending(form_key) if item.get("sha256") in set(keep)]
    errors: list[str] = []
    chosen = [upload for upload in uploads if upload and upload.filename]
    over = len(photos) + len(chosen) - MAX_ATTACHMENTS
    if over > 0:
        errors.append(f"最多 {MAX_ATTACHMENTS} 张图片，您共选了 {len(photos) + len(chosen)} 张："
                      f"已保留前 {MAX_ATTACHMENTS} 张，另外 {over} 张未保存")
    for upload in chosen[:max(0, MAX_ATTACHMENTS - len(photos))]:
        name = clean_text(upload.filename)[:MAX_NAME] or "图片"
        photo, error = _store(upload, name)
        if error:
            errors.append(error)
        elif all(item["sha256"] != photo["sha256"] for item in photos):
            photos.append(photo)
    _remember(form_key, photos)
    return photos, errors


def as_attachments(photos: list[dict]) -> tuple[AttachmentIn, ...]:
    return tuple(AttachmentIn(item["path"], item["sha256"], item["size"], item["content_type"],
                              original_name=item["name"]) for item in photos)


def send_stored(path: str, content_type: str):
    """A stored file as a private response (never cached by shared caches, never sniffed as another type)."""
    target = Path(current_app.config["DATA_DIR"]) / path
    if not target.is_file():
        abort(404)
    response = send_file(target, mimetype=content_type, max_age=0, conditional=True)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
