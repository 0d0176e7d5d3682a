"""What the simulator injects on top of the background (events, a rising question topic, the negative
cases, each recorded as a Truth), and `simulate`, which writes it all day by day."""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dates import CHINA, china_date
from stats.insight import simulate_data as data
from stats.insight.simulate import EVENT_HOURS, EVENT_SIZES, SimConfig, Simulator, Truth
from stats.insight.simulate_city import City
from stats.insight.simulate_lifecycle import Lifecycle
from stats.insight.simulate_write import BulkWriter, write_questions
from submit.models import Ticket


def _start(sim: Simulator, rng: random.Random, offset_days: float) -> datetime:
    day = sim.first + timedelta(days=int(offset_days))
    return datetime.combine(day, datetime.min.time(), tzinfo=CHINA) + timedelta(hours=rng.uniform(7, 20))


def _story(rng: random.Random, place, keyword: str) -> str:
    template = rng.choice(data.EVENT_STORIES[place.kind])
    return template.format(where=place.name, b=rng.randint(1, 20), b2=rng.randint(21, 30), kw=keyword,
                           landmark=rng.choice(data.LANDMARKS))


def inject_events(sim: Simulator) -> None:
    rng, config = sim.event_rng, sim.config
    span = config.days - config.warmup_days - 1
    if span <= 0:
        return
    count = max(1, round(config.events_per_week * span / 7))
    eventful = [category for category in sim.city.categories if category.place_kind in data.EVENT_PLACES]
    for _ in range(count):
        category = rng.choice(eventful)
        place = sim.city.place_for(rng, category)
        start = _start(sim, rng, config.warmup_days + rng.uniform(0, span))
        size, hours = rng.choice(EVENT_SIZES), rng.choice(EVENT_HOURS)
        keyword = rng.choice(category.keywords)
        truth = Truth(len(sim.truth) + 1, "event", category.code, place.name, f"{place.district}{place.street}",
                      start.isoformat(), hours, size, _story(rng, place, keyword), place.latitude, place.longitude)
        for n in range(size):
            at = min(start + timedelta(hours=rng.uniform(0, hours)), sim.stop)
            filed = category if rng.random() < 0.8 else sim.city.sibling(rng, category)
            story = _story(rng, place, keyword) if rng.random() < 0.3 else truth.story
            content = sim.city.text(rng, filed, place, keyword, story=story)
            item = sim.ticket(rng, filed, place, at, citizen=sim.pool + truth.id * 1000 + n, content=content)
            sim.add(china_date(at), item, truth)
        sim.truth.append(truth)


def inject_negatives(sim: Simulator) -> None:
    """One citizen's burst, a spam burst marked 无效, and tickets whose clock runs 3 days ahead."""
    rng, config = sim.event_rng, sim.config
    offset = min(config.warmup_days + 2, config.days - 1)
    eventful = [category for category in sim.city.categories if category.place_kind == "compound"]
    for kind, size in (("one_citizen", 6), ("spam", 12), ("skew", 5)):
        category = rng.choice(eventful)
        place = sim.city.place_for(rng, category)
        start = _start(sim, rng, offset)
        truth = Truth(len(sim.truth) + 1, kind, category.code, place.name, f"{place.district}{place.street}",
                      start.isoformat(), 3, 1 if kind == "one_citizen" else size, expect_alert=kind == "skew")
        keyword = rng.choice(category.keywords)
        for n in range(size):
            at = min(start + timedelta(minutes=rng.uniform(0, 180)), sim.stop)
            citizen = sim.pool + truth.id * 1000 + (0 if kind == "one_citizen" else n)
            item = sim.ticket(rng, category, place, at, citizen=citizen,
                              content=sim.city.text(rng, category, place, keyword, story=_story(rng, place, keyword)))
            if kind == "spam":
                item.update(content=rng.choice(data.SPAM).format(n=item["phone"]), invalid=True)
            if kind == "skew":
                item["received_at"] = at + timedelta(days=3)
            sim.add(china_date(at), item, truth)
        sim.truth.append(truth)


