"""End to end: what `make run` starts (migrations, demo data, gunicorn with 2 workers, the job consumer)
serves health and a staff login that accepts a demo account, and Ctrl-C stops all of it."""
import re
import time
from pathlib import Path

import pytest
import requests

from tests.support import LocalService, csrf_token_from


def _descendants(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(status.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            child = int(status.parent.name)
            found += [child, *_descendants(child)]
    return found


def _alive(pid: int) -> bool:
    try:
        return re.search(r"\) [^Z]", Path(f"/proc/{pid}/stat").read_text()) is not None
    except OSError:
        return False


def test_make_run_serves_health_and_a_working_staff_login(live_service):
    base, banner = live_service.base, live_service.banner
    assert f"{base}/staff/login" in banner and f"{base}/h5/" in banner and "admin-demo-2026" in banner

    health = requests.get(f"{base}/healthz", timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"

    browser = requests.Session()
    page = browser.get(f"{base}/staff/login", timeout=5)
    response = browser.post(f"{base}/staff/login", timeout=5, data={
        "csrf_token": csrf_token_from(page.text), "username": "supervisor", "password": "supervisor-demo-2026"})
    assert response.url == f"{base}/staff/" and "值班长 赵强" in response.text


def test_ctrl_c_stops_everything_it_started(tmp_path):
    service = LocalService(tmp_path)
    try:
        service.wait_ready()
        started = _descendants(service.process.pid)
        assert len(started) >= 4  # gunicorn master + 2 workers + the job consumer
        service.interrupt()
        service.process.wait(timeout=20)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in started if _alive(pid)] == []
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{service.base}/healthz", timeout=2)
    finally:
        service.kill()
