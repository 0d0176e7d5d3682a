"""Messages to the citizen on dispatch, answer, closure and reopening: through the fake WeChat API
(客服, then the template on 45015), queued after commit, retried, recorded — never failing the staff action."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import db
from core.jobs import huey
from submit import workflow as wf
from submit.followup import rate_ticket, reopen_by_citizen
from submit.models import TicketNotification
from submit.notifications import notifications_of
from submit.tasks import (
    DELIVERY_RETRIES,
    STALLED_AFTER,
    _claim,
    deliver_notification,
    resend_stalled_notifications,
)
from tests.submit import workflow_support as support
from tests.submit.workflow_support import CUSTOM, TEMPLATE, department

fake_wechat, wf_app, flow = support.fake_wechat, support.wf_app, support.flow
PAGE = "https://h5.example.gov.cn/h5/tickets/"


def sent_texts(fake) -> list[str]:
    return [call.body["text"]["content"] for call in fake.calls_to(CUSTOM)]


def run_retries() -> int:
    """Run every scheduled retry now (jobs run inline in tests; retries wait in huey's schedule)."""
    ran = 0
    while True:
        due = huey.read_schedule(datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1))
        if not due:
            return ran
        for task in due:
            huey.execute(task, timestamp=task.eta)  # as the consumer would when the retry is due
            ran += 1


def test_the_citizen_hears_of_dispatch_answer_closure_and_reopening(flow, fake_wechat):
    ticket = flow.ticket()
    flow.drive(ticket, "dispatched")
    flow.drive(ticket, "closed")
    rate_ticket(flow.session, ticket, solved="unsolved", satisfaction="dissatisfied", source="wechat")
    reopen_by_citizen(flow.session, ticket, openid="o-citizen-a")
    flow.session.commit()
    texts = sent_texts(fake_wechat)
    assert len(texts) == 4 and all(call.body["touser"] == "o-citizen-a" for call in fake_wechat.calls_to(CUSTOM))
    dispatched, answered, closed, reopened = texts
    assert ticket.number in dispatched and "已转交" in dispatched and "热力" in dispatched
    assert "办理时限至" in dispatched
    assert "有了答复：已安排维修人员上门" in answered
    assert "已办结" in closed and "评价" in closed
    assert "重新办理" in reopened
    assert all(PAGE + ticket.number in text for text in texts)
    rows = notifications_of(flow.session, ticket)
    assert [(row.kind, row.status, row.channel, row.attempts) for row in rows] == [
        ("dispatched", "sent", "custom", 1), ("answered", "sent", "custom", 1), ("closed", "sent", "custom", 1),
        ("reopened", "sent", "custom", 1)]
    assert [row.event.kind for row in rows] == ["dispatched", "approved", "closed", "reopened"]
    assert fake_wechat.calls_to(TEMPLATE) == []


def test_nothing_is_sent_before_the_commit_nor_after_a_rollback(flow, fake_wechat):
    ticket = flow.ticket()
    wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, "SZJJ"))
    assert fake_wechat.calls_to(CUSTOM) == []
    flow.session.rollback()
    flow.session.commit()
    assert fake_wechat.calls_to(CUSTOM) == []
    assert flow.session.scalar(select(func.count()).select_from(TicketNotification)) == 0
    wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, "SZJJ"))
    flow.session.commit()
    assert len(fake_wechat.calls_to(CUSTOM)) == 1


def test_outside_the_48_hour_window_the_template_message_goes(flow, fake_wechat):
    ticket = flow.at("follow_up")
    fake_wechat.fail_next(CUSTOM, 45015)
    wf.close(flow.session, ticket, actor=flow.people.agent)
    flow.session.commit()
    (call,) = fake_wechat.calls_to(TEMPLATE)
    assert call.body["touser"] == "o-citizen-a" and call.body["template_id"] == "tmpl-progress"
    assert call.body["url"] == PAGE + ticket.number
    data = call.body["data"]
    assert data["character_string1"]["value"] == ticket.number and data["phrase2"]["value"] == "已办结"
    assert "评价" in data["thing4"]["value"] and len(data["thing4"]["value"]) <= 20
    row = notifications_of(flow.session, ticket)[-1]
    assert (row.kind, row.status, row.channel) == ("closed", "sent", "template")


def test_a_failing_wechat_is_retried_then_recorded_failed_and_the_action_stands(flow, fake_wechat):
    ticket = flow.ticket()
    fake_wechat.fail_next(CUSTOM, -1, times=DELIVERY_RETRIES + 1)  # system busy, every time
    wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, "SZJJ"))
    flow.session.commit()
    assert ticket.status == "dispatched"
    (row,) = notifications_of(flow.session, ticket)
    assert (row.status, row.attempts) == ("queued", 1) and "-1" in row.error
    assert run_retries() == DELIVERY_RETRIES
    flow.session.refresh(row)
    assert (row.status, row.attempts, row.channel) == ("failed", DELIVERY_RETRIES + 1, None)
    assert row.finished_at is not None
    assert len(fake_wechat.calls_to(CUSTOM)) == DELIVERY_RETRIES + 1
    assert flow.session.get(type(ticket), ticket.id).status == "dispatched"


