import pytest

from query.web.answers import knowledge_base
from tests.support import build_app, dispose


@pytest.fixture(scope="module")
def kb_app(tmp_path_factory):
    """The app with the demo knowledge base loaded and its engine fully built (encoder included)."""
    app = build_app(tmp_path_factory.mktemp("kb"), DEMO=True)
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        kb = knowledge_base()
        kb.live.engine  # noqa: B018 - starts the full build
        assert kb.live.wait(timeout=120)
    yield app
    dispose(app)


@pytest.fixture
def served(kb_app):
    """entry key → ServedEntry of the demo knowledge base."""
    with kb_app.app_context():
        kb = knowledge_base()
        return {entry.key: entry for entry in kb._served().values()}
