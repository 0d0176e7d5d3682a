"""Deadlines in working days of the real 2026 calendar: 退单 within its limit, the clock paused while 退单
and 延期 requests wait, extensions moving the deadline, and the events recording each change.

2026: 25 September (中秋) and 1–7 October (国庆) are days off, Saturday 10 October a make-up working day;
November has no holidays. A 投诉 has 15 working days.
"""
from datetime import UTC, date, datetime

import pytest

from reference.workdays import CHINA, china_date
from submit import workflow as wf
from submit.workflow_config import workflow
from submit.workflow_deadlines import aware, is_overdue
from tests.submit import workflow_support as support
from tests.submit.workflow_support import OTHER_DEPARTMENT, department

fake_wechat, wf_app, flow, clock = support.fake_wechat, support.wf_app, support.flow, support.clock


def china(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=CHINA)


def deadline_day(ticket) -> date:
    return china_date(ticket.deadline_at)


def dispatched(flow, clock, received: date, on: date | None = None, to: str = "accepted"):
    """A complaint received on `received` (09:00), dispatched (and signed for) on `on` (10:00)."""
    ticket = flow.ticket(received_at=china(received, 9))
    clock(china(on or received))
    return flow.drive(ticket, to)


def test_a_return_pauses_the_clock_and_the_redispatch_gives_back_the_days_waited(flow, clock):
    ticket = dispatched(flow, clock, date(2026, 11, 2))  # Monday
    assert deadline_day(ticket) == date(2026, 11, 23)  # 15 working days: 3–6, 9–13, 16–20, 23
    clock(china(date(2026, 11, 4)))  # Wednesday: 2 working days after dispatch, the last allowed
    wf.return_ticket(flow.session, ticket, actor=flow.people.handler, reason="非本单位职责")
    flow.session.commit()
    assert aware(ticket.paused_at) == china(date(2026, 11, 4))
    assert ticket.events[-1].data["workdays_since_dispatch"] == 2
    clock(china(date(2026, 11, 9)))  # the following Monday
    event = wf.dispatch(flow.session, ticket, actor=flow.people.agent,
                        department=department(flow.session, OTHER_DEPARTMENT))
    flow.session.commit()
    # 13 working days were left after the 4th (5–6, 9–13, 16–20, 23); counted again after the 9th
    assert deadline_day(ticket) == date(2026, 11, 26)
    assert ticket.paused_at is None
    assert china_date(datetime.fromisoformat(event.data["old_deadline"])) == date(2026, 11, 23)
    assert china_date(datetime.fromisoformat(event.data["deadline"])) == date(2026, 11, 26)


def test_a_return_after_the_limit_is_refused(flow, clock):
    ticket = dispatched(flow, clock, date(2026, 11, 2))
    clock(china(date(2026, 11, 5)))  # 3 working days after dispatch
    with pytest.raises(wf.LimitExceeded, match="超过 2 个工作日"):
        wf.return_ticket(flow.session, ticket, actor=flow.people.handler, reason="非本单位职责")
    assert ticket.status == "accepted" and ticket.paused_at is None


@pytest.mark.parametrize(("returned_on", "allowed"), [
    (date(2026, 10, 7), True),  # holiday: 0 working days since the 30th
    (date(2026, 10, 9), True),  # 8th and 9th: 2 working days
    (date(2026, 10, 10), False),  # the make-up Saturday is the 3rd working day
])
def test_the_return_limit_counts_working_days_across_national_day(flow, clock, returned_on, allowed):
    ticket = dispatched(flow, clock, date(2026, 9, 30))
    clock(china(returned_on))
    if allowed:
        wf.return_ticket(flow.session, ticket, actor=flow.people.handler, reason="非本单位职责")
        assert ticket.status == "returned"
    else:
        with pytest.raises(wf.LimitExceeded):
            wf.return_ticket(flow.session, ticket, actor=flow.people.handler, reason="非本单位职责")


def test_an_approved_extension_moves_the_deadline_after_the_wait(flow, clock):
    ticket = dispatched(flow, clock, date(2026, 11, 2), to="in_progress")
    clock(china(date(2026, 11, 18)))  # Wednesday; 3 working days left (19, 20, 23)
    wf.request_extension(flow.session, ticket, actor=flow.people.handler, days=5, reason="需等待配件")
    flow.session.commit()
    assert ticket.extension_days == 5 and ticket.paused_at is not None
    # paused: not overdue even after the old deadline, judged at the moment it stopped
    assert not is_overdue(ticket, china(date(2026, 11, 30)), workflow().terminal)
    clock(china(date(2026, 11, 20), 15))  # Friday
    event = wf.decide_extension(flow.session, ticket, actor=flow.people.supervisor, approved=True)
    flow.session.commit()
    # resumed on the 20th: 23, 24, 25; then 5 more working days: 26, 27, 30, 1 Dec, 2 Dec
    assert deadline_day(ticket) == date(2026, 12, 2)
    assert (ticket.extension_days, ticket.paused_at) == (None, None)
    assert event.data["approved"] is True and event.data["days"] == 5
    assert china_date(datetime.fromisoformat(event.data["resumed"]["deadline"])) == date(2026, 11, 25)
    assert china_date(datetime.fromisoformat(event.data["deadline"])) == date(2026, 12, 2)


