"""(b) of bench/intake: one step of the 微受理 chat dialogue through the webhook, gunicorn with 2 workers.

Every simulated citizen goes through a whole submission in safe mode (AES), eight text messages:
我要投诉 → description (the demo tickets' words) → 1 (category) → address → 跳过 (photos) → name and
phone → 2 (not confidential) → 确认 (the ticket); every dialogue is a new citizen (no duplicate, no
daily limit). Two loads, each on our service and, as the ceiling, on bench/webhook's echo (same stack,
same requests):
- paced (the figure the target is about): CITIZENS at once, each waiting for the reply and then THINK
  seconds (1–3 s, as people type) before the next message, for PACED_SECONDS; the latency of every
  message from the client, per step;
- saturated (as bench/webhook): wrk -t2 -c16 replaying dialogues (bench/wrk_dialogue.lua: each thread
  its own file, SLOTS citizens side by side and staggered so every step is always in the mix, a
  citizen's next message SLOTS requests after its last, i.e. once that has been answered).
Afterwards the tickets made are checked against the dialogues the paced clients saw confirmed.
Settings: BENCH_INTAKE_CITIZENS (60), BENCH_INTAKE_PACED_SECONDS (30), BENCH_SECONDS (10),
BENCH_CONNECTIONS (16), BENCH_INTAKE_SLOTS (64).
"""
from __future__ import annotations

import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import yaml

from bench.webhook import (
    AES_KEY,
    APP_ID,
    CONNECTIONS,
    SECONDS,
    TOKEN,
    _cpu_seconds,
    environments,
    prepare_service,
    run_wrk,
    show,
    signed_line,
    start_gunicorn,
    text_push,
)
from config import ROOT
from wechat.crypto import Envelope

CITIZENS = int(os.environ.get("BENCH_INTAKE_CITIZENS", "60"))
PACED_SECONDS = float(os.environ.get("BENCH_INTAKE_PACED_SECONDS", "30"))
THINK = (1.0, 3.0)
SLOTS = int(os.environ.get("BENCH_INTAKE_SLOTS", "64"))
ROUNDS = 600  # per wrk thread, SLOTS messages a round: more than 10 s can use
DEMO_TICKETS = ROOT / "submit" / "demo" / "tickets.yaml"
STEPS = ("我要投诉", "{content}", "1", "{address}", "跳过", "{name} {phone}", "2", "确认")
STEP_NAMES = ("start", "describe", "category", "place", "photos", "contact", "confidential", "confirm")
ENVELOPE = Envelope(TOKEN, APP_ID, [AES_KEY])


def _rows() -> list[dict]:
    rows = yaml.safe_load(DEMO_TICKETS.read_text(encoding="utf-8"))
    return [row for row in rows if row.get("address") and row.get("name")]


class Pushes:
    """Signed, encrypted pushes of one dialogue step each, with their own MsgIds."""

    def __init__(self, first_id: int):
        self.rows, self.next_id, self.lock = _rows(), first_id, threading.Lock()

    def line(self, openid: str, dialogue: int, step: int, timestamp: str | None = None) -> str:
        row = self.rows[dialogue % len(self.rows)]
        text = STEPS[step].format(content=row["content"], address=row["address"], name=row["name"],
                                  phone=row["phone"])
        with self.lock:
            self.next_id += 1
            msg_id = self.next_id
        timestamp = timestamp or str(int(time.time()))
        return signed_line(ENVELOPE, text_push(openid, text, msg_id, timestamp), str(msg_id), timestamp)


def build_dialogues(path: Path) -> None:
    """path.0 and path.1, one per wrk thread (bench/wrk_dialogue.lua), staggered slots of citizens."""
    pushes, timestamp = Pushes(8_000_000_000), str(int(time.time()))
    for thread in range(2):
        with Path(f"{path}.{thread}").open("w") as out:
            for round_ in range(ROUNDS):
                for slot in range(SLOTS):
                    dialogue, step = divmod(round_ + slot, len(STEPS))
                    if dialogue * len(STEPS) >= slot:  # else this slot's first dialogue starts later
                        out.write(pushes.line(f"oBw{thread}-{slot}-{dialogue}", dialogue, step, timestamp))


