"""H5 identity inside WeChat: OAuth snsapi_base, the openid in the server session, dev login."""
from flask import Blueprint

bp = Blueprint("wechat_identity", __name__, url_prefix="/wechat/h5", template_folder="templates")
