"""The WeChat protocol adapter: webhook, outbound API, H5 identity. Knows nothing of FAQs or tickets."""


def init_app(app, csrf) -> None:
    from wechat import identity, views
    from wechat.routes import build_router
    from wechat.webhook import Webhook

    app.extensions["wechat_webhook"] = Webhook(app, build_router())
    csrf.exempt(views.bp)  # authenticated by WeChat's signature instead
    app.register_blueprint(views.bp)
    app.register_blueprint(identity.bp)
