"""`flask insight simulate`: a month (or any number of days) of tickets and questions, with injected
events of known size, place and start, deterministic by seed.

Background: tickets per day × weekday factor × a gamma day-to-day wobble; categories by weight
(stats.insight.simulate_data.CATEGORY_MODEL × a seeded log-normal), heating categories ×1 in the
采暖期 (Nov 1 – Mar 31) with a start-of-season surge (+80%, fading in about a week), ×0.1 outside
it; districts by population, streets and places uniform (150 compounds, 12 roads, 4 sites a
street); times of day by an hourly profile; citizens drawn from a pool (some call twice).

Injected, from their own random stream (so a seed's background is the same with or without them):
events at one compound, road or site (3–40 distinct citizens over 1–3 days, 80% filed in the event's
leaf, the rest in a sibling leaf), a rising question topic, and negatives that must not alert (one
citizen's burst, a spam burst marked 无效, tickets whose clock runs 3 days ahead). The ground truth
is returned (the CLI writes it as JSON). Rows are written by stats.insight.simulate_write; with
`lifecycle` the tickets are also dispatched, answered, rated and closed as far as their time allows
(stats.insight.simulate_lifecycle), else they all stay at 受理.
"""
from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from core.dates import CHINA
from stats.insight import simulate_data as data
from stats.insight.simulate_city import City, Place, SimCategory
from submit.fields import derive_title

EVENT_SIZES = (3, 3, 4, 5, 6, 8, 10, 14, 20, 40)
EVENT_HOURS = (24, 48, 72)


@dataclass(frozen=True)
class SimConfig:
    days: int = 30
    seed: int = 1
    end: date | None = None  # the last simulated China day (default: today)
    tickets_per_day: float = 3500.0
    questions_per_day: float = 600.0
    events_per_week: float = 3.0
    warmup_days: int = 14  # injected events start after this many days
    events: bool = True
    negatives: bool = True
    rising: bool = True
    coordinates: float = 0.7  # share of WeChat/H5 tickets with a map point
    spam_share: float = 0.004
    lifecycle: bool = False  # take tickets past 受理 (派单 … 办结) up to the stop: stats.insight.simulate_lifecycle


@dataclass
class Truth:
    id: int
    kind: str  # event, rising, one_citizen, spam, skew
    category: str  # leaf code ("" for a question topic)
    place: str
    area: str
    start: str  # ISO time
    hours: float
    size: int  # distinct citizens
    story: str = ""
    latitude: float | None = None
    longitude: float | None = None
    expect_alert: bool = True
    ticket_keys: list[str] = field(default_factory=list)
    question_keys: list[str] = field(default_factory=list)
    ticket_ids: list[int] = field(default_factory=list)
    question_ids: list[list] = field(default_factory=list)  # [source, id]

    def as_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if key not in ("ticket_keys", "question_keys")}


def season_factor(day: date) -> float:
    in_season = day.month in (11, 12, 1, 2, 3)
    if not in_season:
        return 0.1
    since_start = (day - date(day.year if day.month >= 11 else day.year - 1, 11, 1)).days
    return 1.0 + 0.8 * math.exp(-since_start / 5)


def moment(day: date, rng: random.Random) -> datetime:
    hour = rng.choices(range(24), weights=data.HOURS)[0]
    return datetime.combine(day, time(hour), tzinfo=CHINA) + timedelta(seconds=rng.randrange(3600))


