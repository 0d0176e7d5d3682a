"""Role checks for console views: who may open which part of the console."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str):
    """A view for signed-in staff with one of `roles` (an admin may open every page); others get 403."""
    def decorator(view):
        @wraps(view)
        @login_required
        def checked(*args, **kwargs):
            if current_user.role != "admin" and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return checked
    return decorator


def has_role(*roles: str) -> bool:
    """For templates: whether the signed-in user may open pages for `roles`."""
    return current_user.is_authenticated and (current_user.role == "admin" or current_user.role in roles)
