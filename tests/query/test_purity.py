"""The engine is pure Python: no Flask, no SQLAlchemy, no database, no other package of the app.

The engine is every module directly in query/; query/web/ is its Flask adapter (chat handler and H5
pages), which may import the engine but never the other way round.
"""
import ast
import pathlib
import subprocess
import sys

QUERY = pathlib.Path(__file__).resolve().parents[2] / "query"
FORBIDDEN = ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "core", "faq", "policies", "wechat", "app",
             "config", "query.web")


def test_no_forbidden_import_in_the_source():
    for path in QUERY.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
                assert not name.startswith("query.web"), f"{path.name} imports {name}"


def test_importing_every_module_loads_no_flask_or_sqlalchemy():
    modules = [f"query.{path.stem}" for path in QUERY.glob("*.py") if path.stem != "__init__"]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=QUERY.parent, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
