"""Application factory. `gunicorn app:app` serves the module-level `app`."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_migrate import Migrate
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from config import ROOT, load_settings

migrate = Migrate()
csrf = CSRFProtect()


def create_app(config: dict | None = None) -> Flask:
    settings = load_settings(config)
    app = Flask(__name__, instance_path=str(Path(settings["DATA_DIR"]).resolve()))
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", app.config["DATABASE_URL"]
                          or f"sqlite:///{Path(app.instance_path) / 'minsheng.sqlite'}")
    app.config.setdefault("MAX_CONTENT_LENGTH", 100 * 1024 * 1024)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from core import dates, db, errors, jobs, logs, ratelimit, sessions, state

    logs.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db.db, directory=str(ROOT / "migrations"), render_as_batch=True)
    state.init_app(app)
    ratelimit.init_app(app)
    sessions.init_app(app)
    jobs.init_app(app)
    csrf.init_app(app)
    errors.init_app(app)
    dates.init_app(app)
    _register_features(app)
    return app


def _register_features(app: Flask) -> None:
    import faq.models  # noqa: F401 - tables for create_all and Alembic
    import policies.models  # noqa: F401
    import stats.demo  # noqa: F401 - the demo history behind the figures
    import submit.demo  # noqa: F401 - ticket tables (submit.models) and the demo tickets
    import wechat
    from core import cli as core_cli
    from core import demo
    from core.health import bp as health_bp
    from faq import cli as faq_cli
    from faq.console import bp as faq_console_bp
    from h5 import markdown
    from h5.views import bp as h5_bp
    from h5.views import init_root
    from policies import cli as policies_cli
    from policies import views as policy_pages
    from query import web as query_web
    from reference import cli as reference_cli
    from staff import auth
    from staff import cli as staff_cli
    from staff.views import bp as staff_bp
    from stats import insight
    from stats.views import bp as stats_bp
    from submit import views as submit_views
    from submit.console import bp as tickets_console_bp
    from wechat import cli as wechat_cli

    auth.init_app(app)
    markdown.init_app(app)
    query_web.init_app(app)
    app.register_blueprint(policy_pages.bp)
    wechat.init_app(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(h5_bp)
    init_root(app)
    app.register_blueprint(staff_bp)
    app.register_blueprint(faq_console_bp)
    insight.init_app(app)
    app.register_blueprint(stats_bp)
    submit_views.init_app(app)
    app.register_blueprint(tickets_console_bp)
    for command in (demo.group, core_cli.jobs_group, reference_cli.group, staff_cli.group, faq_cli.group,
                    policies_cli.group, wechat_cli.group):
        app.cli.add_command(command)


def __getattr__(name: str):
    """`app` is built on first access (gunicorn app:app, flask --app app), not on import."""
    if name != "app":
        raise AttributeError(name)
    global app
    app = create_app()
    return app
