"""Webhook throughput and latency under gunicorn (2 workers), wrk on loopback, in one invocation:

(a) the ceiling: a trivial safe-mode echo on the same stack (bench/echo_app.py);
(b) our full path in safe mode for a text message (signature, AES, parse, dedup claim and reply store
    in the shared store, dialogue lookup, routing, the default text handler, render, encrypt),
    on the embedded default (SQLite) — and on PostgreSQL + Redis when BENCH_SCALE_OUT=1.
Every request is a distinct message (no dedup hits). Reports requests/s, p50/p99, server CPU µs per
request, and the ratio b/a. Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS (16), BENCH_MESSAGES (40000).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.services import REDIS_URL, temporary_postgres
from config import DEMO_SECRETS, ROOT
from wechat.crypto import Envelope, sign
from wechat.outbound import cdata

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "40000"))
TOKEN, APP_ID, AES_KEY = DEMO_SECRETS["WECHAT_TOKEN"], DEMO_SECRETS["WECHAT_APP_ID"], DEMO_SECRETS["WECHAT_AES_KEY"]


def text_push(openid: str, text: str, msg_id: int, timestamp: str) -> str:
    return (f"<xml><ToUserName>{cdata('gh_bench')}</ToUserName><FromUserName>{cdata(openid)}"
            f"</FromUserName><CreateTime>{timestamp}</CreateTime><MsgType>{cdata('text')}</MsgType>"
            f"<Content>{cdata(text)}</Content><MsgId>{msg_id}</MsgId></xml>")


def signed_line(envelope: Envelope, xml: str, nonce: str, timestamp: str) -> str:
    """One line of a wrk request file: the signed safe-mode path TAB the encrypted body."""
    encrypted = envelope.ciphers[0].encrypt(xml, APP_ID).decode()
    query = (f"/wechat?signature={sign(TOKEN, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}"
             f"&encrypt_type=aes&msg_signature={sign(TOKEN, timestamp, nonce, encrypted)}")
    return f"{query}\t<xml><ToUserName>{cdata('gh_bench')}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>\n"


def build_requests(path: Path, count: int) -> None:
    envelope = Envelope(TOKEN, APP_ID, [AES_KEY])
    timestamp = str(int(time.time()))
    with path.open("w") as out:
        for n in range(count):
            xml = text_push(f"oBench{n % 1000}", "社保怎么交", 7_000_000_000 + n, timestamp)
            out.write(signed_line(envelope, xml, str(n), timestamp))


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its children still alive (the gunicorn master and workers)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def start_gunicorn(target: str, port: int, env: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"), "--access-logfile",
               "/dev/null", target]
    process = subprocess.Popen(command, cwd=ROOT, env={**env, "PORT": str(port), "HOTLINE_WEB_WORKERS": "2"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import urllib.request

    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError as exc:
            if getattr(exc, "code", None) == 404:  # the echo app has no /healthz: it is up
                return process
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{target} did not start")


def run_wrk(port: int, requests_file: Path, pid: int, script: str = "wrk_requests.lua") -> dict:
    cpu_before = _cpu_seconds(pid)
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-s", str(ROOT / "bench" / script),
         f"http://127.0.0.1:{port}", "--", str(requests_file)], capture_output=True, text=True, check=True).stdout
    cpu = _cpu_seconds(pid) - cpu_before
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)

    def millis(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), "p50": millis("50"),
            "p99": millis("99"), "cpu_us": cpu / max(total, 1) * 1e6, "requests": total,
            "errors": int(non_2xx.group(1)) if non_2xx else 0}


def prepare_service(data_dir: Path, env: dict) -> None:
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True)


def show(name: str, result: dict) -> None:
    print(f"  {name:<34} {result['rps']:>8.0f} req/s  p50 {result['p50']:>6.2f} ms  p99 {result['p99']:>6.2f} ms"
          f"  CPU {result['cpu_us']:>6.0f} µs/req  ({result['requests']} requests, {result['errors']} non-2xx)")


def measure(name: str, target: str, port: int, env: dict, requests_file: Path) -> dict:
    process = start_gunicorn(target, port, env)
    try:
        result = run_wrk(port, requests_file, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)
    show(name, result)
    return result


def environments(data_dir: Path) -> tuple[dict, dict]:
    """The echo's environment and the service's (demo mode on a SQLite under data_dir), none of the caller's
    HOTLINE_* settings."""
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    return ({**base_env, "BENCH_TOKEN": TOKEN, "BENCH_APP_ID": APP_ID, "BENCH_AES_KEY": AES_KEY},
            {**base_env, "HOTLINE_DEMO": "1", "HOTLINE_DATA_DIR": str(data_dir), "HOTLINE_LOG_LEVEL": "WARNING"})


def main() -> None:
    if shutil.which("wrk") is None:
        print("  skipped: wrk is not installed (apt-get install wrk)")
        return
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        requests_file = folder / "requests.tsv"
        build_requests(requests_file, MESSAGES)
        print(f"  gunicorn -w 2, wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, {MESSAGES} distinct safe-mode pushes")
        echo_env, ours_env = environments(folder / "sqlite")
        ceiling = measure("(a) echo on the same stack", "bench.echo_app:app", 8701, echo_env, requests_file)
        prepare_service(folder / "sqlite", ours_env)
        ours = measure("(b) full path, SQLite default", "app:app", 8702, ours_env, requests_file)
        print(f"  ratio b/a: {ours['rps'] / ceiling['rps']:.2f} (requests/s), "
              f"{ceiling['cpu_us'] / ours['cpu_us']:.2f} (CPU per request)")
        if os.environ.get("BENCH_SCALE_OUT") == "1":
            with temporary_postgres() as postgres_url:
                scale_env = {**ours_env, "HOTLINE_DATA_DIR": str(folder / "pg"), "HOTLINE_DATABASE_URL": postgres_url,
                             "HOTLINE_REDIS_URL": REDIS_URL, "HOTLINE_STATE_PREFIX": f"bench-{int(time.time())}:"}
                prepare_service(folder / "pg", scale_env)
                scaled = measure("(c) full path, PostgreSQL + Redis", "app:app", 8703, scale_env, requests_file)
            print(f"  ratio c/a: {scaled['rps'] / ceiling['rps']:.2f}")
