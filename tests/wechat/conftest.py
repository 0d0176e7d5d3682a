"""Fixtures of the WeChat tests."""
from __future__ import annotations

import pytest

from config import DEMO_SECRETS
from tests.support import build_app, dispose
from tests.wechat.fake_api import FakeWeChat

# --- outbound API: a fake WeChat API server and apps pointed at it ------------------------------------


@pytest.fixture
def fake_wechat():
    """A fake WeChat API over real HTTP, knowing the test apps' AppID and AppSecret (the demo secrets).
    .url, .calls / .calls_to(path), .fail_next(path, errcode, times=1), .delay(path, s), .media[id] = (bytes, type)."""
    fake = FakeWeChat(DEMO_SECRETS["WECHAT_APP_ID"], DEMO_SECRETS["WECHAT_APP_SECRET"]).start()
    yield fake
    fake.stop()


@pytest.fixture
def wechat_app(tmp_path, fake_wechat):
    """The app on SQLite with WECHAT_API_BASE pointing at the fake WeChat API."""
    app = build_app(tmp_path, WECHAT_API_BASE=fake_wechat.url)
    yield app
    dispose(app)


@pytest.fixture(params=["sqlite", "postgres+redis"])
def wechat_any_app(request, tmp_path, fake_wechat):
    """wechat_app on the embedded default and on PostgreSQL + Redis (where the shared store matters)."""
    config = {"WECHAT_API_BASE": fake_wechat.url}
    if request.param == "postgres+redis":
        config.update(DATABASE_URL=request.getfixturevalue("postgres_url"),
                      REDIS_URL=request.getfixturevalue("redis_url"))
    app = build_app(tmp_path, **config)
    yield app
    dispose(app)
