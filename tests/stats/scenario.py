"""A fixed, hand-made month at the hotline (November 2026, China time) for the figures' tests.

Every step goes through the real workflow service with the clock set to the step's moment
(time-machine). Weekends of November 2026: 1, 7–8, 14–15, 21–22, 28–29; no holidays; 31 October is
a Saturday. Types: complaint 15, help 10, enquiry 2 working days.

    A  complaint 010101  received Mon 11-02 09:00, 派单 RLJT 10:00, 签收 Tue 11-03 09:00, 答复/审核 11-05,
       回访 not reached 11-06 09:00, then 已解决/满意 10:00, 办结 Fri 11-06 11:00. Deadline 11-23.
    B  help 010101       received Tue 11-03 14:00, 派单 SZJJ 15:00, SZJJ 退单 Wed 11-04 09:00, 派单 RLJT
       10:00, 签收 11:00 (in time for the second 派单, not the first: it was returned), 延期 3 days asked
       Tue 11-10 10:00 and approved 15:00 (deadline 11-17 → 11-20), 答复/审核 11-19,
       部分解决/基本满意 Fri 11-20, 办结 Mon 11-23 10:00 (late).
    C  complaint 010101  received Thu 11-05 16:00, 派单 RLJT Fri 11-06 09:00, 签收 Mon 11-09 08:30 (the
       next working day: in time), 答复/审核 11-10, 未解决/不满意 Wed 11-11 09:00, 重办 09:30, 派单 RLJT
       10:00, 签收 11:00, 答复/审核 11-12, 已解决/非常满意 Fri 11-13 10:00, 办结 12:00. Deadline (round 2) 12-02.
    D  help 010101       received Mon 11-09 10:00, 无效 11:00 (deadline 11-23: never due).
    E  complaint 010101  received Tue 11-10 09:00, 派单 RLJT 10:00, 签收 Thu 11-12 00:30 China time (late:
       the end of Wed 11-11 has passed, though it is still 11-11 in UTC). Deadline 12-01.
    F  enquiry 010102    received Mon 11-16 09:00, 派单 RLJT 10:00, 签收 Tue 11-17 23:30 (in time),
       never answered. Deadline Wed 11-18: due and late.
    G  enquiry 020101    received Tue 11-17 09:00, 直接办结 09:30 (GSJT, the category's unit). Deadline 11-19.
    H  complaint 010101  received Fri 10-30 10:00, 派单 RLJT 11:00, 签收 14:00, 答复/审核 Mon 11-02,
       已解决/满意 Tue 11-03 09:00, 办结 10:00. Deadline 11-20.
"""
from __future__ import annotations

from datetime import datetime

import time_machine

from core.dates import CHINA
from submit import workflow as wf
from submit.followup import record_follow_up_call
from submit.models import Ticket
from tests.submit.conftest import make
from tests.submit.workflow_support import department, people

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=CHINA)
REPLY = "已安排维修人员上门处理，问题已解决。"


def china(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CHINA)


class _Steps:
    def __init__(self, session):
        self.session = session
        self.people = people(session)
        self.tickets: dict[str, Ticket] = {}

    def at(self, moment: datetime, action, *args, **kwargs):
        with time_machine.travel(moment, tick=False):
            result = action(self.session, *args, **kwargs)
            self.session.commit()
        return result

    def receive(self, name: str, moment: datetime, kind: str, category: str, phone: str) -> Ticket:
        ticket = make(self.session, f"stats-{name}", channel="phone", received_at=moment, by=self.people.agent,
                      openid=None, request_type=kind, category=category, phone=phone, name=f"{name}先生")
        self.tickets[name] = ticket
        return ticket

    def dispatch(self, ticket, moment, code):
        self.at(moment, wf.dispatch, ticket, actor=self.people.agent, department=department(self.session, code))

    def accept(self, ticket, moment, actor=None):
        self.at(moment, wf.accept, ticket, actor=actor or self.people.handler)

    def answer(self, ticket, replied: datetime, approved: datetime):
        self.at(replied, wf.reply, ticket, actor=self.people.handler, text=REPLY)
        self.at(approved, wf.approve, ticket, actor=self.people.agent)

    def rate(self, ticket, moment, solved, satisfaction):
        self.at(moment, record_follow_up_call, ticket, actor=self.people.agent, reached=True, solved=solved,
                satisfaction=satisfaction)

    def close(self, ticket, moment):
        self.at(moment, wf.close, ticket, actor=self.people.agent)


