import json
import logging

from core.logs import JsonFormatter, RequestIdFilter, request_id


def test_each_response_carries_a_request_id(client):
    first = client.get("/healthz").headers["X-Request-Id"]
    second = client.get("/healthz").headers["X-Request-Id"]
    assert first and second and first != second


def test_a_safe_incoming_request_id_is_kept_and_a_hostile_one_replaced(client):
    assert client.get("/healthz", headers={"X-Request-Id": "nginx-42.a"}).headers["X-Request-Id"] == "nginx-42.a"
    replaced = client.get("/healthz", headers={"X-Request-Id": "<script>alert(1)</script>"}).headers["X-Request-Id"]
    assert replaced != "<script>alert(1)</script>" and replaced.isalnum()


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("minsheng", logging.WARNING, __file__, 1, "投诉已受理 %s", ("TY1",), None)
    token = request_id.set("abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc123"
    assert line["message"] == "投诉已受理 TY1"
    assert line["level"] == "WARNING"


def test_json_logging_is_switched_on_by_configuration(tmp_path, capfd):
    from tests.support import build_app

    app = build_app(tmp_path, TESTING=False, DEMO=True, LOG_JSON=True)
    app.test_client().get("/no-such-page")
    logging.getLogger("probe").warning("hello")
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    assert any(line["message"] == "hello" for line in lines)
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not getattr(h, "minsheng", False)]
