"""The simulator's lifecycle (SimConfig.lifecycle): old tickets handled, rated and closed, the newest still
open, 无效 ones untouched, every step written as the workflow service writes it (compared with the service
itself), the figures and the queue of a plausible hotline, and detection's replay still blind to the future."""
from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import time_machine
from sqlalchemy import func, select

from core.dates import CHINA
from core.db import db
from faq.console.choices import category_tree, department_tree
from stats.demo import People, replay
from stats.insight.replay import limits_at
from stats.insight.simulate import SimConfig
from stats.insight.simulate_events import simulate
from stats.periods import Period
from stats.queries import Scope
from stats.report import build_report
from submit.console.queue import list_tickets
from submit.console.queue_filters import QueueFilters
from submit.fields import Submission
from submit.models import Ticket, TicketEvent, TicketNotification, TicketRating
from submit.service import create_ticket
from submit.workflow_deadlines import aware
from tests.stats.insight.support import staff

MONTH = SimConfig(days=30, seed=5, end=date(2026, 11, 20), tickets_per_day=30, questions_per_day=0,
                  events_per_week=2, warmup_days=10, lifecycle=True)
STOP = datetime.combine(MONTH.end, time.max, tzinfo=CHINA)
ROW_CHANGES = ("dispatched", "accepted", "started", "chased", "replied", "approved", "closed")  # UPDATE the row
ACTIONS = {"dispatched": "dispatch", "accepted": "accept", "started": "start", "chased": "chase", "replied": "reply",
           "approved": "approve", "closed": "close"}  # event kind → stats.demo's action


def _month(session) -> list[Ticket]:
    simulate(session, MONTH, city_code="TY")
    session.commit()
    return session.scalars(select(Ticket).order_by(Ticket.id)).all()


def _ordered(ticket: Ticket) -> list[TicketEvent]:
    return sorted(ticket.events, key=lambda event: (aware(event.at), event.id))


def test_old_tickets_are_closed_and_rated_the_newest_still_open(session):
    tickets = _month(session)
    closed = old = 0
    for ticket in tickets:
        events, kinds = _ordered(ticket), [event.kind for event in ticket.events]
        if ticket.status == "invalid":
            assert kinds == ["created", "invalidated"] and not ticket.ratings and ticket.dispatched_at is None
            continue
        assert events[0].kind == "created" and events[0].from_status is None
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status, (ticket.number, before.kind, after.kind)
        assert ticket.status == events[-1].to_status
        assert ticket.revision == 1 + sum(kind in ROW_CHANGES for kind in kinds)
        changes = [aware(event.at) for event in events if event.kind in ROW_CHANGES]
        assert aware(ticket.updated_at) == (max(changes) if changes else aware(ticket.created_at))
        done = [event for event in events if event.kind == "closed"]
        assert (aware(ticket.closed_at) if ticket.closed_at else None) == (aware(done[0].at) if done else None)
        dispatched = [event for event in events if event.kind == "dispatched"]
        assert len(dispatched) <= 1 and ticket.dispatched_at == (dispatched[0].at if dispatched else None)
        rated = [event for event in events if event.kind == "rated"]
        assert [(rating.solved, rating.satisfaction, rating.round, rating.created_at) for rating in ticket.ratings] == [
            (event.data["solved"], event.data["satisfaction"], 1, event.at) for event in rated]
        if aware(ticket.received_at) < STOP - timedelta(days=20):
            old += 1
            closed += ticket.status == "closed"
            assert {"dispatched", "accepted"} <= set(kinds)
        if aware(ticket.received_at) > STOP - timedelta(hours=6):  # the newest: on their way
            assert ticket.status in ("received", "dispatched", "accepted", "in_progress"), ticket.status
    assert old > 200 and 0.8 < closed / old < 0.97
    assert {ticket.status for ticket in tickets} >= {"dispatched", "accepted", "in_progress", "closed", "invalid"}
    assert session.scalar(select(func.count()).select_from(TicketNotification)) == 0  # nobody is messaged


def test_the_figures_and_the_queue_look_like_a_hotline(session):
    tickets = _month(session)
    now = STOP.astimezone(UTC)
    report = build_report(session, Scope(Period("custom", MONTH.end - timedelta(days=29), MONTH.end)), now)
    values = report.total.values
    assert values["received"] == len(tickets)
    assert 85 <= values["response_rate"] <= 99 and 80 <= values["on_time_rate"] <= 95
    assert 70 <= values["resolution_rate"] <= 90 and 80 <= values["satisfaction_rate"] <= 95
    assert report.total.counts.rated > 0.6 * len(tickets)
    page = list_tickets(session, QueueFilters(), staff(session, "agent"), categories=category_tree(session),
                        departments=department_tree(session), now=now)
    waiting = {tab.code: page.tab_count(tab) for tab in page.tabs}
    assert waiting["dispatch"] < 0.01 * len(tickets) and waiting["done"] > 0.7 * len(tickets)
    assert 0.03 * len(tickets) < waiting["handling"] < 0.3 * len(tickets)


