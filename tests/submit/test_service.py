from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.dates import CHINA
from core.db import db
from staff.service import create_staff
from submit import service
from submit.errors import InvalidSubmission
from submit.fields import AttachmentIn
from submit.models import Ticket, TicketEvent, TicketSequence
from submit.service import create_ticket, get_ticket_for_citizen, public_history, tickets_of_citizen
from tests.submit.conftest import EVE_OF_NATIONAL_DAY, make, run_in_threads, submission
from wechat.media import store_media

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_citizen_complaint_becomes_a_ticket(session):
    ticket = make(session, received_at=EVE_OF_NATIONAL_DAY)
    assert ticket.number == "TY20260930000001" and ticket.status == "received"
    assert ticket.title == "我家暖气片一直不热，室温只有十二度，家里老人孩子都冻感冒了…"  # 30 characters
    assert ticket.department.code == "RLJT" and ticket.category.code == "010101"
    assert (ticket.citizen_openid, ticket.citizen_name, ticket.phone) == ("o-citizen-a", "张先生", "13812345678")
    # 投诉 15 working days from Sep 30: Oct 8, 9, the make-up Saturday Oct 10, then Oct 12–16, 19–23, 26, 27.
    deadline = ticket.deadline_at.replace(tzinfo=ticket.deadline_at.tzinfo or UTC)
    assert deadline == datetime(2026, 10, 27, 23, 59, 59, tzinfo=CHINA)
    [event] = ticket.events
    assert (event.kind, event.actor_kind, event.from_status, event.to_status, event.public) == (
        "created", "citizen", None, "received", True)
    assert event.data["channel"] == "wechat" and event.data["time_limit_days"] == 15


def test_an_agent_enters_a_caller_s_ticket(session):
    agent = create_staff(session, "agent1", "agent-pass-2026", "agent", "话务员 李娜", "HOTLINE")
    ticket = make(session, channel="phone", by=agent, openid=None, request_type="enquiry",
                  content="想问一下灵活就业人员怎么缴纳养老保险，需要带什么材料？", category="060103")
    assert ticket.channel == "phone" and ticket.citizen_openid is None and ticket.created_by_id == agent.id
    event = ticket.events[0]
    assert (event.actor_kind, event.actor_staff_id, event.actor_role) == ("staff", agent.id, "agent")


def test_caller_mistakes_are_plain_errors(session):
    with pytest.raises(ValueError, match="openid"):
        create_ticket(session, submission(openid=None), channel="h5", idempotency_key="k")
    with pytest.raises(ValueError, match="channel"):
        create_ticket(session, submission(), channel="fax", idempotency_key="k")
    with pytest.raises(ValueError, match="idempotency_key"):
        create_ticket(session, submission(), channel="wechat", idempotency_key="")


def test_a_refused_submission_leaves_nothing_behind(session):
    with pytest.raises(InvalidSubmission) as failure:
        create_ticket(session, submission(phone="110", content="太冷了"), channel="h5", idempotency_key="k")
    assert set(failure.value.by_field()) == {"phone", "content"}
    session.commit()
    assert _count(Ticket) == _count(TicketEvent) == _count(TicketSequence) == 0


def test_attachments_are_the_stored_files(submit_app, tmp_path):
    stored = store_media(PNG, "image/png", data_dir=tmp_path)
    with submit_app.app_context():
        ticket = make(db.session, attachments=(AttachmentIn.from_stored(stored, media_id="MEDIA-1"),))
        [attachment] = ticket.attachments
        assert (attachment.path, attachment.sha256, attachment.size) == (stored.path, stored.sha256, len(PNG))
        assert attachment.media_id == "MEDIA-1" and (tmp_path / attachment.path).read_bytes() == PNG
        assert ticket.events[0].data["attachments"] == 1


def test_a_retried_submission_returns_the_first_ticket(session):
    first = make(session, "wechat:o-citizen-a:d1")
    again = make(session, "wechat:o-citizen-a:d1", content="第二次提交的内容不同，但键相同，应当返回第一张工单。")
    assert again.id == first.id and again.content == first.content
    assert _count(Ticket) == 1 and _count(TicketEvent) == 1
    assert session.get(TicketSequence, first.number[:-6]).value == 1


