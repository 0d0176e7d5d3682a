"""Suggestions on a ticket's page: the department to dispatch it to, and similar open tickets to merge.

Text similarity is rapidfuzz's token_set_ratio over the character bigrams of title + content
(Chinese has no spaces; bigrams make two descriptions of one matter share most of their "tokens":
≈ 85 for the same complaint in other words, ≈ 35–40 for another matter of the same category).

Both stay bounded whatever the table's size: SQL narrows to categories, states and a time window first
(index ix_ticket_category_status_received) and reads at most MAX_CANDIDATES rows, which are then scored
(≈ 10–30 ms for a class of 20,000 tickets in a table of 100,000, SQLite and PostgreSQL).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import utcnow
from faq.console.choices import category_tree
from reference.models import Department
from submit.fields import normalise_phone
from submit.models import Ticket
from submit.workflow_config import workflow

TEXT_CHARS = 300  # of title + content compared
MAX_CANDIDATES = 300  # rows read from the database for one suggestion, at most
SIMILAR_CLOSED = 20  # the most similar closed tickets that vote for a department
MIN_CLOSED_SCORE = 50.0  # below this a closed ticket is about something else and does not vote
DEFAULT_WEIGHT = 2.0  # the category's default unit counts as this many fully similar closed tickets
OPEN_WINDOW = timedelta(days=7)
MIN_OPEN_SCORE = 60.0
MAX_OPEN = 5
TEXT_WEIGHT = 0.7  # of text against place, when both tickets have a place
NEAR_METRES, FAR_METRES = 100.0, 2000.0  # place score 100 within NEAR, 0 beyond FAR, linear between
NOT_WORD = re.compile(r"[\W_]+")


def bigrams(text: str) -> str:
    """The text folded (full-width → half-width, lower case, no punctuation or spaces) as space-separated
    character bigrams, the tokens token_set_ratio compares."""
    folded = NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "").casefold())
    return " ".join(folded[index:index + 2] for index in range(len(folded) - 1)) or folded


def text_score(a: str, b: str) -> float:
    return fuzz.token_set_ratio(bigrams(a), bigrams(b))


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _ticket_text(title: str, content: str) -> str:
    return f"{title} {content[:TEXT_CHARS]}"


def _newest(session: Session, *where, outer=(), limit: int) -> list:
    """(id, title, the content's head, department_id) of the `limit` newest tickets matching `where`, which
    names only columns of ix_ticket_category_status_received (category, status, received time): the ids
    come from the index alone, then only those rows are read; `outer` filters them further."""
    newest = select(Ticket.id).where(*where).order_by(Ticket.received_at.desc()).limit(limit)
    return session.execute(
        select(Ticket.id, Ticket.title, func.substr(Ticket.content, 1, TEXT_CHARS), Ticket.department_id)
        .where(Ticket.id.in_(newest.scalar_subquery()), *outer)).all()


# --- the suggested department --------------------------------------------------------------------------

@dataclass
class DepartmentSuggestion:
    department: Department
    weight: float = 0.0
    default: bool = False  # the category's default unit
    closed: int = 0  # how many of the similar closed tickets it closed

    @property
    def reasons(self) -> list[str]:
        said = ["分类默认"] if self.default else []
        if self.closed:
            said.append(f"相似工单 {self.closed} 件由{self.department.short_name or self.department.name}办结")
        return said


def suggest_departments(session: Session, ticket: Ticket, *, limit: int = 3) -> list[DepartmentSuggestion]:
    """Where to dispatch `ticket`: the category's default unit and the units that closed the most similar
    closed tickets of its top-level class (each weighted by similarity), best first."""
    by_id: dict[int, DepartmentSuggestion] = {}
    default = ticket.category.department
    if default is not None and default.active:
        by_id[default.id] = DepartmentSuggestion(default, DEFAULT_WEIGHT, default=True)
    root = ticket.category.path[0]
    rows = _newest(session, Ticket.category_id.in_(category_tree(session).subtree_ids(root.code)),
                   Ticket.status == "closed", outer=(Ticket.department_id.is_not(None), Ticket.id != ticket.id),
                   limit=MAX_CANDIDATES)
    choices = {row.id: bigrams(_ticket_text(row.title, row[2])) for row in rows}
    units = {row.id: row.department_id for row in rows}
    best = process.extract(bigrams(_ticket_text(ticket.title, ticket.content)), choices,
                           scorer=fuzz.token_set_ratio, limit=SIMILAR_CLOSED, score_cutoff=MIN_CLOSED_SCORE)
    for _choice, score, ticket_id in best:
        department = session.get(Department, units[ticket_id])
        if department is None or not department.active:
            continue
        suggestion = by_id.setdefault(department.id, DepartmentSuggestion(department))
        suggestion.weight += score / 100
        suggestion.closed += 1
    ranked = sorted(by_id.values(), key=lambda item: (-item.weight, not item.default, item.department.sort))
    return ranked[:limit]


# --- similar open tickets ------------------------------------------------------------------------------

@dataclass
class SimilarTicket:
    ticket: Ticket
    score: float  # what ranks them
    text: float
    place: float | None = None  # None when one of the two has no place
    metres: float | None = None  # when both have coordinates
    why: list[str] = field(default_factory=list)


def place_score(a: Ticket, b: Ticket) -> tuple[float | None, float | None]:
    """(score 0–100, metres): the distance when both have coordinates, else the addresses' similarity."""
    if a.latitude is not None and b.latitude is not None:
        metres = metres_between(a.latitude, a.longitude, b.latitude, b.longitude)
        share = (FAR_METRES - min(max(metres, NEAR_METRES), FAR_METRES)) / (FAR_METRES - NEAR_METRES)
        return 100 * share, metres
    if a.address and b.address:
        return text_score(a.address, b.address), None
    return None, None


def similar_open_tickets(session: Session, ticket: Ticket, *, now: datetime | None = None,
                         limit: int = MAX_OPEN) -> list[SimilarTicket]:
    """Open tickets that may be the same matter: same category, received in the last 7 days, not closed
    or merged, near in text and (when both have one) in place; most similar first."""
    now = now or utcnow()
    config = workflow()
    open_states = [code for code in config.states if code not in config.terminal]
    rows = _newest(session, Ticket.category_id == ticket.category_id, Ticket.status.in_(open_states),
                   Ticket.received_at >= now - OPEN_WINDOW,
                   outer=(Ticket.merged_into_id.is_(None), Ticket.id != ticket.id), limit=MAX_CANDIDATES)
    mine = bigrams(_ticket_text(ticket.title, ticket.content))
    texts = {row.id: fuzz.token_set_ratio(mine, bigrams(_ticket_text(row.title, row[2]))) for row in rows}
    reachable = (MIN_OPEN_SCORE - (1 - TEXT_WEIGHT) * 100) / TEXT_WEIGHT  # the text score a same place needs
    hopeful = [ticket_id for ticket_id, text in texts.items() if text >= reachable]
    found = []
    for other in session.scalars(select(Ticket).where(Ticket.id.in_(hopeful))) if hopeful else ():
        text = texts[other.id]
        place, metres = place_score(ticket, other)
        score = text if place is None else TEXT_WEIGHT * text + (1 - TEXT_WEIGHT) * place
        if score >= MIN_OPEN_SCORE:
            found.append(SimilarTicket(other, score, text, place, metres, _why(text, place, metres)))
    found.sort(key=lambda item: (-item.score, item.ticket.received_at))
    return found[:limit]


def _why(text: float, place: float | None, metres: float | None) -> list[str]:
    said = [f"内容相似 {text:.0f}%"]
    if metres is not None:
        said.append(f"相距约 {metres:.0f} 米" if metres < 1000 else f"相距约 {metres / 1000:.1f} 公里")
    elif place is not None:
        said.append(f"地址相似 {place:.0f}%")
    return said


# --- the caller's own tickets (phone intake) -----------------------------------------------------------

CALLER_TICKETS = 10


@dataclass(frozen=True)
class CallerHistory:
    phone: str  # as typed
    number: str | None  # its national digits; None when it is not a valid number
    tickets: list[Ticket]

    @staticmethod
    def status_name(ticket: Ticket) -> str:
        state = workflow().states.get(ticket.status)
        return state.name if state else ticket.status


def caller_tickets(session: Session, phone: str, *, limit: int = CALLER_TICKETS) -> CallerHistory:
    """The most recent tickets with this phone number (any channel), newest first; none for a number that
    is not a valid one (index ix_ticket_phone_received)."""
    phone = (phone or "").strip()
    number = normalise_phone(phone) if phone else None
    tickets = [] if number is None else list(session.scalars(
        select(Ticket).where(Ticket.phone == number).order_by(Ticket.received_at.desc(), Ticket.id.desc())
        .limit(limit)))
    return CallerHistory(phone, number, tickets)
