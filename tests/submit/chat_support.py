"""What the chat tests of 微受理 share: a citizen talking through the real webhook
(tests.support.simulator_for) and helpers to walk the dialogue. The fixtures are in chat_fixtures.py."""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import yaml
from sqlalchemy import func, select

from config import ROOT
from core.db import db
from core.jobs import huey
from reference.seed import load_seed
from submit.demo import DEMO_FILE
from submit.models import Ticket
from tests.support import simulator_for
from wechat import dialogue

JPEG = b"\xff\xd8\xff\xe0" + b"a photo of a cold radiator" * 10
PNG = b"\x89PNG\r\n\x1a\n" + b"a photo of the pipe" * 10
HELD_OUT = ROOT / "bench" / "data" / "demo_heldout.json"
DEMO_ENTRIES = ROOT / "faq" / "demo" / "entries.yaml"
DESCRIPTION = "家里暖气片一直不热，室温只有十二度，老人孩子都冻感冒了，请尽快派人来看看。"


def seeded(app):
    with app.app_context():
        load_seed(db.session)
        db.session.commit()
    return app


class Citizen:
    """A citizen in WeChat: says things, clicks the menu, sends photos and places; returns the reply text."""

    def __init__(self, app, openid: str = "oCitizenChat0001"):
        self.app, self.openid = app, openid
        self.sim = simulator_for(app, openid=openid)
        self._last_second = 0
        self.sim.clock = self._clock

    def _clock(self) -> float:
        """WeChat's clock, a second on for every push: two clicks of one menu key in the same second
        would be one event to the dedup (openid + CreateTime + key), as they are to WeChat."""
        self._last_second = max(int(time.time()), self._last_second + 1)
        return self._last_second

    def says(self, text: str) -> str:
        return self.sim.text(text).text or ""

    def clicks(self, key: str) -> str:
        return self.sim.click(key).text or ""

    def sends_photo(self, media_id: str) -> str:
        return self.sim.image(media_id).text or ""

    def shares_location(self, lat: float, lng: float, label: str = "") -> str:
        return self.sim.location(lat, lng, label).text or ""

    def retries(self) -> str:
        return self.sim.retry().text or ""

    def dialogue(self):
        with self.app.app_context():
            return dialogue.current(self.openid)

    def tickets(self) -> list[Ticket]:
        with self.app.app_context():
            found = list(db.session.scalars(select(Ticket).where(Ticket.citizen_openid == self.openid)
                                            .order_by(Ticket.id)))
            for ticket in found:
                ticket.attachments, ticket.request_type, ticket.category  # noqa: B018 - load before the session ends
            db.session.expunge_all()
            return found


def ticket_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ticket))


def until_name(citizen: Citizen, description: str = DESCRIPTION) -> str:
    """A complaint by the menu, up to the question of the name; returns that question."""
    citizen.clicks("SUBMIT_COMPLAINT")
    citizen.says(description)
    citizen.says("1")
    citizen.says("小店区坞城路88号学苑小区3单元502")
    return citizen.says("跳过")


def until_summary(citizen: Citizen, description: str = DESCRIPTION) -> str:
    until_name(citizen, description)
    citizen.says("张先生")
    citizen.says("138 1234 5678")
    return citizen.says("2")


def demo_tickets() -> list[tuple[str, str]]:
    """(content, category) of the demo tickets."""
    return [(row["content"], row["category"]) for row in yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))]


def held_out_questions() -> list[tuple[str, str]]:
    """The 微查询 held-out questions with the category of the entry that answers each."""
    entries = {row["key"]: row for row in yaml.safe_load(DEMO_ENTRIES.read_text(encoding="utf-8"))}
    queries = json.loads(HELD_OUT.read_text(encoding="utf-8"))["queries"]
    return [(query["q"], entries[query["gold"]]["category"]) for query in queries if query["gold"]]


def run_due_jobs(after: timedelta) -> int:
    """Run the scheduled jobs that would be due `after` from now (the consumer's clock moved on)."""
    moment = datetime.now(UTC).replace(tzinfo=None) + after
    due = huey.read_schedule(moment)
    for task in due:
        huey.execute(task, moment)
    return len(due)