def test_losing_the_race_for_a_key_returns_the_winner_and_gives_the_number_back(session, monkeypatch):
    winner = make(session, "same-key")
    real, calls = service.ticket_by_key, []

    def first_check_misses(s, key):  # as when both calls check before either has inserted
        calls.append(key)
        return None if len(calls) == 1 else real(s, key)

    monkeypatch.setattr(service, "ticket_by_key", first_check_misses)
    loser = create_ticket(session, submission(), channel="wechat", idempotency_key="same-key")
    session.commit()
    assert loser.id == winner.id and len(calls) == 2  # the insert failed on the key, then it looked again
    assert _count(Ticket) == 1 and session.get(TicketSequence, winner.number[:-6]).value == 1
    assert make(session, "next-key").number == winner.number[:-6] + "000002"


def test_concurrent_calls_with_one_key_make_one_ticket(submit_any_app):
    def work(_index: int) -> str:
        ticket = create_ticket(db.session, submission(), channel="h5", idempotency_key="h5:o-citizen-a:nonce-1",
                               received_at=EVE_OF_NATIONAL_DAY)
        db.session.commit()
        return ticket.number

    numbers = run_in_threads(submit_any_app, 8, work)
    assert set(numbers) == {"TY20260930000001"}
    with submit_any_app.app_context():
        assert _count(Ticket) == 1 and _count(TicketEvent) == 1
        assert db.session.get(TicketSequence, "TY20260930").value == 1


def test_my_tickets_are_mine_only_newest_first(session):
    older = make(session, "a1", received_at=datetime(2026, 11, 1, 9, tzinfo=CHINA))
    newer = make(session, "a2", received_at=datetime(2026, 11, 20, 9, tzinfo=CHINA))
    other = make(session, "b1", openid="o-citizen-b")
    assert [t.id for t in tickets_of_citizen(session, "o-citizen-a")] == [newer.id, older.id]
    assert [t.id for t in tickets_of_citizen(session, "o-citizen-a", limit=1, offset=1)] == [older.id]
    assert tickets_of_citizen(session, None) == [] and tickets_of_citizen(session, "") == []
    assert get_ticket_for_citizen(session, f" {newer.number.lower()} ", "o-citizen-a").id == newer.id
    assert get_ticket_for_citizen(session, other.number, "o-citizen-a") is None
    assert get_ticket_for_citizen(session, other.number, None) is None
    assert get_ticket_for_citizen(session, "TY20990101000001", "o-citizen-b") is None


def test_public_history_shows_only_public_events(session):
    ticket = make(session)
    session.add_all([
        TicketEvent(ticket_id=ticket.id, kind="note", actor_kind="staff", public=False, note="市民情绪激动，注意沟通",
                    at=datetime(2026, 12, 1, tzinfo=UTC)),
        TicketEvent(ticket_id=ticket.id, kind="replied", actor_kind="staff", from_status="received",
                    to_status="follow_up", public=True, note="已派维修人员上门排气，室温恢复到 20℃。",
                    reason="内部：阀门未开", at=datetime(2026, 12, 2, tzinfo=UTC)),
    ])
    session.commit()
    history = public_history(session.get(Ticket, ticket.id))
    assert [(e.kind, e.status_name) for e in history] == [("created", "已受理"), ("replied", "已答复，待您评价")]
    assert history[1].note.startswith("已派维修人员") and "内部" not in repr(history)


def test_the_ticket_is_part_of_the_caller_s_transaction(submit_any_app):
    with submit_any_app.app_context():
        ticket = create_ticket(db.session, submission(), channel="wechat", idempotency_key="k",
                               received_at=EVE_OF_NATIONAL_DAY)
        assert ticket.id is not None and ticket.events[0].id is not None
        db.session.rollback()  # e.g. the dialogue's own write failed after it
        assert _count(Ticket) == _count(TicketEvent) == _count(TicketSequence) == 0
        again = create_ticket(db.session, submission(), channel="wechat", idempotency_key="k",
                              received_at=EVE_OF_NATIONAL_DAY)
        db.session.commit()
        assert again.number == "TY20260930000001"
