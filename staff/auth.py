"""Flask-Login wiring and the role check used by every console view."""
from __future__ import annotations

import functools

from flask import abort
from flask_login import LoginManager, current_user, login_required

from core.db import db
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


def roles_required(*roles: str):
    """Let in logged-in staff whose role is one of `roles` (admin always); others get 403."""

    def decorate(view):
        @functools.wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if current_user.role not in roles and current_user.role != "admin":
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def init_app(app) -> None:
    login_manager.init_app(app)
