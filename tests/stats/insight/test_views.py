"""The media seat's pages: who may open and act, personal data masked, errors beside their fields with
the input kept, the weekly briefing as a page, Markdown and CSV."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import db, utcnow
from stats.insight.models import Alert
from tests.stats.insight.support import background, burst, detect
from tests.support import csrf_token_from

SECRET_PHONE = "13912345678"


@pytest.fixture
def alert_id(insight_app) -> int:
    with insight_app.app_context():
        now = utcnow()
        background(db.session, days=28, now=now, street="迎泽区文庙街道")
        burst(db.session, 6, at=now - timedelta(hours=1),
              content=f"和平小区整栋楼暖气不热，室温只有十二度，有事打我电话{SECRET_PHONE}，希望尽快处理。")
        db.session.commit()
        detect(db.session, now=now)
        return db.session.scalars(select(Alert.id)).one()


PAGES = ["/staff/insight/", "/staff/insight/alerts", "/staff/insight/briefing", "/staff/insight/briefing.md",
         "/staff/insight/briefing.csv"]


@pytest.mark.parametrize("role, status", [("analyst", 200), ("supervisor", 200), ("agent", 403), ("editor", 403)])
def test_who_may_open_the_media_seat(signed_in, alert_id, role, status):
    client = signed_in(role)
    for url in [*PAGES, f"/staff/insight/alerts/{alert_id}"]:
        assert client.get(url).status_code == status, url


def test_signed_out_visitors_are_sent_to_the_login(insight_app):
    response = insight_app.test_client().get("/staff/insight/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_the_seat_and_the_alert_show_masked_tickets_only(signed_in, alert_id):
    client = signed_in("analyst")
    for url in ("/staff/insight/", f"/staff/insight/alerts/{alert_id}"):
        page = client.get(url).get_data(as_text=True)
        assert "139****5678" in page and SECRET_PHONE not in page, url
        assert "王先生" not in page and "o-insight-" not in page and "号楼" not in page, url
    alert_page = client.get(f"/staff/insight/alerts/{alert_id}").get_data(as_text=True)
    assert "迎泽区柳巷街道和平小区 供热·暖气不热 3天内 6位市民反映同一事件" in alert_page
    assert "转为主动治理工单" not in alert_page  # analysts read only


def test_analysts_cannot_act_and_a_form_without_its_token_is_refused(signed_in, alert_id, insight_app):
    analyst = signed_in("analyst")
    token = csrf_token_from(analyst.get("/staff/insight/").get_data(as_text=True))  # the sign-out form's
    for action in ("acknowledge", "dismiss", "task"):
        response = analyst.post(f"/staff/insight/alerts/{alert_id}/{action}", data={"csrf_token": token, "reason": "x"})
        assert response.status_code == 403, action
    supervisor = signed_in("supervisor")
    assert supervisor.post(f"/staff/insight/alerts/{alert_id}/acknowledge").status_code == 400
    with insight_app.app_context():
        assert db.session.get(Alert, alert_id).status == "open"


def test_a_supervisor_sees_errors_beside_the_fields_with_the_input_kept(signed_in, alert_id, insight_app):
    client = signed_in("supervisor")
    page = client.get(f"/staff/insight/alerts/{alert_id}").get_data(as_text=True)
    response = client.post(f"/staff/insight/alerts/{alert_id}/task", data={
        "csrf_token": csrf_token_from(page), "department": "", "category": "010101", "contact_name": "值班长 赵强",
        "contact_phone": "12345", "instruction": "三日内排查小区供热管网"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请选择承办单位" in html and "请填写正确的手机号码" in html
    assert 'value="12345"' in html and "三日内排查小区供热管网</textarea>" in html
    with insight_app.app_context():
        assert db.session.get(Alert, alert_id).status == "open"
    response = client.post(f"/staff/insight/alerts/{alert_id}/dismiss", data={"csrf_token": csrf_token_from(page),
                                                                               "reason": ""})
    assert response.status_code == 422 and "请写明忽略的理由" in response.get_data(as_text=True)


def test_a_supervisor_turns_the_alert_into_a_dispatched_task(signed_in, alert_id, insight_app):
    client = signed_in("supervisor")
    page = client.get(f"/staff/insight/alerts/{alert_id}").get_data(as_text=True)
    with insight_app.app_context():
        from reference.models import Department

        street = db.session.scalar(select(Department.id).where(Department.code == "YZQ_LX"))
    response = client.post(f"/staff/insight/alerts/{alert_id}/task", data={
        "csrf_token": csrf_token_from(page), "department": str(street), "category": "010101",
        "contact_name": "值班长 赵强", "contact_phone": "0351-4567890", "instruction": "三日内排查"})
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已生成主动治理工单" in shown and "派发至柳巷街道" in shown and "已转主动治理" in shown


def test_the_weekly_briefing_exports(signed_in, alert_id):
    client = signed_in("analyst")
    week = utcnow().date().isocalendar()
    query = f"?week={week[0]}-W{week[1]:02d}"
    page = client.get("/staff/insight/briefing" + query).get_data(as_text=True)
    assert "来自12345媒体专席" in page and "供热·暖气不热" in page and "@media print" not in page
    markdown = client.get("/staff/insight/briefing.md" + query)
    assert markdown.headers["Content-Disposition"].endswith('.md"')
    text = markdown.get_data(as_text=True)
    assert text.startswith("# 来自12345媒体专席") and "| 供热·暖气不热 |" in text and "三天三单" in text
    rows = client.get("/staff/insight/briefing.csv" + query).get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0] == "部分,名称,本周,上周,变化"
    assert any(row.startswith("热点问题,供热·暖气不热,") for row in rows)
    assert SECRET_PHONE not in text and "王先生" not in text
