"""The supervisor's overview: what is overdue now and what is at risk (due by the end of the next working
day), by department, with the tickets and their 催办 counts.

Overdue is submit.workflow_deadlines.is_overdue in SQL: an open ticket whose deadline has passed, a
paused clock (退单 or 延期 waiting) judged at the moment it stopped. A paused ticket is never "at risk":
its deadline moves when the clock runs again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session, selectinload

from reference.models import Department
from reference.workdays import WorkCalendar
from stats.report import UNDISPATCHED
from submit.models import Ticket
from submit.workflow_config import workflow

LIST_LIMIT = 100  # the rest: the queue, filtered to overdue or due soon


@dataclass
class DepartmentLine:
    department_id: int | None
    name: str
    overdue: int = 0
    at_risk: int = 0
    chases: int = 0  # 催办 of those tickets, all rounds


@dataclass
class Overview:
    now: datetime
    risk_until: datetime
    lines: list[DepartmentLine]
    overdue: list[Ticket] = field(default_factory=list)
    at_risk: list[Ticket] = field(default_factory=list)
    limit: int = LIST_LIMIT

    @property
    def total(self) -> DepartmentLine:
        return DepartmentLine(None, "合计", sum(line.overdue for line in self.lines),
                              sum(line.at_risk for line in self.lines), sum(line.chases for line in self.lines))


def _conditions(now: datetime, risk_until: datetime):
    stamp = Ticket.deadline_at.type
    states = workflow()
    # open states by name and a deadline bound: the (status, deadline) index reads only open tickets
    open_ = and_(Ticket.status.in_(tuple(code for code in states.states if code not in states.terminal)),
                 Ticket.deadline_at <= literal(risk_until, stamp))
    overdue = and_(open_, func.coalesce(Ticket.paused_at, literal(now, stamp)) > Ticket.deadline_at)
    at_risk = and_(open_, Ticket.paused_at.is_(None), Ticket.deadline_at >= literal(now, stamp),
                   Ticket.deadline_at <= literal(risk_until, stamp))
    return overdue, at_risk


def overview(session: Session, now: datetime, department_id: int | None = None) -> Overview:
    risk_until = WorkCalendar.from_session(session).add_workdays(now, 1)
    overdue, at_risk = _conditions(now, risk_until)
    scoped = [Ticket.department_id == department_id] if department_id is not None else []
    counts = session.execute(
        select(Ticket.department_id, func.sum(case((overdue, 1), else_=0)), func.sum(case((at_risk, 1), else_=0)),
               func.sum(Ticket.chase_count))
        .where(overdue | at_risk, *scoped).group_by(Ticket.department_id)).all()
    names = dict(session.execute(select(Department.id, Department.name)).all())
    lines = [DepartmentLine(key, names.get(key, UNDISPATCHED), late or 0, risky or 0, chases or 0)
             for key, late, risky, chases in counts]
    lines.sort(key=lambda line: (-line.overdue, -line.at_risk, line.name))

    def tickets(condition) -> list[Ticket]:
        return list(session.scalars(select(Ticket).where(condition, *scoped)
                                    .options(selectinload(Ticket.department), selectinload(Ticket.category))
                                    .order_by(Ticket.deadline_at, Ticket.id).limit(LIST_LIMIT)))

    return Overview(now, risk_until, lines, tickets(overdue), tickets(at_risk))
