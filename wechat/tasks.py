"""Background jobs of the channel."""
from core.jobs import job
from wechat.replies import NewsReply, TextReply, reply_from_dict


@job(retries=3, retry_delay=10)
def deliver_reply(openid: str, reply: dict) -> None:
    """Send a reply that missed the passive-reply budget through the 客服 API."""
    from wechat.api import wechat_api

    message = reply_from_dict(reply)
    if isinstance(message, TextReply):
        wechat_api().send_text(openid, message.text)
    elif isinstance(message, NewsReply):
        wechat_api().send_news(openid, message.title, message.description, message.url, message.picurl)
