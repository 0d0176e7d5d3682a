"""H5 home: what citizens can do here, and the care-mode switch."""
from flask import Blueprint, redirect, render_template, session, url_for

bp = Blueprint("h5", __name__, url_prefix="/h5", template_folder="templates")

# (title, description, endpoint or None while the feature is not open)
SERVICES = [
    ("微查询", "政策、办事问题，输入即答", "query.search"),
    ("政策文件", "与市民生活相关的政策原文", "policies.index"),
    ("微受理", "投诉、求助、建议，在线提交工单", "submit.form"),
    ("我的工单", "查看办理进度，评价办理结果", "tickets.index"),
]


@bp.get("/")
def home():
    return render_template("h5/home.html", services=SERVICES)


@bp.post("/care-mode")
def toggle_care_mode():
    session["care_mode"] = not session.get("care_mode", False)
    return redirect(url_for("h5.home"))


def init_root(app) -> None:
    app.add_url_rule("/", "root", lambda: redirect(url_for("h5.home")))
