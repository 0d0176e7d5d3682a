"""Creating staff accounts, setting passwords, checking logins."""
from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from core.db import utcnow
from reference.models import Department
from staff.models import ROLES, StaffUser

MIN_PASSWORD_LENGTH = 8
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
# Checked when the username is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("minsheng-timing-equaliser")


class StaffError(ValueError):
    """A staff account could not be created or changed; the message says why (Chinese)."""


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"密码至少 {MIN_PASSWORD_LENGTH} 位")


def find_staff(session: Session, username: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(func.lower(StaffUser.username) == username.strip().lower()))


def create_staff(session: Session, username: str, password: str, role: str, display_name: str = "",
                 department_code: str | None = None) -> StaffUser:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise StaffError("用户名须为 3–64 位小写字母、数字或 . _ -")
    if role not in ROLES:
        raise StaffError(f"角色须为以下之一：{', '.join(ROLES)}")
    if find_staff(session, username) is not None:
        raise StaffError(f"用户名 {username} 已存在")
    _check_password(password)
    department = None
    if department_code:
        department = session.scalar(select(Department).where(Department.code == department_code))
        if department is None:
            raise StaffError(f"找不到单位代码 {department_code}")
    if role == "handler" and department is None:
        raise StaffError("承办单位账号必须指定所属单位")
    user = StaffUser(username=username, display_name=display_name or username, role=role,
                     department=department, password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> StaffUser:
    user = find_staff(session, username)
    if user is None:
        raise StaffError(f"找不到用户 {username}")
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    return user


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    """The active account these credentials open, or None (same cost whether or not it exists)."""
    user = find_staff(session, username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user
