"""Incremental ingest of tickets: new ticket events since the watermark become facts, and the daily
counts of the (day, category) groups they touch are recounted from the facts.

Only `created` and `invalidated` events matter: a new ticket adds a fact; 无效 turns its fact invalid
(excluded everywhere). Counts are distinct citizens, so a burst from one citizen counts once; that is
why a touched group is recounted from its facts (a few hundred rows) rather than incremented: a later
无效 must be able to take a citizen out again. Clock skew: a received_at later than the server's
created_at by more than `skew_minutes` is not believed, created_at is used.
"""
from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from core.dates import china_date
from stats.insight.areas import CITY, AreaIndex, grid_cell, place_key, spoken_places
from stats.insight.models import InsightCount, InsightState, InsightTerm, InsightTicket
from stats.insight.params import Params
from stats.insight.terms import ticket_terms
from submit.models import Ticket, TicketEvent

KINDS = ("created", "invalidated")
CHUNK = 900  # ids per IN list (SQLite's parameter limit is far above; PostgreSQL plans stay small)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def citizen_key(secret: bytes, openid: str | None, phone: str | None, ticket_id: int) -> str:
    """The same citizen gets the same key: by phone (every channel asks for it, so a caller who also
    writes on WeChat is one citizen), else openid; nothing readable is kept."""
    identity = f"p:{phone}" if phone else f"o:{openid}" if openid else f"t:{ticket_id}"
    return hmac.new(secret, identity.encode(), hashlib.sha256).hexdigest()[:16]


def effective_at(received_at: datetime, created_at: datetime | None, skew: timedelta) -> datetime:
    received_at = aware(received_at)
    if created_at is not None and received_at > aware(created_at) + skew:
        return aware(created_at)
    return received_at


def chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass
class TicketBatch:
    new: list[dict] = field(default_factory=list)  # facts added in this run
    invalidated: list[int] = field(default_factory=list)
    touched: set[tuple[date, int]] = field(default_factory=set)  # (day, category_id)
    more: bool = False  # the batch limit was reached: more events wait for the next run

    @property
    def days(self) -> set[date]:
        return {day for day, _category in self.touched}


TICKET_COLUMNS = (Ticket.id, Ticket.category_id, Ticket.title, Ticket.content, Ticket.address, Ticket.location_label,
                  Ticket.latitude, Ticket.longitude, Ticket.citizen_openid, Ticket.phone, Ticket.status,
                  Ticket.received_at, Ticket.created_at, Ticket.channel)
NOT_HEARD = ("proactive",)  # 主动治理 tasks: the hotline's own, not what citizens say


def make_fact(row, index: AreaIndex, params: Params, secret: bytes, now: datetime) -> dict:
    at = min(effective_at(row.received_at, row.created_at, timedelta(minutes=params.skew_minutes)), now)
    area = index.resolve(row.address, row.location_label)
    return {"ticket_id": row.id, "at": at, "day": china_date(at), "category_id": row.category_id,
            "district_id": area.district_id, "street_id": area.street_id,
            "grid": grid_cell(row.latitude, row.longitude, params.grid_lat, params.grid_lon),
            "place": place_key(row.address, index) or place_key(row.location_label, index),
            "latitude": row.latitude, "longitude": row.longitude,
            "citizen": citizen_key(secret, row.citizen_openid, row.phone, row.id),
            "valid": row.status != "invalid", "terms": ticket_terms(row.title, row.content)}


def _spoken_places(session: Session, facts: list[dict], contents: dict[int, str], index: AreaIndex) -> None:
    """A ticket whose address names no place takes the longest place its words open with that an
    address (in this batch or the facts kept) names too: 和平小区 from "和平小区3号楼停水了" is a place
    citizens give as an address; "小区" from "小区暖气不热" is not."""
    guesses = {fact["ticket_id"]: spoken_places(contents[fact["ticket_id"]], index)
               for fact in facts if not fact["place"]}
    wanted = {name for names in guesses.values() for name in names}
    known = {fact["place"] for fact in facts if fact["place"] in wanted}
    for part in chunks(sorted(wanted - known)):
        known.update(session.scalars(select(InsightTicket.place).where(InsightTicket.place.in_(part)).distinct()))
    for fact in facts:
        fact["place"] = fact["place"] or next((name for name in guesses.get(fact["ticket_id"], ()) if name in known),
                                              None)


def add_facts(session: Session, rows, batch: TicketBatch, *, index: AreaIndex, params: Params, secret: bytes,
              now: datetime, since: date | None = None) -> None:
    rows = [row for row in rows if row.channel not in NOT_HEARD]
    facts = [make_fact(row, index, params, secret, now) for row in rows]
    facts = [fact for fact in facts if since is None or fact["day"] >= since]
    _spoken_places(session, facts, {row.id: row.content for row in rows}, index)
    if facts:
        session.execute(insert(InsightTicket.__table__), facts)
    batch.new.extend(facts)
    batch.touched.update((fact["day"], fact["category_id"]) for fact in facts)


