"""Server time of the console's heavy pages with a year of a busy hotline in the database.

For SQLite (a scratch file) and PostgreSQL (a scratch database on the test server, bench/services.py):
the schema (create_all: the models' tables and indexes, what the migrations build) and the reference
data, then TICKETS tickets and about a million events (bench/console_data.py, bulk inserts), ANALYZE,
then each page through the Flask test client, signed in as a supervisor: one warm-up request, then
ROUNDS timed requests (ROUNDS_SLOW for the year). Server time = the whole request handled in-process
(routing, login, queries, template), without network. Reports the first request (for the figures: the
day cache still empty, stats.cache), then p50 and p99 in ms; target < 300 ms. "an event before each":
a 签收, 办结 or 派单 on a random ticket of the year before every request, so each one first recounts the
days that event changes (stats.cache).

    .venv/bin/python -m bench console          # both databases (PostgreSQL skipped if unreachable)
    BENCH_CONSOLE_TICKETS=20000 BENCH_CONSOLE_DB=sqlite .venv/bin/python -m bench console
"""
from __future__ import annotations

import contextlib
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import timedelta

import sqlalchemy as sa

from app import create_app
from bench.console_data import fill
from bench.services import temporary_postgres
from core.dates import china_today
from core.db import db, utcnow
from reference.seed import load_seed
from staff.service import create_staff
from submit.models import TicketEvent

TICKETS = int(os.environ.get("BENCH_CONSOLE_TICKETS", "100000"))
ROUNDS = int(os.environ.get("BENCH_CONSOLE_ROUNDS", "30"))
ROUNDS_SLOW = int(os.environ.get("BENCH_CONSOLE_ROUNDS_SLOW", "12"))
BACKENDS = os.environ.get("BENCH_CONSOLE_DB", "sqlite,postgres").split(",")
PASSWORD = "bench-console-2026"
WITH_CHANGES = ", an event before each"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pages() -> list[tuple[str, str, int]]:
    today = china_today()
    year = f"kind=custom&start={today - timedelta(days=364)}&end={today}"
    return [
        ("queue: default tab", "/staff/tickets/", ROUNDS),
        ("queue: status 已签收", "/staff/tickets/?tab=all&status=accepted", ROUNDS),
        ("queue: overdue", "/staff/tickets/?tab=all&due=overdue", ROUNDS),
        ("queue: department + newest", "/staff/tickets/?tab=all&department=RLJT&sort=received", ROUNDS),
        ("queue: number search", "/staff/tickets/?tab=all&q=BN000000050000", ROUNDS),
        ("queue: page 200", "/staff/tickets/?tab=all&page=200", ROUNDS),
        ("figures: this month", "/staff/stats/?kind=month", ROUNDS),
        ("figures: month by leaf", "/staff/stats/?kind=month&by=leaf", ROUNDS),
        ("figures: a year", f"/staff/stats/?{year}", ROUNDS_SLOW),
        ("figures: a year, one department", f"/staff/stats/?{year}&department=__RLJT__", ROUNDS_SLOW),
        (f"figures: a year{WITH_CHANGES}", f"/staff/stats/?{year}", ROUNDS_SLOW),
        ("overview", "/staff/stats/overview", ROUNDS),
    ]


def _prepare(url: str, data_dir: str):
    app = create_app({"TESTING": True, "DATA_DIR": data_dir, "DATABASE_URL": url, "JOBS_IMMEDIATE": True,
                      "STATE_PREFIX": f"bench-{uuid.uuid4().hex[:8]}:"})
    with app.app_context():
        db.create_all()
        load_seed(db.session)
        staff = create_staff(db.session, "bench-supervisor", PASSWORD, "supervisor", "值班长", "HOTLINE")
        db.session.commit()
        started = time.perf_counter()
        tickets, events = fill(db.session, staff.id, utcnow(), TICKETS)
        print(f"  data: {tickets} tickets, {events} events in {time.perf_counter() - started:.0f} s")
        with db.engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
        rljt = db.session.scalar(sa.text("SELECT id FROM department WHERE code = 'RLJT'"))
        db.session.remove()
    return app, rljt


def _signed_in(app):
    client = app.test_client()
    token = CSRF.search(client.get("/staff/login").get_data(as_text=True)).group(1)
    response = client.post("/staff/login", data={"csrf_token": token, "username": "bench-supervisor",
                                                 "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def _event_on_a_ticket(app, rng: random.Random) -> None:
    """What a staff action does to the figures' cache: a 签收, 办结 or 派单 on some ticket of the year (a 派单
    drops every day the ticket counts on)."""
    kind = rng.choice(("accepted", "closed", "dispatched"))
    with app.app_context():
        db.session.execute(sa.insert(TicketEvent.__table__).values(
            ticket_id=rng.randint(1, TICKETS), kind=kind, actor_kind="staff", actor_role="agent", reason="",
            note="bench", public=False, data={"department": "RLJT"} if kind == "dispatched" else {}, at=utcnow()))
        db.session.commit()
        db.session.remove()


def _measure(client, path: str, rounds: int, before=None) -> tuple[float, float, float, int] | None:
    started = time.perf_counter()
    first = client.get(path)  # warm-up: first compile of the statements; fills the figures' day cache
    cold = (time.perf_counter() - started) * 1000
    if first.status_code == 404:
        return None
    assert first.status_code == 200, (path, first.status_code)
    times = []
    for _ in range(rounds):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    return cold, statistics.median(times), p99, rounds


def run(name: str, url: str) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        print(f"-- {name}")
        app, rljt = _prepare(url, data_dir)
        client = _signed_in(app)
        print(f"  {'page':40} {'first ms':>9} {'p50 ms':>8} {'p99 ms':>8}  n")
        rng = random.Random(1)
        for label, path, rounds in pages():
            before = None
            if label.endswith(WITH_CHANGES):
                before = lambda: _event_on_a_ticket(app, rng)  # noqa: E731
            result = _measure(client, path.replace("__RLJT__", str(rljt)), rounds, before)
            if result is None:
                print(f"  {label:40} {'(no such page)':>18}")
                continue
            cold, p50, p99, count = result
            flag = "" if p99 < 300 else "  over 300 ms"
            print(f"  {label:40} {cold:9.0f} {p50:8.1f} {p99:8.1f}  {count}{flag}")
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


def main() -> None:
    if "sqlite" in BACKENDS:
        with tempfile.TemporaryDirectory() as folder:
            run("SQLite (file, WAL)", f"sqlite:///{folder}/bench.sqlite")
    if "postgres" in BACKENDS:
        try:
            context = temporary_postgres()
            url = context.__enter__()
        except Exception as exc:  # noqa: BLE001
            print(f"-- PostgreSQL skipped: {type(exc).__name__}: {exc}")
            return
        with contextlib.ExitStack() as stack:
            stack.push(context)
            run("PostgreSQL", url)
