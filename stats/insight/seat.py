"""What the media seat reads (/staff/insight): category trends, the area table, rising terms and masked
sample tickets, from detection's running counts (distinct citizens a day, valid tickets only)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from reference.models import Category
from stats.insight.areas import CITY, AreaIndex
from stats.insight.masking import mask_text, masked_place
from stats.insight.models import Alert, InsightCount, InsightTerm
from stats.insight.wording import category_label
from submit.models import Ticket

SAMPLE_CHARS = 120


@dataclass
class Trend:
    label: str
    this_week: int
    last_week: int
    series: list[int] = field(default_factory=list)

    @property
    def change(self) -> float | None:
        return None if not self.last_week else (self.this_week - self.last_week) / self.last_week


def week_bounds(today: date) -> tuple[date, date]:
    """The last 7 days ending today, and the 7 before."""
    return today - timedelta(days=6), today - timedelta(days=13)


def category_trends(session: Session, today: date, *, days: int = 30, top: int = 6) -> tuple[list[date], list[Trend]]:
    first = today - timedelta(days=days - 1)
    this_start, last_start = week_bounds(today)
    rows = session.execute(select(InsightCount.category_id, InsightCount.day, InsightCount.citizens)
                           .where(InsightCount.area == CITY, InsightCount.day >= min(first, last_start)))
    by_category: dict[int, dict[date, int]] = defaultdict(dict)
    for category_id, day, citizens in rows:
        by_category[category_id][day] = citizens
    dates = [first + timedelta(days=n) for n in range(days)]
    labels = {category.id: category_label(category) for category in session.scalars(
        select(Category).options(selectinload(Category.parent)).where(Category.id.in_(list(by_category))))}
    trends = []
    for category_id, counts in by_category.items():
        this = sum(n for day, n in counts.items() if day >= this_start)
        last = sum(n for day, n in counts.items() if last_start <= day < this_start)
        trends.append(Trend(labels.get(category_id, "未分类"), this, last, [counts.get(day, 0) for day in dates]))
    trends.sort(key=lambda trend: -trend.this_week)
    return dates, trends[:top]


@dataclass
class AreaRow:
    name: str
    kind: str  # district, street
    this_week: int
    last_week: int
    top_category: str

    @property
    def change(self) -> float | None:
        return None if not self.last_week else (self.this_week - self.last_week) / self.last_week


def area_table(session: Session, today: date, index: AreaIndex) -> list[AreaRow]:
    this_start, last_start = week_bounds(today)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    leading: dict[str, tuple[int, int]] = {}
    for slot, first, last in ((0, this_start, today), (1, last_start, this_start - timedelta(days=1))):
        query = (select(InsightCount.area, InsightCount.category_id, func.sum(InsightCount.citizens))
                 .where(InsightCount.day >= first, InsightCount.day <= last,
                        or_(InsightCount.area.like("d%"), InsightCount.area.like("s%")))
                 .group_by(InsightCount.area, InsightCount.category_id))
        for area, category_id, citizens in session.execute(query):
            totals[area][slot] += int(citizens)
            if slot == 0 and citizens > leading.get(area, (0, 0))[1]:
                leading[area] = (category_id, int(citizens))
    names = {category.id: category_label(category) for category in session.scalars(
        select(Category).options(selectinload(Category.parent))
        .where(Category.id.in_([pair[0] for pair in leading.values()])))}
    rows = [AreaRow(index.label(area), "district" if area.startswith("d") else "street", this, last,
                    names.get(leading.get(area, (None, 0))[0], "")) for area, (this, last) in totals.items()]
    return sorted(rows, key=lambda row: (row.kind != "district", -row.this_week))


@dataclass
class TermRow:
    term: str
    source: str
    this_week: int
    weekly_before: float

    @property
    def ratio(self) -> float:
        return (self.this_week + 1) / (self.weekly_before + 1)


def rising_terms(session: Session, today: date, *, top: int = 10, minimum: int = 5) -> list[TermRow]:
    """Terms used by more citizens in the last 7 days than in an average week of the 4 before."""
    this_start = today - timedelta(days=6)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    before = this_start - timedelta(days=1)
    for slot, first, last in ((0, this_start, today), (1, before - timedelta(days=27), before)):
        query = (select(InsightTerm.source, InsightTerm.term, func.sum(InsightTerm.citizens))
                 .where(InsightTerm.day >= first, InsightTerm.day <= last,
                        InsightTerm.source.in_(("question", "ticket")))
                 .group_by(InsightTerm.source, InsightTerm.term))
        for source, term, citizens in session.execute(query):
            counts[(source, term)][slot] += int(citizens)
    rows = [TermRow(term, source, this, before / 4) for (source, term), (this, before) in counts.items()
            if this >= minimum]
    return sorted(rows, key=lambda row: -row.ratio)[:top]


@dataclass
class Sample:
    number: str
    received_at: object
    category: str
    place: str
    text: str


def samples(tickets: list[Ticket], index: AreaIndex) -> list[Sample]:
    """Tickets as analysts may see them: no citizen, the place only, the words masked and cut."""
    out = []
    for ticket in tickets:
        text = mask_text(ticket.content)
        out.append(Sample(ticket.number, ticket.received_at, category_label(ticket.category),
                          masked_place(ticket.address, ticket.location_label, index),
                          text if len(text) <= SAMPLE_CHARS else text[:SAMPLE_CHARS - 1] + "…"))
    return out


def open_alerts(session: Session, limit: int = 10) -> list[Alert]:
    return list(session.scalars(select(Alert).where(Alert.status.in_(("open", "acknowledged")))
                                .order_by(Alert.last_signal_at.desc()).limit(limit)))