class Simulator:
    def __init__(self, city: City, config: SimConfig):
        self.city, self.config = city, config
        self.end = config.end or datetime.now(CHINA).date()
        self.first = self.end - timedelta(days=config.days - 1)
        self.rng = random.Random(config.seed)
        self.event_rng = random.Random(config.seed * 7919 + 17)
        self.pool = max(50, int(config.tickets_per_day * config.days * 0.8))
        self.truth: list[Truth] = []
        self.extra: dict[date, list[dict]] = {}  # injected tickets by China day
        self.extra_questions: dict[date, list[dict]] = {}
        self.serial = 0
        # Nothing is simulated after the end of the last day, or after now.
        self.stop = min(datetime.combine(self.end, time.max, tzinfo=CHINA), datetime.now(CHINA))

    # --- tickets -------------------------------------------------------------------------------
    def key(self) -> str:
        self.serial += 1
        return f"sim:{self.config.seed}:{self.end:%Y%m%d}:{self.serial}"

    def citizen(self, number: int) -> dict:
        phone = f"13{(number * 7919 + self.config.seed * 104729) % 10 ** 9:09d}"
        name = data.SURNAMES[number % len(data.SURNAMES)] + ("先生" if number % 2 else "女士")
        return {"citizen": number, "openid": f"sim{self.config.seed}c{number}", "phone": phone, "name": name}

    def ticket(self, rng: random.Random, category: SimCategory, place: Place | None, at: datetime, *,
               citizen: int, content: str | None = None, keyword: str | None = None) -> dict:
        channel = rng.choices([c for c, _ in data.CHANNELS], weights=[w for _, w in data.CHANNELS])[0]
        who = self.citizen(citizen)
        kind = rng.choices([t for t, _ in data.REQUEST_TYPES], weights=[w for _, w in data.REQUEST_TYPES])[0]
        address, latitude, longitude = "", None, None
        if place is not None:
            address = place.address(rng)
            if channel != "phone" and rng.random() < self.config.coordinates:
                latitude = place.latitude + rng.gauss(0, 0.0004)
                longitude = place.longitude + rng.gauss(0, 0.0004)
        if content is None:
            content = self.city.text(rng, category, place, keyword)
        return {"key": self.key(), "received_at": at, "created_at": at, "category": category.code,
                "request_type": kind if place is not None or kind in ("enquiry", "suggestion") else "enquiry",
                "channel": channel, "content": content, "title": derive_title(content), "address": address,
                "latitude": latitude, "longitude": longitude, "openid": None if channel == "phone" else who["openid"],
                "name": who["name"], "phone": who["phone"], "invalid": False}

    def background(self, day: date) -> list[dict]:
        rng = self.rng
        weights = [category.weight * (season_factor(day) if category.heating else 1.0)
                   for category in self.city.categories]
        scale = sum(weights) / self.city.base_weight
        expected = self.config.tickets_per_day * data.WEEKDAY[day.weekday()] * scale * rng.gammavariate(50, 1 / 50)
        count = max(0, round(expected))
        tickets = []
        for category in rng.choices(self.city.categories, weights=weights, k=count):
            place = self.city.place_for(rng, category)
            item = self.ticket(rng, category, place, moment(day, rng), citizen=rng.randrange(self.pool))
            if rng.random() < self.config.spam_share:
                item.update(content=rng.choice(data.SPAM).format(n=item["phone"]), invalid=True)
                item["title"] = derive_title(item["content"])
            tickets.append(item)
        return tickets

    def tickets_of(self, day: date) -> list[dict]:
        tickets = [item for item in self.background(day) if item["created_at"] <= self.stop]
        return sorted(tickets + self.extra.get(day, []), key=lambda item: item["created_at"])

    def days(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range(self.config.days)]

    # --- questions -----------------------------------------------------------------------------
    def questions_of(self, day: date) -> list[dict]:
        rng = self.rng
        count = round(self.config.questions_per_day * data.WEEKDAY[day.weekday()] * rng.gammavariate(50, 1 / 50))
        rows = []
        for _ in range(count):
            question = rng.choice(data.QUESTION_FRAMES).format(q=rng.choice(data.QUESTIONS))
            rows.append({"text": question, "citizen": rng.randrange(self.pool), "at": moment(day, rng),
                         "answered": rng.random() < 0.8, "key": None})
        rows = [row for row in rows if row["at"] <= self.stop]
        return sorted(rows + self.extra_questions.get(day, []), key=lambda row: row["at"])

    def add(self, day: date, item: dict, truth: Truth) -> None:
        self.extra.setdefault(day, []).append(item)
        truth.ticket_keys.append(item["key"])
