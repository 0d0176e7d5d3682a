"""The weekly briefing (/staff/insight/briefing): a printable page, and Markdown and CSV downloads."""
from __future__ import annotations

from flask import Response, render_template, request

from core.dates import china_today
from core.db import db
from staff.access import roles_required
from stats.insight.briefing import as_csv, as_markdown, build_briefing, outcome, parse_week
from stats.insight.views import READERS, bp


def _briefing():
    week, monday = parse_week(request.args.get("week"), china_today())
    return build_briefing(db.session, week, monday)


@bp.get("/briefing")
@roles_required(*READERS)
def briefing():
    return render_template("insight/briefing.html", briefing=_briefing(), outcome=outcome)


def _download(text: str, name: str, mimetype: str) -> Response:
    return Response(text, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/briefing.md")
@roles_required(*READERS)
def briefing_markdown():
    item = _briefing()
    return _download(as_markdown(item), f"briefing-{item.week}.md", "text/markdown; charset=utf-8")


@bp.get("/briefing.csv")
@roles_required(*READERS)
def briefing_csv():
    item = _briefing()
    return _download(as_csv(item), f"briefing-{item.week}.csv", "text/csv; charset=utf-8")
