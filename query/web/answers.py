"""Asking the knowledge base: one LiveIndex per process over the served entries, rebuilt in the
background within seconds of any publish (faq.index.current_index_version), never blocking answers."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from core.dates import china_today
from core.db import db
from faq.index import ServedEntry, current_index_version, served_entries
from query.encoder import DiskCache
from query.live import LiveIndex
from query.options import EngineConfig
from query.results import NONE, SearchResult

log = logging.getLogger(__name__)
KEEP_VERSIONS = 3  # display data kept for engines that may still be answering


@dataclass(frozen=True)
class Answer:
    outcome: str  # answer / choices / none
    entries: list[ServedEntry]  # what to show: [the answer] or the choices
    result: SearchResult  # scores and matched variants, for the editors' tools


class KnowledgeBase:
    def __init__(self, app: Flask):
        self.app = app
        self._display: dict[str, dict[int, ServedEntry]] = {}
        cache = DiskCache(Path(app.instance_path) / "vectors")
        self.live = LiveIndex(self._version, self._load, cache=cache)

    def _version(self) -> str:
        with self.app.app_context():
            return current_index_version(db.session)

    def _load(self):
        with self.app.app_context():
            served = served_entries(db.session, china_today())
        self._display[served.version] = served.display
        for stale in list(self._display)[:-KEEP_VERSIONS]:
            del self._display[stale]
        return served.entries, EngineConfig(synonyms=served.synonyms, user_words=served.dictionary)

    def ask(self, question: str) -> Answer:
        engine = self.live.engine
        result = engine.search(question)
        display = self._display.get(self.live.version) or {}
        entries = [display[hit.entry_id] for hit in result.shown if hit.entry_id in display]
        return Answer(result.outcome if entries else NONE, entries, result)

    def _served(self) -> dict[int, ServedEntry]:
        self.live.engine  # noqa: B018 - starts a refresh when one is due
        return self._display.get(self.live.version) or {}

    def suggest(self, question: str, limit: int = 5) -> list[ServedEntry]:
        """The best few entries for a question being typed, whatever the outcome."""
        hits = self.live.engine.search(question, limit=limit).hits
        served = self._served()
        return [served[hit.entry_id] for hit in hits if hit.entry_id in served]

    def entry(self, entry_id: int) -> ServedEntry | None:
        return self._served().get(entry_id)

    def latest(self, count: int) -> list[ServedEntry]:
        """The most recently published entries (what editors are pushing this season)."""
        return sorted(self._served().values(), key=lambda entry: entry.published_at, reverse=True)[:count]

    def in_category(self, code_prefix: str) -> list[ServedEntry]:
        entries = [e for e in self._served().values() if (e.category_code or "").startswith(code_prefix)]
        return sorted(entries, key=lambda entry: entry.question)


def knowledge_base() -> KnowledgeBase:
    """This process's knowledge base, built on first use (or by the gunicorn master: deploy/gunicorn.conf.py)."""
    app = current_app._get_current_object()
    kb = app.extensions.get("knowledge_base")
    if kb is None:
        kb = app.extensions.setdefault("knowledge_base", KnowledgeBase(app))
    return kb


def warm_up(app: Flask, timeout: float = 300) -> None:
    """Build the full engine now: the gunicorn master calls this before forking, so workers start with
    it (shared copy-on-write, the sentence encoder loaded once) and the first question is not slow."""
    with app.app_context():
        kb = knowledge_base()
        kb.live.engine  # noqa: B018 - starts the full build after the lexical first step
        if not kb.live.wait(timeout):
            log.warning("knowledge base still building after %.0f s; workers will finish it", timeout)
