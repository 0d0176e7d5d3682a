"""CSV downloads of the figures: the table as shown, and the tickets behind one figure.

Phones are masked (138****1234) for every reader; citizens' names are not exported. Files start with
a UTF-8 byte-order mark so Excel reads the Chinese; rows are written as they are read.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.dates import china_time
from core.privacy import mask_phone
from reference.models import Department
from stats.queries import Calendar, Scope, facts, listed
from stats.report import Report, category_paths
from submit.models import Ticket
from submit.workflow_config import workflow

# the ticket list behind each figure of the table
FACT_OF_FIGURE = {"received": "received", "response_rate": "dispatched", "resolution_rate": "rated",
                  "satisfaction_rate": "rated", "on_time_rate": "due", "avg_workdays": "closed",
                  "returned": "returned", "extensions": "extensions"}
FACT_NAMES = {"received": "受理", "dispatched": "派单", "rated": "评价", "due": "应办结", "closed": "办结",
              "returned": "退单", "extensions": "延期"}
DETAIL_LABELS = {"responded": "按时签收", "solved": "已解决", "satisfied": "满意", "on_time": "按时办结",
                 "handling_seconds": "办理小时", "handling_workdays": "办理工作日", "extensions": "延期申请",
                 "extensions_approved": "延期获批"}
TICKET_COLUMNS = ["工单编号", "受理时间", "诉求类型", "分类", "主办单位", "计入单位", "状态", "来电号码（脱敏）",
                  "办理时限", "办结时间", "统计时间"]
BATCH = 500


def _lines(rows) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _percent(value) -> str:
    return "" if value is None else f"{value}%"


def table_csv(report: Report) -> Iterator[str]:
    head = ["分组", "受理量", "派单数", "按时签收", "响应率", "评价数", "已解决", "满意", "解决率", "满意率", "应办结",
            "按时办结", "按时办结率", "办结数", "平均办理工作日", "平均办理小时", "退单数", "延期申请", "延期获批"]

    def line(row):
        c, v = row.counts, row.values
        return [row.label, c.received, c.dispatched, c.responded, _percent(v["response_rate"]), c.rated, c.solved,
                c.satisfied, _percent(v["resolution_rate"]), _percent(v["satisfaction_rate"]), c.due, c.on_time,
                _percent(v["on_time_rate"]), c.closed, v["avg_workdays"] or "", v["avg_hours"] or "", c.returned,
                c.extensions, c.extensions_approved]

    return _lines([head, *(line(row) for row in report.rows), line(report.total)])


def _detail(name: str, value) -> str:
    if name == "handling_seconds":
        return f"{(value or 0) / 3600:.1f}"
    if name == "handling_workdays":
        return str(value)
    return "是" if value else "否"


def _ticket_rows(session: Session, fact_name: str, scope: Scope, now: datetime) -> Iterator[list]:
    fact = facts(session, scope, now)[fact_name]
    details = [name for name, expr in fact.sums.items() if expr is not None]
    computed = [fact.calendar] if fact.calendar else []
    yield TICKET_COLUMNS + [DETAIL_LABELS[name] for name in details + computed]
    calendar = Calendar(session)
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    paths = category_paths(session)
    states = workflow().states
    rows = list(listed(session, fact, scope))
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        tickets = {ticket.id: ticket for ticket in session.scalars(
            select(Ticket).where(Ticket.id.in_({row[0] for row in batch}))
            .options(selectinload(Ticket.request_type)))}
        for ticket_id, moment, department_id, *values, day, other in batch:
            ticket = tickets[ticket_id]
            if fact.calendar == "responded":
                values.append(calendar.in_time(date.fromisoformat(day), other and date.fromisoformat(other)))
            elif fact.calendar == "handling_workdays":
                values.append(calendar.workdays(date.fromisoformat(other), date.fromisoformat(day)))
            state = states.get(ticket.status)
            yield [ticket.number, china_time(ticket.received_at), ticket.request_type.name, paths[ticket.category_id],
                   departments.get(ticket.department_id, ""), departments.get(department_id, ""),
                   state.name if state else ticket.status, mask_phone(ticket.phone), china_time(ticket.deadline_at),
                   china_time(ticket.closed_at), china_time(moment),
                   *(_detail(name, value) for name, value in zip(details + computed, values, strict=True))]


def tickets_csv(session: Session, fact_name: str, scope: Scope, now: datetime) -> Iterator[str]:
    """The tickets behind one figure (a ticket appears once per event counted: each 派单, each 办结 …)."""
    return _lines(_ticket_rows(session, fact_name, scope, now))
