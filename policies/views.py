"""Policy pages for citizens (H5): the document, its number and dates, and whether it is still in force."""
from flask import Blueprint, abort, render_template

from core.dates import china_today
from core.db import db
from policies.service import PolicyNotFound, get_policy, list_policies

bp = Blueprint("policies", __name__, url_prefix="/h5/policies", template_folder="templates")


@bp.get("/")
def index():
    return render_template("policies/list.html", policies=list_policies(db.session), today=china_today())


@bp.get("/<slug>")
def page(slug: str):
    try:
        policy = get_policy(db.session, slug)
    except PolicyNotFound:
        abort(404)
    return render_template("policies/page.html", policy=policy, expired=policy.is_expired(china_today()),
                           not_yet=policy.effective_on > china_today())
