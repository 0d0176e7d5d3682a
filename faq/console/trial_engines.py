"""The two engines 试问 compares: this process's draft index (faq.draft_index) and the live one."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.orm import Session

from core.db import db
from faq.draft_index import READY, UPDATING, WARMING, DraftEngine, DraftIndex
from faq.index import current_index_version
from faq.trial_report import TrialSide, describe
from query.encoder import DiskCache
from query.engine import Engine
from query.options import EngineConfig
from query.web.answers import KnowledgeBase, knowledge_base

EXTENSION = "faq_draft_index"
WAIT_SECONDS = 3.0  # how long a request waits for a rebuild the latest edits started


@contextmanager
def _app_session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session


def new_draft_index(app: Flask, config: EngineConfig | None = None, encoder=None) -> DraftIndex:
    """A draft index reading `app`'s database, sharing the live index's vector cache."""
    return DraftIndex(lambda: _app_session(app), config=config, encoder=encoder,
                      cache=DiskCache(Path(app.instance_path) / "vectors"))


def draft_index() -> DraftIndex:
    """This process's draft index (app.extensions[EXTENSION]), built on first use."""
    app = current_app._get_current_object()
    index = app.extensions.get(EXTENSION)
    if index is None:
        index = app.extensions.setdefault(EXTENSION, new_draft_index(app))
    return index


@dataclass(frozen=True)
class Trial:
    question: str
    draft: TrialSide
    live: TrialSide
    draft_status: str  # faq.draft_index READY / WARMING / UPDATING
    live_status: str  # READY, WARMING, or UPDATING: built from an older knowledge-base version (rebuild due)


def run_trial(question: str) -> Trial:
    """Ask both engines; each side's candidates carry their rank on the other side."""
    draft: DraftEngine = draft_index().current(WAIT_SECONDS)
    draft_result = draft.engine.search(question)
    kb = knowledge_base()
    live_answer = kb.ask(question)
    live_engine = kb.live.engine
    session = db.session
    return Trial(
        question=question,
        draft=describe(session, draft_result, draft.engine.config, entries=draft.entries,
                       other=live_answer.result),
        live=describe(session, live_answer.result, live_engine.config, entries=len(live_engine),
                      other=draft_result, outcome=live_answer.outcome),
        draft_status=draft.status,
        live_status=_live_status(kb, live_engine, session))


def _live_status(kb: KnowledgeBase, engine: Engine, session: Session) -> str:
    if kb.live.building and not engine.config.use_encoder:
        return WARMING  # the lexical first build answers while the full one runs
    return READY if kb.live.version == current_index_version(session) else UPDATING