def test_a_refused_extension_only_gives_back_the_days_waited(flow, clock):
    ticket = dispatched(flow, clock, date(2026, 11, 2))
    clock(china(date(2026, 11, 18)))
    wf.request_extension(flow.session, ticket, actor=flow.people.handler, days=5, reason="需等待配件")
    clock(china(date(2026, 11, 20)))
    event = wf.decide_extension(flow.session, ticket, actor=flow.people.supervisor, approved=False,
                                reason="可先临时处置")
    flow.session.commit()
    assert deadline_day(ticket) == date(2026, 11, 25) and event.data["approved"] is False
    assert event.reason == "可先临时处置"


@pytest.mark.parametrize("days", [0, 11, "3", True, None])
def test_an_extension_asks_for_1_to_10_working_days(flow, days):
    ticket = flow.at("accepted")
    with pytest.raises(wf.InvalidAction) as refused:
        wf.request_extension(flow.session, ticket, actor=flow.people.handler, days=days, reason="需要时间")
    assert refused.value.by_field() == {"days": ["延期天数须为 1–10 个工作日"]}
    assert ticket.extension_days is None and ticket.paused_at is None


def test_one_request_at_a_time_and_nothing_else_meanwhile(flow):
    ticket = flow.at("accepted")
    with pytest.raises(wf.InvalidAction, match="请填写申请延期理由"):
        wf.request_extension(flow.session, ticket, actor=flow.people.handler, days=3, reason="")
    with pytest.raises(wf.TransitionNotAllowed, match="没有待审批"):
        wf.decide_extension(flow.session, ticket, actor=flow.people.supervisor, approved=True)
    wf.request_extension(flow.session, ticket, actor=flow.people.handler, days=3, reason="需协调")
    flow.session.commit()
    for attempt in (lambda: wf.request_extension(flow.session, ticket, actor=flow.people.handler, days=2, reason="再"),
                    lambda: wf.reply(flow.session, ticket, actor=flow.people.handler, text="已处理"),
                    lambda: wf.return_ticket(flow.session, ticket, actor=flow.people.handler, reason="错派")):
        with pytest.raises(wf.TransitionNotAllowed, match="延期申请"):
            attempt()
    with pytest.raises(wf.InvalidAction, match="同意或不同意"):
        wf.decide_extension(flow.session, ticket, actor=flow.people.supervisor, approved="yes")


def test_at_most_two_approved_extensions_per_round(flow):
    ticket = flow.at("accepted")
    for _ in range(2):
        wf.request_extension(flow.session, ticket, actor=flow.people.handler, days=1, reason="需协调")
        wf.decide_extension(flow.session, ticket, actor=flow.people.supervisor, approved=True)
        flow.session.commit()
    with pytest.raises(wf.LimitExceeded, match="已延期 2 次"):
        wf.request_extension(flow.session, ticket, actor=flow.people.handler, days=1, reason="还要")


def test_merging_or_invalidating_drops_a_waiting_request(flow):
    ticket, survivor = flow.at("accepted"), flow.at("dispatched")
    wf.request_extension(flow.session, ticket, actor=flow.people.handler, days=3, reason="需协调")
    wf.merge(flow.session, ticket, actor=flow.people.agent, into=survivor)
    flow.session.commit()
    assert (ticket.status, ticket.extension_days, ticket.paused_at) == ("merged", None, None)


def test_overdue_is_judged_against_the_running_clock(flow, clock):
    ticket = dispatched(flow, clock, date(2026, 11, 2))
    terminal = workflow().terminal
    assert not is_overdue(ticket, china(date(2026, 11, 23), 23), terminal)
    assert is_overdue(ticket, china(date(2026, 11, 24), 0), terminal)
    clock(china(date(2026, 11, 25)))  # already late when the 退单 is asked: the waiting excuses nothing
    ticket.dispatched_at = china(date(2026, 11, 24)).astimezone(UTC)
    wf.return_ticket(flow.session, ticket, actor=flow.people.handler, reason="非本单位职责")
    clock(china(date(2026, 11, 30)))
    wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, OTHER_DEPARTMENT))
    assert deadline_day(ticket) == date(2026, 11, 23)