def ingest_ticket_events(session: Session, state: InsightState, *, index: AreaIndex, params: Params, secret: bytes,
                         now: datetime, upto_event_id: int | None = None) -> TicketBatch:
    """Read ticket events past the watermark (at most params.batch_events) and apply them."""
    query = (select(TicketEvent.id, TicketEvent.ticket_id, TicketEvent.kind)
             .where(TicketEvent.id > state.ticket_event_id, TicketEvent.kind.in_(KINDS))
             .order_by(TicketEvent.id).limit(params.batch_events))
    if upto_event_id is not None:
        query = query.where(TicketEvent.id <= upto_event_id)
    events = session.execute(query).all()
    batch = TicketBatch(more=len(events) == params.batch_events)
    if events:
        state.ticket_event_id = events[-1].id
    if upto_event_id is not None and not batch.more:
        state.ticket_event_id = max(state.ticket_event_id, upto_event_id)
    created = sorted({event.ticket_id for event in events if event.kind == "created"})
    known = set()
    for part in chunks(created):
        known.update(session.scalars(select(InsightTicket.ticket_id).where(InsightTicket.ticket_id.in_(part))))
    for part in chunks([ticket_id for ticket_id in created if ticket_id not in known]):
        rows = session.execute(select(*TICKET_COLUMNS).where(Ticket.id.in_(part))).all()
        add_facts(session, rows, batch, index=index, params=params, secret=secret, now=now)
    invalid = sorted({event.ticket_id for event in events if event.kind == "invalidated"})
    for part in chunks(invalid):
        changed = session.execute(select(InsightTicket.day, InsightTicket.category_id)
                                  .where(InsightTicket.ticket_id.in_(part), InsightTicket.valid)).all()
        session.execute(update(InsightTicket).where(InsightTicket.ticket_id.in_(part)).values(valid=False))
        batch.touched.update((row.day, row.category_id) for row in changed)
        batch.invalidated.extend(part)
    return batch


def area_codes(fact) -> list[str]:
    codes = [CITY]
    if fact.district_id:
        codes.append(f"d{fact.district_id}")
    if fact.street_id:
        codes.append(f"s{fact.street_id}")
    if fact.grid:
        codes.append(fact.grid)
    return codes


def recount(session: Session, touched: set[tuple[date, int]]) -> dict[tuple[int, str], date]:
    """Recount distinct citizens of every (category, area, day) in the touched groups; returns the
    (category, area) cells that have counts in them, with the latest such day."""
    cells: dict[tuple[int, str], date] = {}
    by_day: dict[date, set[int]] = defaultdict(set)
    for day, category_id in touched:
        by_day[day].add(category_id)
    for day, categories in sorted(by_day.items()):
        for part in chunks(sorted(categories)):
            citizens: dict[tuple[int, str], set[str]] = defaultdict(set)
            query = (select(InsightTicket.category_id, InsightTicket.district_id, InsightTicket.street_id,
                            InsightTicket.grid, InsightTicket.citizen)
                     .where(InsightTicket.day == day, InsightTicket.category_id.in_(part), InsightTicket.valid))
            for fact in session.execute(query):
                for area in area_codes(fact):
                    citizens[(fact.category_id, area)].add(fact.citizen)
            session.execute(delete(InsightCount).where(InsightCount.day == day, InsightCount.category_id.in_(part)))
            rows = [{"category_id": category_id, "area": area, "day": day, "citizens": len(who)}
                    for (category_id, area), who in citizens.items()]
            if rows:
                session.execute(insert(InsightCount.__table__), rows)
            cells.update((cell, max(day, cells.get(cell, day))) for cell in citizens)
    return cells


def recount_ticket_terms(session: Session, days: set[date]) -> set[str]:
    """Distinct citizens per term of valid tickets, for each touched day; returns the terms seen."""
    terms_seen: set[str] = set()
    for day in sorted(days):
        citizens: dict[str, set[str]] = defaultdict(set)
        for citizen, terms in session.execute(select(InsightTicket.citizen, InsightTicket.terms)
                                              .where(InsightTicket.day == day, InsightTicket.valid)):
            for term in terms or ():
                citizens[term].add(citizen)
        session.execute(delete(InsightTerm).where(InsightTerm.source == "ticket", InsightTerm.day == day))
        rows = [{"source": "ticket", "term": term, "day": day, "citizens": len(who)} for term, who in citizens.items()]
        if rows:
            session.execute(insert(InsightTerm.__table__), rows)
        terms_seen.update(citizens)
    return terms_seen
