"""Departments, request types, the coded category tree and the holiday calendar's overrides."""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base

DEPARTMENT_KINDS = ("bureau", "enterprise", "district", "street")


class Department(Base):
    """A responsible unit (承办单位): a city bureau, a utility, a district or a street office."""

    __tablename__ = "department"
    __table_args__ = (
        CheckConstraint(f"kind IN {DEPARTMENT_KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    sort: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    parent: Mapped[Department | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Department]] = relationship(back_populates="parent", order_by="Department.sort")


class RequestType(Base):
    """诉求类型 with its time limit in working days (configuration, editable)."""

    __tablename__ = "request_type"
    __table_args__ = (CheckConstraint("time_limit_days >= 0", name="time_limit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(20))
    time_limit_days: Mapped[int] = mapped_column(Integer)
    needs_location: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    sort: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Category(Base):
    """A node of the coded category tree (e.g. 01 城乡建设 → 0101 供热 → 010101 暖气不热)."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    # Default responsible unit for tickets in this category (leaves carry one).
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    sort: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(back_populates="parent", order_by="Category.sort")
    department: Mapped[Department | None] = relationship()

    @property
    def path(self) -> list[Category]:
        node, chain = self, []
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def path_name(self) -> str:
        return " → ".join(node.name for node in self.path)


class CalendarDay(Base):
    """A day whose status staff set, overriding the chinese-calendar package (reference.workdays):
    the next year's holidays and make-up workdays (调休) once the State Council publishes them."""

    __tablename__ = "calendar_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(50), default="", server_default="")
