"""Fixtures of the chat tests of 微受理 (test modules load them with pytest_plugins): apps with the
reference data and their WeChat API pointed at the fake server (tests/wechat/conftest.py)."""
from __future__ import annotations

import pytest

from tests.query.web.conftest import kb_app  # noqa: F401 - the demo data with the knowledge base built
from tests.submit.chat_support import seeded
from tests.wechat.conftest import fake_wechat, wechat_any_app, wechat_app  # noqa: F401 - fixtures


@pytest.fixture
def chat_app(wechat_app):  # noqa: F811 - the fixture imported above
    """SQLite app with the reference data, its WeChat API pointed at the fake server."""
    return seeded(wechat_app)


@pytest.fixture
def chat_any_app(wechat_any_app):  # noqa: F811
    """The same on SQLite and on PostgreSQL + Redis."""
    return seeded(wechat_any_app)
