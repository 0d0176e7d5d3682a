from tests.faq.conftest import kb_app, session  # noqa: F401 - the same fixtures serve policy tests
