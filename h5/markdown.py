"""Markdown for citizens' pages (FAQ answers, policy bodies): raw HTML escaped, unsafe links dropped."""
import mistune
from markupsafe import Markup

_render = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])


def markdown(text: str | None) -> Markup:
    return Markup(_render(text or ""))  # noqa: S704 - mistune escaped every raw HTML fragment


def init_app(app) -> None:
    app.add_template_filter(markdown, "markdown")
