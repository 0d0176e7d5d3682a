"""试问: an editor types a citizen's question and sees what the engine would do with the draft index
(every working copy, as if all were published now) beside what citizens get now."""
from __future__ import annotations

from flask import render_template, request

from faq.console import EDITORS, bp
from faq.console.trial_engines import run_trial
from faq.console.trial_links import edit_url
from query.options import EngineConfig
from staff.access import roles_required

MAX_CHARS = EngineConfig().max_query_chars  # the engine reads no further
FIELD_LIMIT = 300  # the form's maxlength: a GET URL stays well under gunicorn's 4 KB request line


@bp.get("/trial")
@roles_required(*EDITORS)
def trial():
    question = request.args.get("q")
    side = "live" if request.args.get("side") == "live" else "draft"
    empty = question is not None and not question.strip()
    result = run_trial(question) if question and not empty else None
    return render_template("faq_console/trial.html", question=question or "", side=side, trial=result,
                           empty=empty, too_long=len(question or "") > MAX_CHARS, max_chars=MAX_CHARS,
                           field_limit=FIELD_LIMIT, edit_url=edit_url)