def paced(port: int, label: str) -> dict:
    """CITIZENS people starting dialogues for PACED_SECONDS (each finishes the one it is in): the latencies
    in ms by step name, the dialogues confirmed, the non-200 answers and the seconds it all took."""
    pushes, started_at = Pushes(9_000_000_000 + port * 1_000_000), time.monotonic()
    stop_at = started_at + PACED_SECONDS
    latencies: dict[str, list[float]] = {name: [] for name in STEP_NAMES}
    counts, lock = Counter(), threading.Lock()

    def citizen(number: int) -> None:
        chance = random.Random(number)
        time.sleep(chance.uniform(0, THINK[1]))
        dialogue = 0
        while time.monotonic() < stop_at:
            for step in range(len(STEPS)):
                path, body = pushes.line(f"oBp{label}{number}-{dialogue}", number + dialogue, step).split("\t")
                started = time.perf_counter()
                status = send(port, path, body)
                latencies[STEP_NAMES[step]].append((time.perf_counter() - started) * 1000)
                with lock:
                    counts["errors"] += status != 200
                time.sleep(chance.uniform(*THINK))
            with lock:
                counts["confirmed"] += 1
            dialogue += 1

    threads = [threading.Thread(target=citizen, args=(number,)) for number in range(CITIZENS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "confirmed": counts["confirmed"], "errors": counts["errors"],
            "seconds": time.monotonic() - started_at}


def warm_up(port: int, dialogues: int = 4) -> None:
    """A few whole dialogues first, not measured: each worker's first requests pay one-off costs (caches)."""
    pushes = Pushes(7_500_000_000 + port * 1_000_000)
    for dialogue in range(dialogues):
        for step in range(len(STEPS)):
            path, body = pushes.line(f"oBwarm{dialogue}", dialogue, step).split("\t")
            send(port, path, body)


def send(port: int, path: str, body: str) -> int:
    """POST one push on a new connection (as WeChat does; gunicorn's sync workers close it after each)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", path, body.rstrip("\n").encode(), {"Content-Type": "text/xml"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report_paced(name: str, result: dict, cpu: float) -> float:
    every = [value for values in result["latencies"].values() for value in values]
    p99 = percentile(every, 0.99)
    print(f"  {name:<34} {len(every) / result['seconds']:>8.1f} msg/s  p50 {statistics.median(every):>6.2f} ms  "
          f"p99 {p99:>6.2f} ms  CPU {cpu / max(len(every), 1) * 1e6:>6.0f} µs/msg  ({len(every)} messages, "
          f"{result['errors']} non-200)")
    return p99


def tickets_made(env: dict, prefix: str) -> int:
    code = ("from app import create_app; from core.db import db; from sqlalchemy import text\napp = create_app()\n"
            "with app.app_context(): print(db.session.execute(text("
            f"\"SELECT count(*) FROM ticket WHERE citizen_openid LIKE '{prefix}%'\")).scalar())")
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True)
    return int(output.stdout.strip().splitlines()[-1])


def run(name: str, target: str, port: int, env: dict, requests_file: Path, label: str) -> dict:
    """The paced load, then the saturated one, on one gunicorn."""
    process = start_gunicorn(target, port, env)
    try:
        warm_up(port)
        cpu_before = _cpu_seconds(process.pid)
        result = paced(port, label)
        result["p99"] = report_paced(f"{name}, paced", result, _cpu_seconds(process.pid) - cpu_before)
        result["saturated"] = run_wrk(port, requests_file, process.pid, "wrk_dialogue.lua")
        show(f"{name}, saturated", result["saturated"])
    finally:
        process.terminate()
        process.wait(timeout=20)
    return result


def main() -> None:
    if shutil.which("wrk") is None:
        print("  (b) skipped: wrk is not installed (apt-get install wrk)")
        return
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        echo_env, env = environments(folder / "sqlite")
        prepare_service(folder / "sqlite", env)
        requests_file = folder / "dialogues.tsv"
        build_dialogues(requests_file)  # after the set-up: pushes older than 300 s are refused
        print(f"  (b) gunicorn -w 2, safe mode, whole 8-message submissions, a new citizen per dialogue; paced: "
              f"{CITIZENS} citizens typing ({THINK[0]:g}–{THINK[1]:g} s between a reply and the next message) for "
              f"{PACED_SECONDS:g} s; saturated: wrk -t2 -c{CONNECTIONS} -d{SECONDS}s")
        echo = run("echo", "bench.echo_app:app", 8711, echo_env, requests_file, "e")
        ours = run("dialogue (SQLite)", "app:app", 8712, env, requests_file, "s")
        print("  per step, paced (p50/p99 ms): " + "  ".join(
            f"{step} {statistics.median(ours['latencies'][step]):.1f}/{percentile(ours['latencies'][step], 0.99):.1f}"
            for step in STEP_NAMES))
        print(f"  p99 of a step, paced: {ours['p99']:.1f} ms (echo {echo['p99']:.1f} ms); saturated ratio "
              f"{ours['saturated']['rps'] / echo['saturated']['rps']:.2f} (requests/s)")
        made = tickets_made(env, "oBps")
        print(f"  paced dialogues confirmed {ours['confirmed']}, tickets made {made}"
              f"{'' if made == ours['confirmed'] else '  ← MISMATCH'}")
