"""What an alert's page shows: its trend, the places and tickets behind it (masked), its questions,
and the choices of the 主动治理 form."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from core.dates import china_date
from faq.models import UnansweredQuestion
from reference.models import Category, Department
from stats.insight.alert_actions import evidence_tickets
from stats.insight.areas import AreaIndex
from stats.insight.masking import mask_text
from stats.insight.models import Alert, AlertEvidence, InsightCount, InsightTerm, QuestionLog
from stats.insight.seat import Sample, samples

STATUS_NAMES = {"open": "待处理", "acknowledged": "已确认", "dismissed": "已忽略", "task": "已转主动治理"}
KIND_NAMES = {"spike": "数量突增", "cluster": "同一事件（三天三单）", "rising": "上升话题"}
TREND_DAYS = 35
MAX_SHOWN = 200


@dataclass
class AlertView:
    alert: Alert
    tickets: list[Sample]
    ticket_count: int
    places: list[tuple[str, int]]
    questions: list[tuple[str, str]]  # (text, 已答复/未答复)
    chart: dict


def _series(alert: Alert, session: Session, today: date, ticket_days: list[date]) -> dict:
    first = today - timedelta(days=TREND_DAYS - 1)
    days = [first + timedelta(days=n) for n in range(TREND_DAYS)]
    counts: dict[date, int] = {}
    if alert.kind == "spike" and alert.category_id:
        counts = dict(session.execute(select(InsightCount.day, InsightCount.citizens).where(
            InsightCount.category_id == alert.category_id, InsightCount.area == alert.area,
            InsightCount.day >= first)).all())
        name = "每日反映人数（本区域本分类）"
    elif alert.kind == "rising":
        source = (alert.numbers or {}).get("source", "question")
        counts = dict(session.execute(select(InsightTerm.day, InsightTerm.citizens).where(
            InsightTerm.source == source, InsightTerm.term == alert.term, InsightTerm.day >= first)).all())
        name = "每日提及人数"
    else:
        counts = Counter(ticket_days)
        name = "每日相关工单"
    return {"dates": [day.strftime("%m-%d") for day in days], "series": [{"name": name,
                                                                          "data": [counts.get(d, 0) for d in days]}]}


def _questions(session: Session, alert: Alert) -> list[tuple[str, str]]:
    found = []
    for source, model, answered in (("log", QuestionLog, "已答复"), ("unanswered", UnansweredQuestion, "未答复")):
        ids = select(AlertEvidence.question_id).where(AlertEvidence.alert_id == alert.id,
                                                      AlertEvidence.question_source == source)
        for text in session.scalars(select(model.text).where(model.id.in_(ids)).order_by(model.id.desc())
                                    .limit(MAX_SHOWN)):
            found.append((mask_text(text), answered))
    return found


def alert_view(session: Session, alert: Alert, today: date) -> AlertView:
    tickets = evidence_tickets(session, alert)
    index = AreaIndex.from_session(session)
    shown = samples(tickets[-MAX_SHOWN:][::-1], index)
    places = Counter(sample.place for sample in samples(tickets, index)).most_common(30)
    chart = _series(alert, session, today, [china_date(ticket.received_at) for ticket in tickets])
    return AlertView(alert, shown, len(tickets), places, _questions(session, alert), chart)


def department_choices(session: Session) -> list[Department]:
    order = {"district": 0, "street": 1, "bureau": 2, "enterprise": 3}
    rows = session.scalars(select(Department).where(Department.active))
    return sorted(rows, key=lambda row: (order.get(row.kind, 9), row.sort, row.code))


def leaf_choices(session: Session) -> list[Category]:
    child = aliased(Category)
    has_children = exists().where(child.parent_id == Category.id)
    return list(session.scalars(select(Category).where(Category.active, ~has_children).order_by(Category.code)))


def alert_page(session: Session, status: str, kind: str, page: int, per_page: int = 25) -> tuple[list[Alert], int]:
    query = select(Alert)
    if status == "active":
        query = query.where(Alert.status.in_(("open", "acknowledged")))
    elif status in STATUS_NAMES:
        query = query.where(Alert.status == status)
    if kind in KIND_NAMES:
        query = query.where(Alert.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Alert.last_signal_at.desc(), Alert.id.desc())
                           .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total
