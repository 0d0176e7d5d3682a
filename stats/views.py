"""The figures pages (/staff/stats): the table with definitions, charts and CSV exports, and the
supervisor's overview of what is overdue or at risk now.

Who sees what: supervisors, analysts and admins see every department; a handler sees only its own
department's figures (the department filter is fixed). Agents and editors do not see figures (403):
agents work the queue, and the queue shows them what is late. Nothing here shows a citizen's phone
except the ticket-list CSV, masked for everyone (analysts included). The overview is for supervisors
(and admins): it is the list they chase from.
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from core.dates import china_today
from core.db import db, utcnow
from staff.access import roles_required
from stats.export import FACT_NAMES, FACT_OF_FIGURE, table_csv, tickets_csv
from stats.filters import Filters, choices, parse_filters
from stats.overview import overview as build_overview
from stats.report import build_report
from submit.workflow_config import workflow

bp = Blueprint("stats", __name__, url_prefix="/staff/stats", template_folder="templates")

FIGURE_ROLES = ("supervisor", "analyst", "handler")  # admin passes roles_required too
OVERVIEW_ROLES = ("supervisor",)


def now() -> datetime:
    return utcnow()


def _filters() -> Filters:
    return parse_filters(db.session, request.args, current_user, today=china_today(now()))


def _csv(lines, name: str) -> Response:
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={name}.csv"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@roles_required(*FIGURE_ROLES)
def figures():
    filters = _filters()
    report = build_report(db.session, filters.scope, now()) if filters.scope else None
    return render_template("stats/figures.html", filters=filters, report=report, choices=choices(db.session),
                           fact_of_figure=FACT_OF_FIGURE)


def _export_name(filters: Filters, what: str) -> str:
    period = filters.scope.period
    return f"figures-{what}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"


@bp.get("/export.csv")
@roles_required(*FIGURE_ROLES)
def export_table():
    filters = _filters()
    if not filters.scope:
        abort(400)
    report = build_report(db.session, filters.scope, now())
    return _csv(table_csv(report), _export_name(filters, filters.scope.dimension))


@bp.get("/tickets.csv")
@roles_required(*FIGURE_ROLES)
def export_tickets():
    filters = _filters()
    fact = request.args.get("fact", "")
    if not filters.scope or fact not in FACT_NAMES:
        abort(400)
    return _csv(tickets_csv(db.session, fact, filters.scope, now()), _export_name(filters, fact))


@bp.get("/overview")
@roles_required(*OVERVIEW_ROLES)
def overview():
    states = workflow().states
    return render_template("stats/overview.html", overview=build_overview(db.session, now()),
                           state_name=lambda code: states[code].name if code in states else code)