def test_detection_replays_never_see_a_ticket_before_it_arrives(session):
    _month(session)
    for day in range(MONTH.days):
        moment = datetime.combine(MONTH.end - timedelta(days=day), time(12), tzinfo=CHINA)
        limit = limits_at(session, moment).ticket_event_id
        latest = session.scalar(select(func.max(Ticket.created_at)).join(TicketEvent).where(
            TicketEvent.kind == "created", TicketEvent.id <= limit))
        assert aware(latest) <= moment


def _service_twin(session, ticket: Ticket, people: People) -> Ticket:
    """The same matter made by create_ticket and taken through the same steps by the workflow service."""
    submission = Submission(request_type=ticket.request_type.code, category=ticket.category.code,
                            content=ticket.content, name=ticket.citizen_name, phone=ticket.phone,
                            address=ticket.address)
    received = aware(ticket.received_at)
    with time_machine.travel(received, tick=False):
        twin = create_ticket(session, submission, channel="phone", idempotency_key=f"twin:{ticket.id}",
                             received_at=received)
        session.commit()
    steps = []
    for event in _ordered(ticket):
        hours = (aware(event.at) - received).total_seconds() / 3600
        if event.kind == "rated":
            steps.append((hours, "rate", {"solved": event.data["solved"], "satisfaction": event.data["satisfaction"]}))
        elif event.kind == "follow_up_call" and not event.data["reached"]:
            steps.append((hours, "call", {}))
        elif event.kind in ACTIONS:
            steps.append((hours, ACTIONS[event.kind], {}))
    assert replay(session, twin, steps, people, datetime.now(UTC)) == len(steps)
    session.expire_all()
    return session.get(Ticket, twin.id)


def _written(ticket: Ticket) -> tuple:
    columns = ("status", "department_id", "deadline_at", "closed_at", "dispatched_at", "chased_at", "chase_count",
               "revision", "round", "paused_at", "updated_at")
    events = [(event.kind, event.actor_kind, event.actor_role, event.from_status, event.to_status, event.reason,
               event.note, event.public, event.data, aware(event.at)) for event in _ordered(ticket)]
    ratings = [(rating.round, rating.source, rating.solved, rating.satisfaction, rating.comment, rating.staff.role,
                aware(rating.created_at)) for rating in ticket.ratings]
    return {name: getattr(ticket, name) for name in columns}, events, ratings


def test_each_step_is_written_as_the_workflow_service_writes_it(session):
    tickets = [ticket for ticket in _month(session) if ticket.channel == "phone"
               and aware(ticket.received_at) < STOP - timedelta(days=20)]
    patterns = {"rated": None, "unreached": None, "chased": None, "stalled": None}
    for ticket in tickets:
        kinds = {event.kind for event in ticket.events}
        pattern = ("stalled" if ticket.status == "accepted" else "chased" if "chased" in kinds
                   else "rated" if "rated" in kinds else "unreached" if ticket.status == "closed" else None)
        if pattern and patterns[pattern] is None:
            patterns[pattern] = ticket
    assert all(patterns.values()), patterns
    people = People(session)
    for pattern, ticket in patterns.items():
        simulated = _written(ticket)
        twin = _written(_service_twin(session, ticket, people))
        assert simulated[0] == twin[0], pattern
        assert simulated[1] == twin[1], pattern
        assert simulated[2] == twin[2], pattern


def test_the_ticket_page_shows_a_simulated_ticket_history(insight_app, signed_in):
    with insight_app.app_context():
        ticket = next(ticket for ticket in _month(db.session) if ticket.status == "closed" and ticket.ratings)
        number = ticket.number
    html = signed_in("agent").get(f"/staff/tickets/{number}").get_data(as_text=True)
    history = html[html.index('id="history"'):]
    for words in ("受理", "派单", "签收", "开始办理", "答复", "审核通过", "电话回访", "评价", "办结", "模拟话务员",
                  "经办人", "电话回访评价："):
        assert words in history, words


def test_without_the_lifecycle_the_same_tickets_stay_at_received(session):
    simulate(session, dataclasses.replace(MONTH, lifecycle=False), city_code="TY")
    session.commit()
    statuses = set(session.scalars(select(Ticket.status).distinct()))
    assert statuses == {"received", "invalid"}
    assert session.scalar(select(func.count()).select_from(TicketRating)) == 0
