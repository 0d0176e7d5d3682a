"""Photos sent in the chat dialogue: each is downloaded by a background job (wechat.media), and the
outcome is kept in the shared store under the dialogue's id, where any worker finds it when the
citizen confirms. WeChat's temporary media expire in a few days; tickets keep our own copies.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

from core.jobs import job
from core.state import state
from submit.fields import AttachmentIn
from wechat.api import WeChatAPIError
from wechat.media import MEDIA_UNAVAILABLE, StoredMedia, fetch_media

OUTCOME_TTL = 3 * 3600  # longer than any dialogue lives
POLL_SECONDS = 0.2


def _key(dialogue_id: str, media_id: str) -> str:
    return f"submit-photo:{dialogue_id}:{media_id}"


@job(retries=3, retry_delay=20, context=True)
def download_photo(dialogue_id: str, media_id: str, task=None) -> dict:
    """Job: fetch and store one photo; record the outcome (fetch_media's dict) for the dialogue.
    Transient API errors are retried; after the last attempt the photo is recorded as unavailable."""
    try:
        outcome = fetch_media.call_local(media_id)
    except WeChatAPIError as exc:  # fetch_media lets only transient errors through
        if task is not None and task.retries:
            raise
        outcome = {"ok": False, "media_id": media_id, "reason": "api_error", "message": MEDIA_UNAVAILABLE,
                   "errcode": exc.errcode}
    state.set(_key(dialogue_id, media_id), json.dumps(outcome, ensure_ascii=False), ttl=OUTCOME_TTL)
    return outcome


def start_download(dialogue_id: str, media_id: str) -> None:
    download_photo(dialogue_id, media_id)


@dataclass(frozen=True)
class Photos:
    ready: tuple[AttachmentIn, ...]
    failed: tuple[str, ...]  # what the citizen is told about each photo that could not be kept
    pending: int

    @property
    def summary(self) -> str:
        notes = []
        if self.failed:
            notes.append(f"{len(self.failed)}张未能保存")
        if self.pending:
            notes.append(f"{self.pending}张正在保存")
        return f"{len(self.ready) + self.pending}张" + (f"（{'，'.join(notes)}）" if notes else "")


def photos(dialogue_id: str, media_ids: list[str]) -> Photos:
    """Where the dialogue's photos stand now (the same picture sent twice is attached once)."""
    ready: dict[str, AttachmentIn] = {}
    failed, pending = [], 0
    for media_id in media_ids:
        raw = state.get(_key(dialogue_id, media_id))
        if raw is None:
            pending += 1
            continue
        outcome = json.loads(raw)
        if outcome.get("ok"):
            stored = StoredMedia(outcome["path"], outcome["sha256"], outcome["size"], outcome["content_type"])
            ready.setdefault(stored.sha256, AttachmentIn.from_stored(stored, media_id=media_id))
        else:
            failed.append(outcome.get("message") or MEDIA_UNAVAILABLE)
    return Photos(tuple(ready.values()), tuple(failed), pending)


def wait_for_photos(dialogue_id: str, media_ids: list[str], seconds: float) -> Photos:
    """photos(), waiting up to `seconds` for downloads still running."""
    deadline = time.monotonic() + seconds
    found = photos(dialogue_id, media_ids)
    while found.pending and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        found = photos(dialogue_id, media_ids)
    return found