def test_a_retry_that_gets_through_is_recorded_sent(flow, fake_wechat):
    ticket = flow.ticket()
    fake_wechat.fail_next(CUSTOM, -1, times=2)
    wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, "SZJJ"))
    flow.session.commit()
    assert run_retries() == 2
    (row,) = notifications_of(flow.session, ticket)
    flow.session.refresh(row)
    assert (row.status, row.attempts, row.channel) == ("sent", 3, "custom")


def test_a_permanent_error_is_recorded_at_once(flow, fake_wechat):
    ticket = flow.ticket()
    fake_wechat.fail_next(CUSTOM, 43004, errmsg="require subscribe")  # the citizen unfollowed
    wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, "SZJJ"))
    flow.session.commit()
    assert run_retries() == 0
    (row,) = notifications_of(flow.session, ticket)
    assert (row.status, row.attempts) == ("failed", 1) and "43004" in row.error


def test_a_broken_queue_never_fails_the_staff_action(flow, fake_wechat, monkeypatch):
    def broken(notification_id):
        raise ConnectionError("queue storage down")

    monkeypatch.setattr("submit.tasks.deliver_notification", broken)
    ticket = flow.ticket()
    wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, "SZJJ"))
    flow.session.commit()
    assert ticket.status == "dispatched"
    (row,) = notifications_of(flow.session, ticket)
    assert (row.status, row.attempts) == ("queued", 0)  # kept for the resend
    monkeypatch.undo()
    assert resend_stalled_notifications.call_local() == 0  # not stalled yet: its job may just be late
    row.created_at = row.created_at - STALLED_AFTER - timedelta(seconds=1)
    flow.session.commit()
    assert resend_stalled_notifications.call_local() == 1
    flow.session.refresh(row)
    assert (row.status, row.attempts) == ("sent", 1) and len(fake_wechat.calls_to(CUSTOM)) == 1
    assert resend_stalled_notifications.call_local() == 0


def test_a_message_queued_twice_is_sent_once(flow, fake_wechat):
    ticket = flow.ticket()
    wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, "SZJJ"))
    flow.session.commit()
    (row,) = notifications_of(flow.session, ticket)
    assert deliver_notification.call_local(row.id) == "sent"  # a second job for the same message
    assert len(fake_wechat.calls_to(CUSTOM)) == 1


def test_phone_tickets_get_no_messages(flow, fake_wechat):
    ticket = flow.ticket(openid=None, channel="phone", by=flow.people.agent)
    assert ticket.citizen_openid is None
    flow.drive(ticket, "closed")
    assert fake_wechat.calls == [] and notifications_of(flow.session, ticket) == []


def test_citizens_of_a_merged_ticket_follow_the_surviving_one(flow, fake_wechat):
    survivor = flow.ticket()
    duplicate = flow.ticket(openid="o-citizen-b")
    wf.merge(flow.session, duplicate, actor=flow.people.agent, into=survivor)
    flow.session.commit()
    (merged,) = fake_wechat.calls_to(CUSTOM)
    assert merged.body["touser"] == "o-citizen-b" and "合并办理" in merged.body["text"]["content"]
    flow.drive(survivor, "dispatched")
    by_citizen = {call.body["touser"]: call.body["text"]["content"] for call in fake_wechat.calls_to(CUSTOM)[1:]}
    assert set(by_citizen) == {"o-citizen-a", "o-citizen-b"}
    assert PAGE + survivor.number in by_citizen["o-citizen-a"]
    assert PAGE + duplicate.number in by_citizen["o-citizen-b"]  # each reads their own ticket's page


@pytest.mark.parametrize("action", ["accept", "start", "note"])
def test_internal_steps_send_nothing(flow, fake_wechat, action):
    ticket = flow.at({"accept": "dispatched", "start": "accepted", "note": "accepted"}[action])
    before = len(fake_wechat.calls_to(CUSTOM))
    wf.transition(flow.session, ticket, action, actor=flow.people.handler, note="内部" if action == "note" else "")
    flow.session.commit()
    assert len(fake_wechat.calls_to(CUSTOM)) == before


def test_two_workers_holding_the_same_message_only_one_sends(flow, fake_wechat, monkeypatch):
    monkeypatch.setattr("submit.tasks.deliver_notification", lambda notification_id: None)  # leave it queued
    ticket = flow.ticket()
    wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, "SZJJ"))
    flow.session.commit()
    (row,) = notifications_of(flow.session, ticket)
    with Session(db.engine) as one, Session(db.engine) as two:
        mine, theirs = one.get(TicketNotification, row.id), two.get(TicketNotification, row.id)
        assert (mine.attempts, theirs.attempts) == (0, 0)
        assert _claim(one, mine) is True
        assert _claim(two, theirs) is False