def build_month(session) -> dict[str, str]:
    """Make the month; returns each ticket's number by its letter."""
    s = _Steps(session)
    h = s.receive("H", china(10, 30, 10), "complaint", "010101", "13800000008")
    s.dispatch(h, china(10, 30, 11), "RLJT")
    s.accept(h, china(10, 30, 14))
    s.answer(h, china(11, 2, 10), china(11, 2, 11))
    s.rate(h, china(11, 3, 9), "solved", "satisfied")
    s.close(h, china(11, 3, 10))

    a = s.receive("A", china(11, 2, 9), "complaint", "010101", "13800000001")
    s.dispatch(a, china(11, 2, 10), "RLJT")
    s.accept(a, china(11, 3, 9))
    s.answer(a, china(11, 5, 10), china(11, 5, 11))
    s.at(china(11, 6, 9), record_follow_up_call, a, actor=s.people.agent, reached=False)
    s.rate(a, china(11, 6, 10), "solved", "satisfied")
    s.close(a, china(11, 6, 11))

    b = s.receive("B", china(11, 3, 14), "help", "010101", "13800000002")
    s.dispatch(b, china(11, 3, 15), "SZJJ")
    s.at(china(11, 4, 9), wf.return_ticket, b, actor=s.people.other_handler, reason="不属于本单位职责")
    s.dispatch(b, china(11, 4, 10), "RLJT")
    s.accept(b, china(11, 4, 11))
    s.at(china(11, 10, 10), wf.request_extension, b, actor=s.people.handler, days=3, reason="需更换管道")
    s.at(china(11, 10, 15), wf.decide_extension, b, actor=s.people.supervisor, approved=True)
    s.answer(b, china(11, 19, 10), china(11, 19, 11))
    s.rate(b, china(11, 20, 10), "partly", "basic")
    s.close(b, china(11, 23, 10))

    c = s.receive("C", china(11, 5, 16), "complaint", "010101", "13800000003")
    s.dispatch(c, china(11, 6, 9), "RLJT")
    s.accept(c, china(11, 9, 8, 30))
    s.answer(c, china(11, 10, 10), china(11, 10, 11))
    s.rate(c, china(11, 11, 9), "unsolved", "dissatisfied")
    s.at(china(11, 11, 9, 30), wf.reopen, c, actor=s.people.agent, reason="市民不满意")
    s.dispatch(c, china(11, 11, 10), "RLJT")
    s.accept(c, china(11, 11, 11))
    s.answer(c, china(11, 12, 10), china(11, 12, 11))
    s.rate(c, china(11, 13, 10), "solved", "very_satisfied")
    s.close(c, china(11, 13, 12))

    d = s.receive("D", china(11, 9, 10), "help", "010101", "13800000004")
    s.at(china(11, 9, 11), wf.mark_invalid, d, actor=s.people.agent, reason="重复骚扰")

    e = s.receive("E", china(11, 10, 9), "complaint", "010101", "13800000005")
    s.dispatch(e, china(11, 10, 10), "RLJT")
    s.accept(e, china(11, 12, 0, 30))

    f = s.receive("F", china(11, 16, 9), "enquiry", "010102", "13800000006")
    s.dispatch(f, china(11, 16, 10), "RLJT")
    s.accept(f, china(11, 17, 23, 30))

    g = s.receive("G", china(11, 17, 9), "enquiry", "020101", "13800000007")
    s.close(g, china(11, 17, 9, 30))
    return {name: ticket.number for name, ticket in s.tickets.items()}
