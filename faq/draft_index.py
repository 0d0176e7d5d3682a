"""The draft index: what the engine would answer if every working copy were published now.

Editors try a question against it before publishing (the console's 试问). It holds the working copy
of every entry not archived (faq.index.draft_index_entries) with the current synonyms and
dictionary, in a query.live.LiveIndex of its own, one per process: built once, rebuilt in the
background only when the fingerprint of the draft state changes, the old engine answering meanwhile
(and, when the configuration uses the sentence encoder, the first build is lexical only while the
full one follows).

The fingerprint must see every edit, including a similar question reworded in place, which leaves
the entry row (and its updated_at) untouched; it is a hash of a few aggregates and of every similar
question's text, read by two aggregate queries (≈ 10 ms at 10k entries and 40k similar questions
on SQLite) instead of loading the entries.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faq.index import dictionary_words, draft_index_entries, index_counter, synonym_groups
from faq.models import DictionaryWord, FaqEntry, FaqQuestion, SynonymGroup
from query.engine import Engine
from query.live import LiveIndex
from query.options import EngineConfig

READY, WARMING, UPDATING = "ready", "warming", "updating"
SEPARATOR = "\x1f"  # between texts in the aggregated string: never typed in a question


def draft_fingerprint(session: Session) -> str:
    """A string that changes whenever the draft index would change."""
    entries = session.execute(
        select(func.count(), func.max(FaqEntry.updated_at), func.sum(FaqEntry.id))
        .where(FaqEntry.status != "archived")).one()
    questions = session.execute(select(
        func.count(), func.sum(FaqQuestion.entry_id),
        func.aggregate_strings(FaqQuestion.text, SEPARATOR))).one()  # edited in place: only the text changes
    words = session.execute(select(func.count(), func.max(SynonymGroup.updated_at))).one()
    dictionary = session.execute(select(func.count(), func.max(DictionaryWord.updated_at))).one()
    state = repr((index_counter(session), tuple(entries), tuple(questions), tuple(words), tuple(dictionary)))
    return hashlib.blake2b(state.encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class DraftEngine:
    engine: Engine
    status: str  # READY, WARMING (the full build is still running: lexical scores only) or UPDATING
    entries: int


class DraftIndex:
    """One per process. `open_session()` gives a session in a context (the caller brings Flask's)."""

    def __init__(self, open_session: Callable[[], AbstractContextManager[Session]], *,
                 config: EngineConfig | None = None, cache=None, encoder=None):
        self._open_session = open_session
        self.config = config or EngineConfig()  # synonyms and dictionary are filled from the database
        # checked on every use (check_every=0): an editor's edit must show on the next try; a check is
        # the two aggregate queries of draft_fingerprint, in a background thread
        self.live = LiveIndex(self._fingerprint, self._load, cache=cache, encoder=encoder, check_every=0.0)

    def _fingerprint(self) -> str:
        with self._open_session() as session:
            return draft_fingerprint(session)

    def _load(self):
        with self._open_session() as session:
            entries = draft_index_entries(session)
            config = replace(self.config, synonyms=synonym_groups(session), user_words=dictionary_words(session))
        return entries, config

    def current(self, wait: float = 3.0) -> DraftEngine:
        """The engine to try a question with: waits up to `wait` seconds for a rebuild the latest edits
        started (a few hundred entries rebuild well within that), else answers from the one it has."""
        engine = self.live.engine  # starts the check (and the rebuild, if anything changed)
        settled = self.live.wait(wait)
        if settled:
            engine = self.live.engine
        status = READY if settled and self.live.version == self._fingerprint() else UPDATING
        if self.config.use_encoder and not engine.config.use_encoder:
            status = WARMING
        return DraftEngine(engine, status, len(engine))
