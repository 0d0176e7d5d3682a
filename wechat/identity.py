"""H5 identity inside WeChat: OAuth snsapi_base, the openid in the server session, dev login.

Routes (prefix /wechat/h5):
  GET  /login            start identifying the citizen (?next=/path on this site)
  GET  /oauth/callback   WeChat sends the citizen back here with ?code&state
  GET  /dev-login        pick a demo citizen (demo or test mode only; 404 otherwise)
  POST /dev-login
  GET  /me               example protected page
  POST /logout           forget the openid
  GET  /jssdk-config     wx.config() parameters for a page of ours (?url=...)
"""
from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Regexp

from core.privacy import mask_openid
from wechat import oauth
from wechat.api import WeChatAPIError, wechat_api
from wechat.jssdk import jssdk_config
from wechat.oauth import current_openid, require_openid

log = logging.getLogger(__name__)

bp = Blueprint("wechat_identity", __name__, url_prefix="/wechat/h5", template_folder="templates")

DEMO_CITIZENS = [
    ("o-demo-citizen-1", "市民甲"),
    ("o-demo-citizen-2", "市民乙"),
    ("o-demo-citizen-3", "市民丙"),
]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class DevLoginForm(FlaskForm):
    openid = StringField("openid", filters=[_strip], validators=[
        DataRequired("请输入 openid"),
        Regexp(oauth.OPENID_RE, message="openid 格式不正确：须为 6–64 位字母、数字、下划线或短横线"),
    ])


@bp.get("/login")
def login():
    next_path = oauth.safe_next(request.args.get("next"))
    if current_openid() is not None:
        return redirect(next_path)
    return oauth.begin_sign_in(next_path)


@bp.get("/oauth/callback")
def oauth_callback():
    code = request.args.get("code", "")
    next_path = oauth.consume_state(request.args.get("state", ""))
    if next_path is None:
        log.warning("oauth callback refused: unknown, expired or used state")
        return oauth.render_message(400, "链接已失效", "身份验证链接已过期或无效，请返回重新打开页面。",
                                    action_url=url_for(".login"))
    retry_url = url_for(".login", next=next_path)
    if not oauth.CODE_RE.match(code):
        log.warning("oauth callback refused: missing or malformed code")
        return oauth.render_message(400, "未获得微信授权", "未能获得您的微信授权，请重新进入。",
                                    action_url=retry_url)
    if not oauth.claim_code(code):
        log.warning("oauth callback refused: code already used")
        return oauth.render_message(400, "链接已使用", "该授权链接已使用过，请重新进入。", action_url=retry_url)
    try:
        result = oauth.exchange_code(code)
    except oauth.OAuthError as error:
        if error.reason == "errcode":
            desc = f"微信身份验证未通过（错误码 {error.errcode}），请重新进入。"
        else:
            desc = "暂时无法连接微信完成身份验证，请稍后重新进入。"
        return oauth.render_message(error.status, "身份验证失败", desc, action_url=retry_url)
    if str(result.get("is_snapshotuser", "0")) == "1":
        log.info("oauth callback refused: snapshot-page virtual user")
        return oauth.render_message(
            403, "请在微信中打开完整页面",
            "您当前浏览的是快照页面，无法识别身份。请点击页面下方的「使用完整服务」，或在微信中重新打开本页面。",
            action_url=retry_url)
    oauth.sign_in(result["openid"])
    log.info("citizen identified through oauth: %s", mask_openid(result["openid"]))
    return redirect(next_path)


@bp.route("/dev-login", methods=["GET", "POST"])
def dev_login():
    if not oauth.dev_login_allowed():
        abort(404)
    next_path = oauth.safe_next(request.args.get("next"))
    form = DevLoginForm()
    if form.validate_on_submit():
        oauth.sign_in(form.openid.data)
        log.info("citizen identified through dev login: %s", mask_openid(form.openid.data))
        return redirect(next_path)
    current = current_openid()
    return render_template("wechat/dev_login.html", form=form, citizens=DEMO_CITIZENS, next_path=next_path,
                           current=mask_openid(current) if current else None)


@bp.get("/me")
@require_openid
def me():
    return render_template("wechat/me.html", masked_openid=mask_openid(current_openid()))


@bp.post("/logout")
def logout():
    oauth.sign_out()
    return oauth.render_message(200, "您已退出", "已清除本浏览器中的微信身份信息。", icon="success",
                                action_url="/", action_label="返回首页")


@bp.get("/jssdk-config")
def jssdk_config_for_page():
    """wx.config() parameters for one of our pages: ?url=<the page's address without #...>."""
    page_url = request.args.get("url", "")
    if not page_url.startswith(current_app.config["PUBLIC_URL"].rstrip("/") + "/"):
        return {"error": "bad_url", "message": "只能为本站页面签名"}, 400
    try:
        return jssdk_config(page_url, wechat_api().jsapi_ticket, app_id=current_app.config["WECHAT_APP_ID"])
    except WeChatAPIError as exc:
        log.warning("jsapi_ticket unavailable: %s", exc.errcode)
        return {"error": "unavailable", "message": "微信接口暂时不可用，请稍后再试"}, 503
