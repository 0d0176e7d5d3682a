"""The channel's own handlers: follow, unfollow, help, menu clicks, location, voice, images, default text."""
from __future__ import annotations

from sqlalchemy import select

from core.db import db, utcnow
from core.state import state
from wechat import messages
from wechat.inbound import Inbound
from wechat.models import Follower
from wechat.replies import NO_REPLY, Reply, TextReply
from wechat.router import Context

LOCATION_TTL = 30 * 60


def _record_follow(inbound: Inbound, subscribed: bool) -> None:
    follower = db.session.scalar(select(Follower).where(Follower.openid == inbound.openid).with_for_update())
    if follower is None:
        follower = Follower(openid=inbound.openid, subscribed=subscribed, first_scene=inbound.qr_scene)
        db.session.add(follower)
    follower.subscribed = subscribed
    if subscribed:
        follower.followed_at = utcnow()
        follower.last_scene = inbound.qr_scene or follower.last_scene
        follower.first_scene = follower.first_scene or inbound.qr_scene
    else:
        follower.unfollowed_at = utcnow()
    db.session.commit()


def follow(inbound: Inbound, context: Context) -> Reply:
    _record_follow(inbound, subscribed=True)
    return TextReply(messages.WELCOME.format(city=context.city_name))


def scan(inbound: Inbound, context: Context) -> Reply:
    """An existing follower scanned a parametric QR code."""
    _record_follow(inbound, subscribed=True)
    return TextReply(messages.WELCOME_BACK)


def unfollow(inbound: Inbound, context: Context) -> Reply:
    _record_follow(inbound, subscribed=False)
    return NO_REPLY


def show_help(inbound: Inbound, context: Context) -> Reply:
    return TextReply(messages.HELP)


def not_open(feature: str):
    def handle(inbound: Inbound, context: Context) -> Reply:
        return TextReply(messages.NOT_OPEN.format(feature=feature))

    return handle


def location(inbound: Inbound, context: Context) -> Reply:
    """Keep the citizen's last location a while, for a submission that asks where."""
    if inbound.latitude is None or inbound.longitude is None:
        return TextReply(messages.UNSUPPORTED)
    state.set(f"location:{inbound.openid}", f"{inbound.latitude},{inbound.longitude},{inbound.label or ''}",
              ttl=LOCATION_TTL)
    if inbound.event == "location":  # the periodic automatic report: remember quietly
        return NO_REPLY
    if inbound.label:
        return TextReply(messages.LOCATION_RECEIVED.format(label=inbound.label))
    return TextReply(messages.LOCATION_NO_LABEL)


def voice_not_recognised(inbound: Inbound, context: Context) -> Reply:
    return TextReply(messages.VOICE_NOT_RECOGNISED)


def image(inbound: Inbound, context: Context) -> Reply:
    return TextReply(messages.IMAGE_RECEIVED)


def unsupported(inbound: Inbound, context: Context) -> Reply:
    return TextReply(messages.UNSUPPORTED)


def silent(inbound: Inbound, context: Context) -> Reply:
    return NO_REPLY
