"""Demo data (HOTLINE_DEMO=1, `flask demo load`, order 60): a simulated month at a small city's volume
(the simulator's bulk path; tickets keyed "sim:<seed>:…"), replayed through detection once a
simulated day over the last week and finally now, so the media seat has its trends and a few live
alerts from the events of the last days. The tickets live their lifecycle up to now (派单, 签收, 答复,
回访 and 办结 by the simulator's clerks sim-agent, sim-supervisor and sim-<department>; a few late or
stalled, the newest still waiting), so the figures and the queue look like a real month's. Runs once:
a second load finds the month and changes nothing."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.dates import CHINA
from core.db import utcnow
from core.demo import demo_loader
from stats.insight.models import Alert
from stats.insight.params import Params
from stats.insight.replay import replay
from stats.insight.simulate import SimConfig
from stats.insight.simulate_events import simulate
from submit.models import Ticket

DEMO = SimConfig(days=30, seed=2026, tickets_per_day=160, questions_per_day=60, events_per_week=3.0,
                 warmup_days=12, lifecycle=True)
BASELINE_DAYS = 21


@demo_loader("insight", order=60)
def load_demo(session: Session) -> str:
    if session.scalar(select(Ticket.id).where(Ticket.idempotency_key.like(f"sim:{DEMO.seed}:%")).limit(1)):
        return "the simulated month is already loaded"
    result = simulate(session, DEMO, city_code=current_app.config["CITY_CODE"])
    session.commit()
    # The first run reads three weeks at once (the job would have run since the month began, but the
    # demo's older tickets are too few to be its baseline), then one run a simulated day, then now.
    start = datetime.combine(result.first + timedelta(days=BASELINE_DAYS), datetime.min.time(), tzinfo=CHINA)
    replay(session, start, utcnow(), timedelta(days=1), secret=current_app.config["SECRET_KEY"].encode(),
           params=Params.from_config(current_app.config))
    alerts = session.scalar(select(func.count()).select_from(Alert))
    live = session.scalar(select(func.count()).select_from(Alert).where(Alert.status == "open"))
    return f"simulated {result.tickets} tickets and {result.questions} questions; {alerts} alerts ({live} open)"
