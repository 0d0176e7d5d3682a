"""The hotline's figures: what each one counts (the definitions staff read beside the numbers) and the
pure arithmetic that turns counted events and ratings into rates and averages.

stats.queries counts, per group (department or category) and per day or month, the events behind each
figure into `Counts`; everything here is plain Python on those counts, so the definitions and the
arithmetic can be read, and tested, without a database.

Decisions (also on the page):
- 响应率: a 派单 (each one, 重派 included) is answered in time when the department's 签收 comes by the
  end of the RESPOND_WITHIN_WORKDAYS-th working day after the day of the 派单 (workflow.yaml
  `figures.respond_within_workdays`, default 1), before any 退单 of that dispatch. The system records
  the 签收; contacting the citizen is part of 办理 and is not recorded apart.
- 解决率: 已解决 answers / ratings (every rating answers 是否解决; 部分解决 is not 解决; a phone 回访 that
  did not reach the citizen is no answer).
- 满意率: 非常满意 + 满意 + 基本满意 / ratings. 非常满意 counts as satisfied: it is more than 满意.
- 按时办结率: tickets whose deadline (of the current round, approved 延期 included) fell in the period
  and has passed, or that are already closed; on time = 办结 by the deadline. 合并 and 无效 tickets are
  not due.
- Attribution: 响应率 and 退单 go to the department named on the event (the one dispatched to, the one
  returning); volume, 解决率, 满意率, 按时办结率, handling time and 延期 to the ticket's 主办 department
  (the one that finished it; for 延期, the one that asked unless the ticket was re-dispatched since).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

from reference.workdays import WorkCalendar
from submit.workflow_config import workflow

DEFAULT_RESPOND_WITHIN_WORKDAYS = 1
SATISFIED = ("very_satisfied", "satisfied", "basic")
SOLVED = ("solved",)


def respond_within_workdays() -> int:
    """workflow.yaml `figures: {respond_within_workdays: N}`, else 1 working day."""
    value = (workflow().raw.get("figures") or {}).get("respond_within_workdays", DEFAULT_RESPOND_WITHIN_WORKDAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("workflow.yaml figures.respond_within_workdays must be a whole number ≥ 0")
    return value


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    definition: str
    unit: str = "%"  # "%", "件", "天"/"小时"


def figures(within: int | None = None) -> list[Figure]:
    """The figures in the order the table shows them, with their definitions."""
    within = respond_within_workdays() if within is None else within
    return [
        Figure("received", "受理量", "统计期内受理（登记）的工单数", "件"),
        Figure("response_rate", "响应率",
               f"按时签收的派单数 ÷ 派单数。按时：派单后第 {within} 个工作日结束前签收，且其间未退单；"
               "每次派单（含重派）各计一次，计入被派单位"),
        Figure("resolution_rate", "解决率", "回访答复“已解决”的数 ÷ 有答复的回访（评价）数；“部分解决”不计为解决"),
        Figure("satisfaction_rate", "满意率", "（非常满意 + 满意 + 基本满意）÷ 评价数；非常满意计为满意"),
        Figure("on_time_rate", "按时办结率",
               "办理时限截止在统计期内、且已到期或已办结的工单中，在时限前办结的比例（批准的延期计入时限；"
               "不含合并、无效）"),
        Figure("avg_workdays", "平均办理时长",
               "受理到办结的平均时长：工作日（受理次日起算的法定工作日数）与自然小时；按统计期内的办结计", "天"),
        Figure("returned", "退单数", "统计期内的退单次数，计入退单的单位", "件"),
        Figure("extensions", "延期申请数",
               "统计期内的延期申请次数（括号内为其中获批的次数），计入工单的主办单位", "件"),
    ]


@dataclass
class Counts:
    """What was counted for one group in one bucket (or summed over many)."""

    received: int = 0
    dispatched: int = 0
    responded: int = 0  # in time
    rated: int = 0
    solved: int = 0
    satisfied: int = 0
    due: int = 0
    on_time: int = 0
    closed: int = 0
    handling_seconds: float = 0.0
    handling_workdays: int = 0
    returned: int = 0
    extensions: int = 0
    extensions_approved: int = 0

    def add(self, other: Counts) -> Counts:
        mine, theirs = self.__dict__, other.__dict__
        for name in COUNT_FIELDS:
            mine[name] += theirs[name]
        return self


COUNT_FIELDS = tuple(item.name for item in fields(Counts))


def ratio(part: int, whole: int) -> float | None:
    """part / whole as a percentage with one decimal; None when nothing was counted (shown as —)."""
    return round(100 * part / whole, 1) if whole else None


def average(total: float, count: int, digits: int = 1) -> float | None:
    return round(total / count, digits) if count else None


def rates(counts: Counts) -> dict[str, float | int | None]:
    """The figures of one row of the table."""
    return {
        "received": counts.received,
        "response_rate": ratio(counts.responded, counts.dispatched),
        "resolution_rate": ratio(counts.solved, counts.rated),
        "satisfaction_rate": ratio(counts.satisfied, counts.rated),
        "on_time_rate": ratio(counts.on_time, counts.due),
        "avg_workdays": average(counts.handling_workdays, counts.closed),
        "avg_hours": average(counts.handling_seconds / 3600, counts.closed),
        "returned": counts.returned,
        "extensions": counts.extensions,
        "extensions_approved": counts.extensions_approved,
    }


def total(rows: dict[object, Counts]) -> Counts:
    summed = Counts()
    for counts in rows.values():
        summed.add(counts)
    return summed


class WorkdayOrdinals:
    """ordinal(d): how many working days there are from a fixed first day up to and including d, so
    workdays_between(a, b) == ordinal(b) - ordinal(a) (reference.workdays' rule), and respond_by(d): the
    last day a 签收 of a 派单 made on d is in time."""

    def __init__(self, calendar: WorkCalendar, first: date, last: date, within: int):
        self.first, self.last, self.within = first, last, within
        self._ordinal: dict[date, int] = {}
        count, day = 0, first
        while day <= last:
            count += calendar.is_workday(day)
            self._ordinal[day] = count
            day += timedelta(days=1)
        self._calendar = calendar

    def ordinal(self, day: date) -> int:
        return self._ordinal[day]

    def respond_by(self, day: date) -> date:
        return self._calendar.nth_workday(day, self.within)
