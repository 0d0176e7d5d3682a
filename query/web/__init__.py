"""微查询 on the channels: the engine bound to the served knowledge base, the WeChat chat handler,
the H5 pages. (The engine itself, query/*.py, stays pure Python: tests/query/test_purity.py.)"""


def init_app(app) -> None:
    from query.web import views

    app.register_blueprint(views.bp)
