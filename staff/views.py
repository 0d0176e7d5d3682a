"""Staff login, logout, the console home and the reference data pages."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from core.db import db
from core.ratelimit import client_address, rate_limited
from core.redirects import safe_next
from core.sessions import renew_session_id
from reference.models import Category, Department, RequestType
from staff.forms import LoginForm
from staff.service import authenticate

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")


def login_username() -> str:
    return request.form.get("username", "").strip().lower()[:64]


@bp.route("/login", methods=["GET", "POST"])
@rate_limited("LOGIN_RATE_LIMIT", client_address, login_username)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, form.username.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user)
            renew_session_id()
            return redirect(safe_next(request.args.get("next"), default=url_for("staff.home")))
        form.password.errors.append("用户名或密码不正确")
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("您已退出登录", "info")
    return redirect(url_for("staff.login"))


@bp.get("/")
@login_required
def home():
    return render_template("staff/home.html")


@bp.get("/reference")
@login_required
def reference():
    roots = db.session.scalars(select(Category).where(Category.parent_id.is_(None)).order_by(Category.sort)).all()
    departments = db.session.scalars(
        select(Department).where(Department.parent_id.is_(None)).order_by(Department.sort)
    ).all()
    types = db.session.scalars(select(RequestType).order_by(RequestType.sort)).all()
    return render_template("staff/reference.html", categories=roots, departments=departments, types=types)
