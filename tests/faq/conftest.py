"""Knowledge-base fixtures: apps with the reference data loaded, and row factories."""
from __future__ import annotations

from datetime import date

import pytest

import faq.models  # noqa: F401 - the tables must be in the metadata before build_app's create_all
import policies.models  # noqa: F401
from core.db import db
from faq import cli as faq_cli
from faq.service import create_entry, publish
from policies import cli as policies_cli
from policies.service import upsert_policy, validate_policy
from reference.seed import load_seed

HEATING = "010101"  # 城乡建设 → 供热 → 暖气不热 (a leaf; its default unit is RLJT)


def _prepare(app):
    for group in (faq_cli.group, policies_cli.group):
        app.cli.add_command(group)  # until app.py registers them
    with app.app_context():
        load_seed(db.session)
        db.session.commit()
    return app


@pytest.fixture
def kb_app(app):
    """SQLite app with departments, request types and categories loaded."""
    return _prepare(app)


@pytest.fixture
def kb_any_app(any_app):
    """The same on SQLite and on PostgreSQL + Redis."""
    return _prepare(any_app)


@pytest.fixture
def session(kb_app):
    with kb_app.app_context():
        yield db.session


@pytest.fixture
def any_session(kb_any_app):
    with kb_any_app.app_context():
        yield db.session


def entry_fields(**overrides) -> dict:
    fields = {
        "key": "heating-cold",
        "question": "暖气不热怎么办",
        "similar": ["暖气片不热咋整", "家里暖气温度低找谁"],
        "keywords": ["暖气", "不热"],
        "answer": "室温低于 18℃ 可拨打供热企业热线报修，24 小时内上门。",
        "answer_long": "## 报修\n\n1. 拨打供热企业热线\n2. 记录室温\n",
        "category": HEATING,
    }
    fields.update(overrides)
    return fields


def make_policy(session, slug: str = "heating-rules", *, effective: date = date(2024, 1, 1),
                expires: date | None = None, status: str = "active", title: str = "供热条例"):
    values, problems = validate_policy({"slug": slug, "title": title, "doc_number": "并政发〔2024〕1号",
                                        "issuer": "太原市人民政府", "published": effective, "effective": effective,
                                        "expires": expires, "status": status, "body": "正文"})
    assert not problems, problems
    policy, _outcome = upsert_policy(session, values)
    session.flush()
    return policy


def published_entry(session, **overrides):
    entry = create_entry(session, entry_fields(**overrides))
    publish(session, entry.id)
    return entry
