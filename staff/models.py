"""Staff accounts."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Timestamp, utcnow
from reference.models import Department

# role -> what the console calls it
ROLES = {
    "admin": "管理员",
    "editor": "内容编辑",
    "agent": "话务员",
    "supervisor": "值班长",
    "handler": "承办单位",
    "analyst": "分析员",
}


class StaffUser(UserMixin, Base):
    __tablename__ = "staff_user"
    __table_args__ = (
        CheckConstraint(f"role IN {tuple(ROLES)!r}", name="role"),
        CheckConstraint("role != 'handler' OR department_id IS NOT NULL", name="handler_department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    # A handler works for one department and sees only its tickets.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(Timestamp())

    department: Mapped[Department | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def role_name(self) -> str:
        return ROLES[self.role]
