#!/usr/bin/env bash
# `make run`: migrate, load demo data, start gunicorn and the job consumer; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export HOTLINE_DEMO="${HOTLINE_DEMO:-1}" FLASK_APP=app
PORT="${PORT:-8000}"
export PORT HOTLINE_PUBLIC_URL="${HOTLINE_PUBLIC_URL:-http://127.0.0.1:$PORT}"
flask=.venv/bin/flask
$flask db upgrade
$flask demo load
pids=()
stop() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT
.venv/bin/gunicorn -c deploy/gunicorn.conf.py app:app &
pids+=($!)
$flask jobs consume &
pids+=($!)
for _ in $(seq 1 50); do
  .venv/bin/python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" \
    2>/dev/null && break
  sleep 0.2
done
$flask demo banner
wait -n "${pids[@]}"
