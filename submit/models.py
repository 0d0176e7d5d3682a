"""Tickets (工单), their append-only history and attachments, and the daily number sequences.

A Ticket row is the current state, derived from its events: every change to a ticket is written
as a TicketEvent in the same transaction (who, role, from → to, why, public or internal), and
events are never changed or deleted. Status codes come from submit/workflow.yaml (configuration),
so the database does not constrain them; the service checks them.

`revision` is SQLAlchemy's version counter: an UPDATE of a ticket that another transaction changed
since it was read fails with StaleDataError (two agents acting at once: one wins).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Timestamp, utcnow
from reference.models import Category, Department, RequestType
from staff.models import StaffUser

CHANNELS = ("wechat", "h5", "phone", "open311", "proactive")  # proactive: 主动治理, the hotline starts it
ACTOR_KINDS = ("citizen", "staff", "system")
ATTACHMENT_KINDS = ("image",)
# 回访: the codes of 是否解决 and 满意度 (their Chinese words are in submit.followup).
RATING_SOURCES = ("wechat", "h5", "phone")
RATING_SOLVED = ("solved", "partly", "unsolved")
RATING_SATISFACTION = ("very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied")
NOTIFICATION_STATUSES = ("queued", "sent", "failed")


class Ticket(Base):
    __tablename__ = "ticket"
    __table_args__ = (
        CheckConstraint(f"channel IN {CHANNELS!r}", name="channel"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates"),
        # 我的工单: a citizen's tickets, newest first.
        Index("ix_ticket_citizen_received", "citizen_openid", "received_at"),
        # queues and overdue lists: status tabs ordered by deadline; a department's tickets by status.
        Index("ix_ticket_status_deadline", "status", "deadline_at"),
        Index("ix_ticket_department_status", "department_id", "status"),
        Index("ix_ticket_received_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)  # 工单编号, e.g. TY20261128000123
    request_type_id: Mapped[int] = mapped_column(ForeignKey("request_type.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)  # a leaf
    title: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)  # the citizen's words, kept whole
    address: Mapped[str] = mapped_column(String(200), default="", server_default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_label: Mapped[str] = mapped_column(String(200), default="", server_default="")
    citizen_openid: Mapped[str | None] = mapped_column(String(64))  # None: phone channel
    citizen_name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20))  # national digits: 13812345678, 03511234567
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # 保密
    channel: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))  # 主办
    status: Mapped[str] = mapped_column(String(24))  # a state code of submit/workflow.yaml
    received_at: Mapped[datetime] = mapped_column(Timestamp())
    deadline_at: Mapped[datetime] = mapped_column(Timestamp())
    closed_at: Mapped[datetime | None] = mapped_column(Timestamp())
    # A retried submission (same key) returns the first ticket instead of making a second one.
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # staff, for a caller
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Workflow (submit.workflow). round: 1, plus one per 重办; a rating belongs to one round.
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    dispatched_at: Mapped[datetime | None] = mapped_column(Timestamp())  # the last 派单 (退单 limit)
    # The deadline clock stops while a 退单 or 延期 request waits for the hotline; None when running.
    paused_at: Mapped[datetime | None] = mapped_column(Timestamp())
    extension_days: Mapped[int | None] = mapped_column(Integer)  # a pending 延期 request's working days
    chased_at: Mapped[datetime | None] = mapped_column(Timestamp())  # 催办/督办 flag, cleared by the reply
    chase_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))  # 合并: the surviving ticket
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": revision}

    request_type: Mapped[RequestType] = relationship()
    category: Mapped[Category] = relationship()
    department: Mapped[Department | None] = relationship()
    co_departments: Mapped[list[Department]] = relationship(secondary="ticket_co_department",
                                                            order_by="Department.sort")  # 协办
    created_by: Mapped[StaffUser | None] = relationship()
    merged_into: Mapped[Ticket | None] = relationship(remote_side=[id])
    ratings: Mapped[list[TicketRating]] = relationship(
        back_populates="ticket", order_by="TicketRating.id", passive_deletes=True)
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by=lambda: [TicketEvent.at, TicketEvent.id], passive_deletes=True)
    attachments: Mapped[list[TicketAttachment]] = relationship(
        back_populates="ticket", order_by="TicketAttachment.id", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<Ticket {self.number} {self.status}>"


class TicketEvent(Base):
    """One entry of a ticket's history; immutable once written.

    `note` is what the event says to its audience (the reply the citizen reads when `public`);
    `reason` is why it happened (退单, 延期, 无效 …) and is for staff; `data` holds structured
    details (department ids, old and new deadline, ratings …)."""

    __tablename__ = "ticket_event"
    __table_args__ = (
        CheckConstraint(f"actor_kind IN {ACTOR_KINDS!r}", name="actor_kind"),
        Index("ix_ticket_event_ticket_at", "ticket_id", "at"),
        Index("ix_ticket_event_kind_at", "kind", "at"),  # figures are counted from events by kind and time
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    kind: Mapped[str] = mapped_column(String(32))  # created, dispatched, accepted, replied, …
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    actor_role: Mapped[str] = mapped_column(String(16), default="", server_default="")
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor_staff: Mapped[StaffUser | None] = relationship()


@event.listens_for(TicketEvent, "before_update")
def _events_are_immutable(_mapper, _connection, target: TicketEvent) -> None:
    raise RuntimeError(f"TicketEvent {target.id} ({target.kind}) is immutable")


@event.listens_for(TicketEvent, "before_delete")
def _events_are_never_deleted(_mapper, _connection, target: TicketEvent) -> None:
    raise RuntimeError(f"TicketEvent {target.id} ({target.kind}) cannot be deleted: the history is append-only")


class TicketAttachment(Base):
    """A file the citizen gave, stored by wechat.media (content-addressed under DATA_DIR)."""

    __tablename__ = "ticket_attachment"
    __table_args__ = (CheckConstraint(f"kind IN ({', '.join(map(repr, ATTACHMENT_KINDS))})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="image", server_default="image")
    path: Mapped[str] = mapped_column(String(200))  # relative to DATA_DIR: media/ab/<sha256>.jpg
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(50))
    original_name: Mapped[str] = mapped_column(String(200), default="", server_default="")  # H5 upload
    media_id: Mapped[str | None] = mapped_column(String(128))  # WeChat media id it came from
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")


class TicketSequence(Base):
    """The last number given in one numbering scope (city code + China date, e.g. TY20261128)."""

    __tablename__ = "ticket_sequence"

    scope: Mapped[str] = mapped_column(String(24), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class TicketCoDepartment(Base):
    """协办: a department helping the responsible one (主办) with a ticket."""

    __tablename__ = "ticket_co_department"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True, index=True)


class TicketRating(Base):
    """回访 result of one handling round: 是否解决 and 满意度, from the citizen (wechat/h5) or an agent's
    call (phone). One per ticket and round; 解决率 and 满意率 are counted from these rows."""

    __tablename__ = "ticket_rating"
    __table_args__ = (
        UniqueConstraint("ticket_id", "round", name="uq_ticket_rating_ticket_round"),
        CheckConstraint(f"source IN {RATING_SOURCES!r}", name="source"),
        CheckConstraint(f"solved IN {RATING_SOLVED!r}", name="solved"),
        CheckConstraint(f"satisfaction IN {RATING_SATISFACTION!r}", name="satisfaction"),
        Index("ix_ticket_rating_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    round: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(8))
    solved: Mapped[str] = mapped_column(String(16))
    satisfaction: Mapped[str] = mapped_column(String(24))
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # the agent who called
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="ratings")
    staff: Mapped[StaffUser | None] = relationship()


class TicketNotification(Base):
    """A message to the citizen about their ticket: written with the staff action (queued), sent by a
    job after commit (submit.tasks), then marked sent (客服 or template) or failed."""

    __tablename__ = "ticket_notification"
    __table_args__ = (
        CheckConstraint(f"status IN {NOTIFICATION_STATUSES!r}", name="status"),
        Index("ix_ticket_notification_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_event.id"))  # what it reports
    openid: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # dispatched, answered, closed, reopened, merged
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(300), default="", server_default="")
    template_data: Mapped[dict] = mapped_column(JSON, default=dict)
    client_msg_id: Mapped[str] = mapped_column(String(32))  # one per message: retries never send twice
    status: Mapped[str] = mapped_column(String(8), default="queued", server_default="queued")
    channel: Mapped[str | None] = mapped_column(String(16))  # custom (客服) or template, once sent
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp())

    ticket: Mapped[Ticket] = relationship()
    event: Mapped[TicketEvent | None] = relationship()


class CannedReply(Base):
    """常用语: a reply text staff start from. Applies to its category and every category below it;
    no category = general (every ticket). Placeholders such as {编号} {市民} {承办单位} are filled from
    the ticket when offered (submit.canned)."""

    __tablename__ = "canned_reply"
    __table_args__ = (Index("ix_canned_reply_category_active", "category_id", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))  # None: general
    title: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), default=utcnow, onupdate=utcnow)

    category: Mapped[Category | None] = relationship()
    created_by: Mapped[StaffUser | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[StaffUser | None] = relationship(foreign_keys=[updated_by_id])


# Suggestions on the ticket page (submit.similar): a category's tickets in some states, newest first or
# within a time window (covering, so the newest ids of a whole class are found without reading rows).
Index("ix_ticket_category_status_received", Ticket.category_id, Ticket.status, Ticket.received_at)
# Phone intake: the caller's recent tickets by phone number.
Index("ix_ticket_phone_received", Ticket.phone, Ticket.received_at)
# Figures (stats.queries), covering so a period's rows are counted without reading them: tickets received
# and tickets due per department and category; 办结 events with their ticket.
Index("ix_ticket_received_department_category", Ticket.received_at, Ticket.department_id, Ticket.category_id)
Index("ix_ticket_deadline_figures", Ticket.deadline_at, Ticket.department_id, Ticket.category_id, Ticket.status,
      Ticket.closed_at, Ticket.paused_at)
Index("ix_ticket_event_kind_at_ticket", TicketEvent.kind, TicketEvent.at, TicketEvent.ticket_id)
