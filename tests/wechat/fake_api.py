"""A fake WeChat API on a real HTTP server (127.0.0.1, a free port), for tests of outbound calls.

It issues access tokens "tok-N" (stable_token and token), checks the token on every call (unknown →
40001, expired → 42001, missing → 41001), records every call, and can be told to fail or delay calls.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

TOKEN_PATHS = ("/cgi-bin/stable_token", "/cgi-bin/token")
AUTHORIZED_POST = ("/cgi-bin/message/custom/send", "/cgi-bin/message/template/send",
                   "/cgi-bin/message/subscribe/bizsend", "/cgi-bin/menu/create")
ERRMSG = {40001: "invalid credential, access_token is invalid or not latest", 40007: "invalid media_id",
          40013: "invalid appid", 40014: "invalid access_token", 40125: "invalid appsecret",
          41001: "access_token missing", 42001: "access_token expired", 45015: "response out of time limit",
          45047: "out of response count limit", -1: "system error"}


@dataclass
class Call:
    method: str
    path: str
    query: dict
    body: dict | None  # parsed JSON, when the request had a body
    raw: bytes = b""
    content_type: str = ""


@dataclass
class FakeWeChat:
    app_id: str
    app_secret: str
    expires_in: int = 7200
    calls: list[Call] = field(default_factory=list)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # media_id → (bytes, content type)

    def __post_init__(self):
        self.lock = threading.Lock()
        self.tokens: dict[str, float] = {}  # token → expiry (time.monotonic)
        self.issued = 0
        self.tickets = 0
        self.failures: dict[str, list[tuple[int, str]]] = {}
        self.delays: dict[str, float] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    # --- control from tests ---------------------------------------------------------------------

    def start(self) -> FakeWeChat:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, path: str, errcode: int, times: int = 1, errmsg: str | None = None) -> None:
        """The next `times` calls of `path` answer this errcode (after being recorded)."""
        with self.lock:
            self.failures.setdefault(path, []).extend([(errcode, errmsg or ERRMSG.get(errcode, "error"))] * times)

    def delay(self, path: str, seconds: float) -> None:
        """Every call of `path` waits this long before answering (0 to stop)."""
        self.delays[path] = seconds

    def expire_tokens(self) -> None:
        """Every token issued so far is expired (→ 42001)."""
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    def revoke_tokens(self) -> None:
        """Every token issued so far becomes unknown (→ 40001)."""
        with self.lock:
            self.tokens.clear()

    def calls_to(self, path: str) -> list[Call]:
        return [call for call in list(self.calls) if call.path == path]

    @property
    def token_fetches(self) -> int:
        return sum(len(self.calls_to(path)) for path in TOKEN_PATHS)

    # --- answers ------------------------------------------------------------------------------------

    def answer(self, call: Call) -> tuple[int, str, bytes]:
        with self.lock:
            self.calls.append(call)
            pending = self.failures.get(call.path)
            failure = pending.pop(0) if pending else None
        if self.delays.get(call.path):
            time.sleep(self.delays[call.path])
        if failure:
            return _json({"errcode": failure[0], "errmsg": failure[1]})
        if call.path == "/cgi-bin/stable_token":
            body = call.body or {}
            return self._issue(body.get("appid"), body.get("secret"), bool(body.get("force_refresh")))
        if call.path == "/cgi-bin/token":
            return self._issue(call.query.get("appid"), call.query.get("secret"), True)
        problem = self._check_token(call.query.get("access_token"))
        if problem:
            return _json({"errcode": problem, "errmsg": ERRMSG[problem]})
        if call.path in AUTHORIZED_POST and call.method == "POST":
            if call.body is None:
                return _json({"errcode": 47001, "errmsg": "data format error"})
            extra = {"msgid": len(self.calls)} if "template" in call.path or "bizsend" in call.path else {}
            return _json({"errcode": 0, "errmsg": "ok", **extra})
        if call.path == "/cgi-bin/ticket/getticket" and call.query.get("type") == "jsapi":
            with self.lock:
                self.tickets += 1
                ticket = f"ticket-{self.tickets}"
            return _json({"errcode": 0, "errmsg": "ok", "ticket": ticket, "expires_in": self.expires_in})
        if call.path == "/cgi-bin/media/get":
            found = self.media.get(call.query.get("media_id", ""))
            if found is None:
                return _json({"errcode": 40007, "errmsg": ERRMSG[40007]})
            return 200, found[1], found[0]
        return 404, "text/plain", b"not found"

    def _issue(self, app_id, secret, force: bool) -> tuple[int, str, bytes]:
        if app_id != self.app_id:
            return _json({"errcode": 40013, "errmsg": ERRMSG[40013]})
        if secret != self.app_secret:
            return _json({"errcode": 40125, "errmsg": ERRMSG[40125]})
        now = time.monotonic()
        with self.lock:
            live = [(expiry, token) for token, expiry in self.tokens.items() if expiry > now]
            if live and not force:  # stable_token hands out the current token while it is valid
                expiry, token = max(live)
            else:
                self.issued += 1
                token, expiry = f"tok-{self.issued}", now + self.expires_in
                self.tokens[token] = expiry
        return _json({"access_token": token, "expires_in": int(expiry - now)})

    def _check_token(self, token: str | None) -> int | None:
        if not token:
            return 41001
        with self.lock:
            expiry = self.tokens.get(token)
        if expiry is None:
            return 40001
        return 42001 if expiry <= time.monotonic() else None


def _json(data: dict) -> tuple[int, str, bytes]:
    # WeChat sends its JSON answers as text/plain; ensure_ascii=False like WeChat.
    return 200, "text/plain", json.dumps(data, ensure_ascii=False).encode("utf-8")


def _handler_for(fake: FakeWeChat):
    class Handler(BaseHTTPRequestHandler):
        def _handle(self, method: str) -> None:
            parts = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = None
            if raw:
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    body = None
            call = Call(method, parts.path, dict(parse_qsl(parts.query)), body, raw,
                        self.headers.get("Content-Type", ""))
            status, content_type, payload = fake.answer(call)
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def do_GET(self):  # noqa: N802 - http.server's naming
            self._handle("GET")

        def do_POST(self):  # noqa: N802
            self._handle("POST")

        def log_message(self, *args):  # keep test output quiet
            pass

    return Handler
