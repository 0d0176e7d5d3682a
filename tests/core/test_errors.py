import logging

import pytest


@pytest.fixture
def app(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    return app


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "页面不存在" in html and 'lang="zh-CN"' in html


def test_api_clients_get_json_errors(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {"error": 404, "message": "页面不存在或已被移除"}


def test_crash_is_a_chinese_500_without_internals_and_is_logged(client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "系统繁忙" in html
    assert "hunter2" not in html and "Traceback" not in html and "RuntimeError" not in html
    assert "hunter2" in caplog.text  # the operator sees it in the log
    assert response.headers["X-Request-Id"] in html


def test_wrong_method_is_405_in_chinese(client):
    response = client.get("/staff/logout")
    assert response.status_code == 405
    assert "请求方式不正确" in response.get_data(as_text=True)


def test_missing_csrf_token_is_refused_with_a_plain_message(client):
    response = client.post("/staff/login", data={"username": "admin", "password": "x" * 10})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
