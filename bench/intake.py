"""Intake (微受理): tickets made per second through the service, and a dialogue step through the webhook.

(a) Tickets per second through submit.service.create_ticket — validation, the working-day deadline,
    the day's number (one upsert), the ticket, its 'created' event, a savepoint and a commit per
    ticket — by WORKERS processes at once on one database, on SQLite (WAL, the embedded default) and
    on PostgreSQL (with Redis as the shared store, as scaled out). Same run, same processes: the
    citizens' path (submit.guards.create_guarded: the duplicate look-up and the daily-limit counter in
    the shared store on top) and the baseline, a bare INSERT of a comparable ticket row (numbers
    precomputed, one commit per row). Then, in one process: statements per ticket by kind, and where
    the time goes. Each is run BENCH_INTAKE_REPEAT (3) times: the best and the median rate, and the
    processes' own CPU per ticket (the machine's other load changes it less than the rates).
    Settings: BENCH_INTAKE_TICKETS per process (1000), BENCH_INTAKE_WORKERS (2).
(b) One dialogue step through the webhook (bench/intake_dialogue.py).
"""
from __future__ import annotations

import multiprocessing
import os
import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

from bench.services import REDIS_URL, temporary_postgres

TICKETS = int(os.environ.get("BENCH_INTAKE_TICKETS", "1000"))
REPEAT = int(os.environ.get("BENCH_INTAKE_REPEAT", "3"))
WORKERS = int(os.environ.get("BENCH_INTAKE_WORKERS", "2"))
DEMO_TICKETS = Path(__file__).resolve().parent.parent / "submit" / "demo" / "tickets.yaml"
STATEMENT = re.compile(r"\s*(\w+)(?:.*?\b(?:FROM|INTO|UPDATE)\s+\"?(\w+))?", re.S)
MODES = ("bare INSERT (baseline)", "create_ticket", "create_guarded (citizens' path)")


def _app(data_dir: str, database_url: str | None):
    """The app on SQLite under data_dir, or on PostgreSQL with Redis as the shared store (scale-out)."""
    from app import create_app

    config = {"DEMO": True, "DATA_DIR": data_dir, "LOG_LEVEL": "WARNING", "TICKETS_PER_DAY": 1_000_000}
    if database_url:
        config.update(DATABASE_URL=database_url, REDIS_URL=REDIS_URL,
                      STATE_PREFIX=f"bench-intake-{Path(data_dir).parent.name}:")
    return create_app(config)


def prepare(data_dir: str, database_url: str | None) -> None:
    """Tables and the reference data (types, categories, departments, calendar)."""
    from core.db import db
    from reference.seed import load_seed

    app = _app(data_dir, database_url)
    with app.app_context():
        db.create_all()
        load_seed(db.session)
        db.session.commit()
        db.engine.dispose()


def _submissions(worker: int, run: str) -> list:
    from submit.fields import Submission

    rows = [row for row in yaml.safe_load(DEMO_TICKETS.read_text(encoding="utf-8")) if row.get("openid")]
    made = []
    for n in range(TICKETS):
        row = rows[n % len(rows)]
        made.append(Submission(
            request_type=row["type"], category=row["category"], content=f"{row['content']}（{run}-{worker}-{n}）",
            name=row["name"], phone=row["phone"], address=row.get("address", ""), latitude=row.get("latitude"),
            longitude=row.get("longitude"), location_label=row.get("location_label", ""),
            openid=f"o-bench-{worker}-{n % 400}"))
    return made


def _bare_rows(session, worker: int, run: str, submissions: list) -> list[dict]:
    """Ticket rows as create_ticket would write them, resolved beforehand (only the INSERT is timed)."""
    from sqlalchemy import select

    from core.db import utcnow
    from reference.models import Category, RequestType

    types = dict(session.execute(select(RequestType.code, RequestType.id)).all())
    categories = {code: (ident, department) for code, ident, department in
                  session.execute(select(Category.code, Category.id, Category.department_id)).all()}
    now = utcnow()
    return [{"number": f"BX{run}{worker}{n:07d}", "request_type_id": types[item.request_type],
             "category_id": categories[item.category][0], "department_id": categories[item.category][1],
             "title": item.content[:30], "content": item.content, "address": item.address,
             "latitude": item.latitude, "longitude": item.longitude, "location_label": item.location_label,
             "citizen_openid": item.openid, "citizen_name": item.name, "phone": item.phone, "confidential": False,
             "channel": "wechat", "status": "received", "received_at": now, "deadline_at": now,
             "idempotency_key": f"bare:{run}:{worker}:{n}", "revision": 1, "round": 1, "chase_count": 0,
             "created_at": now, "updated_at": now}
            for n, item in enumerate(submissions)]


