"""Flask-Login wiring."""
from __future__ import annotations

from flask_login import LoginManager

from core.db import db
from staff.access import has_role
from staff.models import StaffUser

login_manager = LoginManager()
login_manager.login_view = "staff.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    if not user_id.isdigit():
        return None
    return db.session.get(StaffUser, int(user_id))


def init_app(app) -> None:
    login_manager.init_app(app)
    app.jinja_env.globals["has_role"] = has_role
