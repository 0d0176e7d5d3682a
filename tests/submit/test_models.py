import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.db import db
from submit.models import Ticket, TicketEvent
from tests.submit.conftest import make


def test_events_are_append_only(session):
    ticket = make(session)
    event = ticket.events[0]
    event.note = "改写历史"
    with pytest.raises(RuntimeError, match="immutable"):
        session.flush()
    session.rollback()
    session.delete(session.get(TicketEvent, event.id))
    with pytest.raises(RuntimeError, match="append-only"):
        session.flush()
    session.rollback()
    session.add(TicketEvent(ticket_id=ticket.id, kind="note", actor_kind="system", public=False, note="内部备注"))
    session.commit()
    assert [e.kind for e in session.get(Ticket, ticket.id).events] == ["created", "note"]


def test_a_ticket_changed_by_someone_else_meanwhile_is_not_overwritten(submit_app):
    with submit_app.app_context():
        ticket_id = make(db.session).id
        db.session.remove()
    with submit_app.app_context():
        mine = db.session.get(Ticket, ticket_id)
        other = db.engine.connect()
        other.execute(Ticket.__table__.update().where(Ticket.id == ticket_id)
                      .values(status="dispatched", revision=Ticket.revision + 1))
        other.commit()
        other.close()
        mine.status = "invalid"
        with pytest.raises(StaleDataError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(Ticket.status).where(Ticket.id == ticket_id)) == "dispatched"


def test_channel_and_coordinates_are_constrained(session):
    ticket = make(session)
    ticket.latitude = 37.8
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    ticket = session.get(Ticket, ticket.id)
    ticket.channel = "fax"
    with pytest.raises(IntegrityError):
        session.flush()
