"""Which tickets staff see, and what they see of the citizen (PIPL; issue 6, item 4).

- A department (handler) sees the tickets of its department, as 主办 or 协办 (submit.workflow.can_view;
  that includes a ticket not yet dispatched whose category's default unit it is); everyone else on the
  console sees every ticket. may_see is the one place the console asks.
- Hotline staff (agents, supervisors, admins) see the name; the phone is masked until they press
  「显示号码」, and every such view is written to the ticket's history as an internal event
  (kind "contact_viewed": who, when), before the number is shown.
- A department (handler) sees a confidential (保密) ticket's name and phone as 保密, never revealable;
  on other tickets of its own it sees the name and may reveal the phone the same logged way.
- Analysts (媒体专席) see masked phones and names everywhere and can reveal nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.db import utcnow
from core.privacy import mask_phone
from staff.models import StaffUser
from submit.models import Ticket, TicketEvent
from submit.workflow import actor_fields, can_view

CONTACT_VIEWED = "contact_viewed"
CONFIDENTIAL = "保密"


def mask_name(name: str) -> str:
    """张先生 → 张**: the surname stays, the rest is hidden."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    revealable: bool  # a 显示号码 button (logged) is offered
    revealed: bool
    hidden_reason: str  # why the name and phone are hidden, for the page


def may_see(ticket: Ticket, staff: StaffUser) -> bool:
    """Whether `staff` may open the ticket at all (its page, photos, phone, actions)."""
    return can_view(ticket, staff)


def hides_citizen(ticket: Ticket, staff: StaffUser) -> bool:
    """A confidential ticket's citizen is hidden from departments."""
    return ticket.confidential and staff.role == "handler"


def may_reveal_phone(ticket: Ticket, staff: StaffUser) -> bool:
    return staff.role != "analyst" and may_see(ticket, staff) and not hides_citizen(ticket, staff)


def contact_of(ticket: Ticket, staff: StaffUser, *, revealed: bool = False) -> Contact:
    """The citizen's name and phone as `staff` may see them now (`revealed`: the view was just logged)."""
    if hides_citizen(ticket, staff):
        return Contact(CONFIDENTIAL, CONFIDENTIAL, False, False, "市民要求保密，承办单位不显示姓名和电话")
    if staff.role == "analyst":
        return Contact(mask_name(ticket.citizen_name), mask_phone(ticket.phone), False, False, "分析员只看脱敏信息")
    shown = revealed and may_reveal_phone(ticket, staff)
    return Contact(ticket.citizen_name, ticket.phone if shown else mask_phone(ticket.phone),
                   may_reveal_phone(ticket, staff) and not shown, shown, "")


def listed_contact(ticket: Ticket, staff: StaffUser) -> tuple[str, str]:
    """(name, phone) as the queue lists them: the phone always masked, the rules above for the rest."""
    contact = contact_of(ticket, staff)
    return contact.name, contact.phone


class RevealRefused(Exception):
    """This staff member may not see this ticket's phone (message in Chinese)."""


def reveal_phone(session: Session, ticket: Ticket, staff: StaffUser) -> TicketEvent:
    """Record that `staff` views the citizen's full phone (an internal event in the ticket's history);
    the caller commits before showing it. Raises RevealRefused when the rules above forbid it."""
    if not may_reveal_phone(ticket, staff):
        raise RevealRefused("您无权查看该市民的电话号码")
    event = TicketEvent(ticket=ticket, kind=CONTACT_VIEWED, **actor_fields(staff), from_status=ticket.status,
                        to_status=ticket.status, public=False, data={"field": "phone"}, at=utcnow())
    session.add(event)
    session.flush()
    return event