def inject_rising(sim: Simulator) -> None:
    """A new policy everyone suddenly asks about: questions ramping up over six days (30% unanswered)."""
    rng, config = sim.event_rng, sim.config
    topic, wordings = rng.choice(data.RISING_TOPICS)
    first = max(config.warmup_days, config.days - 7)
    if first >= config.days:
        return
    start = _start(sim, rng, first)
    truth = Truth(len(sim.truth) + 1, "rising", "", topic, "", start.isoformat(), 144, 0, story=topic)
    per_day = (15, 30, 60, 90, 120, 150)
    citizen = sim.pool + 900_000 + truth.id * 10_000
    for day_offset, count in enumerate(per_day):
        day = china_date(start) + timedelta(days=day_offset)
        if day > sim.end:
            break
        for _ in range(count):
            at = datetime.combine(day, datetime.min.time(), tzinfo=CHINA) + timedelta(seconds=rng.randrange(86400))
            if at > sim.stop:
                continue
            key = f"q:{truth.id}:{citizen}"
            text = rng.choice(data.QUESTION_FRAMES).format(q=rng.choice(wordings))
            sim.extra_questions.setdefault(day, []).append(
                {"text": text, "citizen": citizen, "at": at, "answered": rng.random() >= 0.3, "key": key})
            truth.question_keys.append(key)
            citizen += 1
    truth.size = len(truth.question_keys)
    sim.truth.append(truth)


def plan(sim: Simulator) -> Simulator:
    if sim.config.events:
        inject_events(sim)
    if sim.config.negatives:
        inject_negatives(sim)
    if sim.config.rising:
        inject_rising(sim)
    return sim


@dataclass
class SimResult:
    tickets: int
    questions: int
    first: date
    end: date
    truth: list[Truth]

    def as_dict(self, config: SimConfig) -> dict:
        return {"config": {**asdict(config), "end": self.end.isoformat()}, "first": self.first.isoformat(),
                "end": self.end.isoformat(), "tickets": self.tickets, "questions": self.questions,
                "truth": [truth.as_dict() for truth in self.truth]}


class AlreadySimulated(ValueError):
    pass


def simulate(session: Session, config: SimConfig, *, city_code: str,
             progress: Callable[[date, int], None] | None = None) -> SimResult:
    """Write the simulated days in the caller's transaction (the caller commits); day by day, so a
    million tickets never sit in memory at once."""
    sim = plan(Simulator(City(session, config.seed), config))
    if session.scalar(select(Ticket.id).where(Ticket.idempotency_key.like(f"sim:{config.seed}:{sim.end:%Y%m%d}:%"))
                      .limit(1)):
        raise AlreadySimulated(f"seed {config.seed} ending {sim.end} is already in the database")
    lifecycle = Lifecycle(session, config.seed, sim.stop) if config.lifecycle else None
    writer = BulkWriter(session, city_code, lifecycle)
    tickets = questions = 0
    question_ids: dict[str, tuple[str, int]] = {}
    for day in sim.days():
        items = sim.tickets_of(day)
        writer.write_tickets(items, until=datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=CHINA))
        rows = sim.questions_of(day) if config.questions_per_day or sim.extra_questions.get(day) else []
        question_ids.update(write_questions(session, rows, config.seed))
        tickets, questions = tickets + len(items), questions + len(rows)
        if progress:
            progress(day, len(items))
    writer.finish()
    for truth in sim.truth:
        truth.ticket_ids = [writer.ticket_ids[key] for key in truth.ticket_keys if key in writer.ticket_ids]
        truth.question_ids = [list(question_ids[key]) for key in truth.question_keys if key in question_ids]
    return SimResult(tickets, questions, sim.first, sim.end, sim.truth)
