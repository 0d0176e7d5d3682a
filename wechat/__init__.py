"""The WeChat protocol adapter: webhook, outbound API, H5 identity. Knows nothing of FAQs or tickets."""


def init_app(app) -> None:
    from wechat import (
        identity,
        tasks,  # noqa: F401 - registers deliver_reply with the job queue for the consumer
    )
    from wechat.routes import build_router
    from wechat.webhook import Webhook
    from wechat.wsgi import WebhookMiddleware

    webhook = app.extensions["wechat_webhook"] = Webhook(app, build_router())
    app.wsgi_app = WebhookMiddleware(app, webhook)  # /wechat, authenticated by WeChat's signature
    app.register_blueprint(identity.bp)