def _work(worker: int, mode: str, run: str, data_dir: str, database_url: str | None, barrier, results) -> None:
    """One process: TICKETS tickets in `mode`, one transaction each, started with the others."""
    from sqlalchemy import insert

    from core.db import db
    from submit.guards import create_guarded
    from submit.models import Ticket
    from submit.service import create_ticket

    app = _app(data_dir, database_url)
    with app.app_context():
        submissions = _submissions(worker, run)
        rows = _bare_rows(db.session, worker, run, submissions)
        db.session.rollback()
        statement = insert(Ticket.__table__)
        barrier.wait()
        started, cpu = time.perf_counter(), time.process_time()
        for n, item in enumerate(submissions):
            key = f"bench:{run}:{worker}:{n}"
            if mode == MODES[0]:
                db.session.execute(statement, rows[n])
            elif mode == MODES[1]:
                create_ticket(db.session, item, channel="wechat", idempotency_key=key)
            else:
                create_guarded(db.session, item, channel="wechat", idempotency_key=key)
            db.session.commit()
        results.put((time.perf_counter() - started, time.process_time() - cpu))
        db.engine.dispose()


def measure(mode: str, run: str, data_dir: str, database_url: str | None) -> tuple[float, float]:
    """Tickets per second with WORKERS processes at once (from the common start to the last one done), and
    the processes' own CPU ms per ticket (what the machine's other load does not change much)."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WORKERS), context.Queue()
    processes = [context.Process(target=_work, args=(worker, mode, run, data_dir, database_url, barrier, results))
                 for worker in range(WORKERS)]
    for process in processes:
        process.start()
    times = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode:
            raise RuntimeError(f"{mode}: a worker failed ({process.exitcode})")
    tickets = WORKERS * TICKETS
    return tickets / max(wall for wall, _cpu in times), sum(cpu for _wall, cpu in times) / tickets * 1000


def profile(data_dir: str, database_url: str | None, count: int = 200) -> tuple[Counter, dict[str, float]]:
    """In one process, per guarded ticket: the SQL statements by kind (counted on the engine), and ms spent
    before the number is taken (checks, guards, deadline), on the number's upsert, on the INSERTs, on COMMIT."""
    from sqlalchemy import event

    from core.db import db
    from submit import service
    from submit.guards import create_guarded

    app = _app(data_dir, database_url)
    seen: Counter = Counter()
    spent = dict.fromkeys(("before the number", "number", "inserts", "commit"), 0.0)
    marks: dict[str, float] = {}
    take_number = service.next_number

    def timed_number(*args):
        marks["number"] = time.perf_counter()
        number = take_number(*args)
        marks["inserts"] = time.perf_counter()
        return number

    def count_statement(conn, cursor, statement, parameters, context, executemany):
        found = STATEMENT.match(statement)
        seen[" ".join(filter(None, found.groups())) if found else statement.split()[0]] += 1

    service.next_number = timed_number
    try:
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count_statement)
            for n, item in enumerate(_submissions(9, "profile")[:count]):
                started = time.perf_counter()
                create_guarded(db.session, item, channel="wechat", idempotency_key=f"profile:{n}")
                made = time.perf_counter()
                db.session.commit()
                spent["before the number"] += marks["number"] - started
                spent["number"] += marks["inserts"] - marks["number"]
                spent["inserts"] += made - marks["inserts"]
                spent["commit"] += time.perf_counter() - made
            event.remove(db.engine, "before_cursor_execute", count_statement)
            db.engine.dispose()
    finally:
        service.next_number = take_number
    return (Counter({kind: number / count for kind, number in seen.items()}),
            {part: total / count * 1000 for part, total in spent.items()})


def report(label: str, data_dir: str, database_url: str | None) -> None:
    prepare(data_dir, database_url)
    run = str(int(time.time()) % 100000)
    measured = {mode: [measure(mode, f"{run}{index}{repeat}", data_dir, database_url) for repeat in range(REPEAT)]
                for index, mode in enumerate(MODES)}
    baseline = max(rate for rate, _cpu in measured[MODES[0]])
    print(f"  {label}: {WORKERS} processes × {TICKETS} tickets, one transaction each; best (median) of {REPEAT}")
    for mode, runs in measured.items():
        rates, cpus = sorted(rate for rate, _cpu in runs), sorted(cpu for _rate, cpu in runs)
        print(f"    {mode:<34} {rates[-1]:>7.0f} ({statistics.median(rates):>4.0f}) tickets/s  "
              f"({rates[-1] / baseline:.2f}× the bare INSERT)  CPU {cpus[0]:.2f} ms/ticket")
    statements, spent = profile(data_dir, database_url)
    listed = ", ".join(f"{kind} {number:g}" for kind, number in sorted(statements.items()))
    print(f"    statements per guarded ticket: {sum(statements.values()):g} ({listed})")
    print("    one process, ms per guarded ticket: " + ", ".join(f"{part} {ms:.2f}" for part, ms in spent.items())
          + f" (the day's number is held from 'number' to the end of 'commit': {sum(list(spent.values())[1:]):.2f})")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        report("(a) SQLite (WAL)", str(Path(folder) / "sqlite"), None)
        with temporary_postgres() as postgres_url:
            report("(a) PostgreSQL + Redis", str(Path(folder) / "pg"), postgres_url)
    from bench import intake_dialogue

    intake_dialogue.main()


if __name__ == "__main__":
    main()
