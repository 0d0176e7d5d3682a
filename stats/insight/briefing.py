"""The weekly briefing for the paper's 「来自12345媒体专席」 column: one ISO week (Monday–Sunday, China
dates) against the week before, as a page, Markdown and CSV. Counts are citizens (distinct per day),
valid tickets only; nothing personal is in it."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dates import CHINA
from stats.insight.alert_page import KIND_NAMES, STATUS_NAMES
from stats.insight.areas import AreaIndex
from stats.insight.models import Alert
from stats.insight.seat import AreaRow, TermRow, Trend, area_table, category_trends, rising_terms

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
TOP_CATEGORIES = 10
TOP_STREETS = 8
TOP_TERMS = 8


@dataclass
class Briefing:
    week: str
    first: date
    last: date
    total: int
    previous_total: int
    categories: list[Trend]
    streets: list[AreaRow]
    terms: list[TermRow]
    alerts: list[Alert]

    @property
    def title(self) -> str:
        return (f"来自12345媒体专席 · {self.first.year}年第{int(self.week[-2:])}周"
                f"（{self.first.month}月{self.first.day}日—{self.last.month}月{self.last.day}日）")

    @property
    def change(self) -> float | None:
        return None if not self.previous_total else (self.total - self.previous_total) / self.previous_total


def parse_week(text: str | None, today: date) -> tuple[str, date]:
    """("2026-W48", its Monday); the last complete week when the text is missing or wrong."""
    match = WEEK.match(text or "")
    if match:
        try:
            monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
            return text, monday
        except ValueError:
            pass
    monday = today - timedelta(days=today.weekday() + 7)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}", monday


def build_briefing(session: Session, week: str, monday: date) -> Briefing:
    last = monday + timedelta(days=6)
    _dates, every = category_trends(session, last, days=7, top=10_000)
    streets = [row for row in area_table(session, last, AreaIndex.from_session(session)) if row.kind == "street"]
    start = datetime.combine(monday, datetime.min.time(), tzinfo=CHINA)
    alerts = list(session.scalars(select(Alert).where(Alert.first_signal_at >= start,
                                                      Alert.first_signal_at < start + timedelta(days=7))
                                  .order_by(Alert.observed.desc()).limit(20)))
    return Briefing(week, monday, last, sum(trend.this_week for trend in every),
                    sum(trend.last_week for trend in every), every[:TOP_CATEGORIES], streets[:TOP_STREETS],
                    rising_terms(session, last, top=TOP_TERMS), alerts)


def percent(change: float | None) -> str:
    return "—" if change is None else f"{change:+.0%}"


def outcome(alert: Alert) -> str:
    if alert.status == "task" and alert.task_ticket is not None:
        return f"已转主动治理（{alert.task_ticket.number}）"
    return STATUS_NAMES.get(alert.status, alert.status)


def as_markdown(briefing: Briefing) -> str:
    lines = [f"# {briefing.title}", "", f"本周市民通过12345反映诉求 {briefing.total} 人次，"
             f"上周 {briefing.previous_total} 人次（{percent(briefing.change)}）。",
             "", "## 热点问题", "", "| 分类 | 本周 | 上周 | 变化 |", "|---|---:|---:|---:|"]
    lines += [f"| {row.label} | {row.this_week} | {row.last_week} | {percent(row.change)} |"
              for row in briefing.categories]
    lines += ["", "## 反映较多的街道", "", "| 街道 | 本周 | 上周 | 变化 | 最多的问题 |", "|---|---:|---:|---:|---|"]
    lines += [f"| {row.name} | {row.this_week} | {row.last_week} | {percent(row.change)} | {row.top_category} |"
              for row in briefing.streets]
    lines += ["", "## 上升话题", ""]
    lines += [f"- “{row.term}”（{'微查询' if row.source == 'question' else '工单'}）本周 {row.this_week} 人次，"
              f"此前周均 {row.weekly_before:.1f}" for row in briefing.terms] or ["- 本周没有明显上升的话题"]
    lines += ["", "## 预警与处置", ""]
    lines += [f"- [{KIND_NAMES.get(alert.kind, alert.kind)}] {alert.summary} —— {outcome(alert)}"
              for alert in briefing.alerts] or ["- 本周没有预警"]
    return "\n".join(lines) + "\n"


def as_csv(briefing: Briefing) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["部分", "名称", "本周", "上周", "变化"])
    writer.writerow(["合计", "全市", briefing.total, briefing.previous_total, percent(briefing.change)])
    for row in briefing.categories:
        writer.writerow(["热点问题", row.label, row.this_week, row.last_week, percent(row.change)])
    for row in briefing.streets:
        writer.writerow(["街道", row.name, row.this_week, row.last_week, percent(row.change)])
    for row in briefing.terms:
        writer.writerow(["上升话题", row.term, row.this_week, f"{row.weekly_before:.1f}", ""])
    for alert in briefing.alerts:
        writer.writerow(["预警", alert.summary, alert.observed, "", outcome(alert)])
    return "\ufeff" + out.getvalue()  # the BOM lets Excel read the UTF-8
