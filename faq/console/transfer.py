"""导入导出: upload a CSV/JSON/Excel file of entries (all or nothing, a line-numbered report when
anything is wrong), download the knowledge base, and a blank template with the columns explained."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from core.db import db
from core.errors import MESSAGES
from faq.console import EDITORS, bp
from faq.console.transfer_files import (
    COLUMNS,
    FORMAT_NAMES,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    MIMETYPES,
    TEMPLATE_FORMATS,
    TOO_LARGE,
    ExportForm,
    ImportForm,
    export_filename,
    write_template,
)
from faq.errors import FaqError, ImportFailed, LineError
from faq.fields import LABELS
from faq.index import china_today
from faq.io import ImportReport, export_entries, format_for, import_entries
from staff.access import roles_required

IMPORT_ENDPOINT = "faq_console.transfer_import"


def _page(form: ImportForm | None = None, *, problems: list[LineError] | None = None,
          report: ImportReport | None = None, filename: str = "", status: int = 200):
    return render_template(
        "faq_console/transfer.html", form=form or ImportForm(formdata=None), export_form=ExportForm(),
        problems=problems, report=report, filename=filename, columns=COLUMNS, labels=LABELS,
        template_formats=TEMPLATE_FORMATS, format_names=FORMAT_NAMES, max_upload_mb=MAX_UPLOAD_MB,
        max_upload_bytes=MAX_UPLOAD_BYTES, too_large=TOO_LARGE), status


@bp.get("/transfer")
@roles_required(*EDITORS)
def transfer():
    return _page()


@bp.post("/transfer/import")
@roles_required(*EDITORS)
def transfer_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form)
    upload = form.file.data
    try:
        fmt = form.format.data or format_for(upload.filename or "")
        report = import_entries(db.session, upload.stream, fmt, publish=form.publish.data, by=current_user.id)
    except ImportFailed as exc:
        db.session.rollback()
        if all(problem.line == 0 for problem in exc.problems):  # the file itself: say so beside the field
            form.file.errors.extend(problem.message for problem in exc.problems)
            return _page(form)
        return _page(form, problems=exc.problems, filename=upload.filename)
    except FaqError as exc:
        db.session.rollback()
        form.file.errors.append(str(exc))
        return _page(form)
    db.session.commit()
    return _page(report=report, filename=upload.filename)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    """A body over MAX_CONTENT_LENGTH is refused before any view runs: on the import page say so
    beside the file field instead of showing the bare error page."""
    if request.endpoint != IMPORT_ENDPOINT:
        return render_template("errors/error.html", status=413, message=MESSAGES[413]), 413
    form = ImportForm(formdata=None)
    form.file.errors = [TOO_LARGE]
    return _page(form, status=413)


@bp.get("/transfer/export")
@roles_required(*EDITORS)
def transfer_export():
    form = ExportForm(request.args)
    if not form.validate():
        for errors in form.errors.values():
            flash(errors[0], "error")
        return redirect(url_for(".transfer"))
    fmt, status = form.format.data, form.status.data or None
    buffer = io.BytesIO()
    export_entries(db.session, buffer, fmt, statuses=(status,) if status else None)
    buffer.seek(0)
    return send_file(buffer, mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=export_filename(fmt, status, china_today()))


@bp.get("/transfer/template.<fmt>")
@roles_required(*EDITORS)
def transfer_template(fmt: str):
    if fmt not in TEMPLATE_FORMATS:
        abort(404)
    buffer = io.BytesIO()
    write_template(buffer, fmt)
    buffer.seek(0)
    return send_file(buffer, mimetype=MIMETYPES[fmt], as_attachment=True, download_name=f"faq-template.{fmt}")

