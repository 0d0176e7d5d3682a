"""Who follows the official account (recorded on follow and unfollow)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, Timestamp


class Follower(Base):
    __tablename__ = "wechat_follower"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    subscribed: Mapped[bool] = mapped_column(Boolean)
    # Scene of the parametric QR code the citizen first followed through (e.g. a street office poster).
    first_scene: Mapped[str | None] = mapped_column(String(64))
    last_scene: Mapped[str | None] = mapped_column(String(64))
    followed_at: Mapped[datetime | None] = mapped_column(Timestamp())
    unfollowed_at: Mapped[datetime | None] = mapped_column(Timestamp())
