from app import create_app
from tests.support import build_app


def test_healthy_service_reports_each_part(any_app):
    response = any_app.test_client().get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "shared_state", "jobs", "insight"}  # insight: the 未诉先办 job
    assert all(check["ok"] for check in body["checks"].values())


def test_unreachable_redis_makes_health_503_naming_the_parts(tmp_path):
    app = build_app(tmp_path, REDIS_URL="redis://127.0.0.1:1/0", JOBS_IMMEDIATE=False)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["shared_state"]["ok"] is False
    assert checks["jobs"]["ok"] is False


def test_unreachable_database_makes_health_503(tmp_path):
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path),
                      "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is False
    assert checks["shared_state"]["ok"] is False  # the shared store lives in that database
