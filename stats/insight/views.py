"""The media seat (媒体专席), /staff/insight: rising topics, category and area trends, sample tickets and
alerts; the alert pages and the weekly briefing are in views_alerts and views_briefing. Analysts and
supervisors read (personal data always masked); supervisors act on alerts."""
from __future__ import annotations

from flask import Blueprint, render_template

from core.dates import china_today
from core.db import db
from staff.access import roles_required
from stats.insight.alert_actions import evidence_tickets
from stats.insight.alert_page import KIND_NAMES, STATUS_NAMES
from stats.insight.areas import AreaIndex
from stats.insight.detect import DETECTOR
from stats.insight.models import InsightState
from stats.insight.seat import area_table, category_trends, open_alerts, rising_terms, samples

bp = Blueprint("insight", __name__, url_prefix="/staff/insight", template_folder="templates", static_folder="static")

READERS = ("analyst", "supervisor")
SAMPLE_TICKETS = 8


def chart_data(dates, trends) -> dict:
    """What the ECharts line chart reads (data, never markup: it goes through |tojson)."""
    return {"dates": [day.strftime("%m-%d") for day in dates],
            "series": [{"name": trend.label, "data": trend.series} for trend in trends]}


@bp.get("/")
@roles_required(*READERS)
def overview():
    today = china_today()
    session = db.session
    dates, trends = category_trends(session, today)
    alerts = open_alerts(session)
    tickets = [ticket for alert in alerts[:3] for ticket in evidence_tickets(session, alert)[-3:]]
    index = AreaIndex.from_session(session)
    return render_template(
        "insight/overview.html", today=today, trends=trends, category_chart=chart_data(dates, trends),
        areas=area_table(session, today, index), terms=rising_terms(session, today),
        alerts=alerts, samples=samples(tickets[:SAMPLE_TICKETS], index), state=session.get(InsightState, DETECTOR),
        status_names=STATUS_NAMES, kind_names=KIND_NAMES)


from stats.insight import views_alerts, views_briefing  # noqa: E402,F401 - their views register on bp
