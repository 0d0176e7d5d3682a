"""The end of the submission dialogue: the summary, 确认 (the ticket through the guards), 修改 (pick a part
to change), and the question a possible duplicate asks."""
from __future__ import annotations

from core.dates import china_date
from core.db import db
from core.privacy import mask_phone
from submit import messages
from submit.attachments import photos, wait_for_photos
from submit.chat_draft import Draft
from submit.chat_flow import Again, Finish, Goto, Next, Outcome, Turn
from submit.chat_tickets import h5_url
from submit.errors import InvalidSubmission
from submit.guards import DailyLimitReached, PossibleDuplicate, create_guarded
from wechat.replies import TextReply

SUMMARY_CONTENT = 150  # characters of the description repeated in the summary
PHOTO_WAIT = 2.5  # seconds 确认 waits for downloads still running (within WeChat's reply budget)
PHOTO_WAITS = 2  # then 确认 goes ahead without the photos still not saved (the reply says so)
FIELD_STEPS = {"request_type": "type", "content": "describe", "category": "category", "address": "place",
               "location": "place", "attachments": "photos", "name": "name", "phone": "phone", "title": "describe"}


def idempotency_key(openid: str, draft: Draft) -> str:
    """One dialogue, one ticket: a retried or repeated 确认 finds the ticket the first one made."""
    return f"wechat:{openid}:{draft.id}"


def _place(draft: Draft) -> str:
    parts = [draft.address, draft.location_label or (messages.MAP_POINT if draft.latitude is not None else "")]
    return "，".join(filter(None, parts)) or messages.NO_PLACE


def summary(draft: Draft) -> str:
    content = draft.content if len(draft.content) <= SUMMARY_CONTENT else (
        f"{draft.content[:SUMMARY_CONTENT]}…（共{len(draft.content)}字）")
    return messages.SUMMARY.format(
        type=draft.type_name, category=draft.category_name, content=content, place=_place(draft),
        photos=photos(draft.id, draft.photos).summary, name=draft.name, phone=mask_phone(draft.phone),
        confidential="是" if draft.confidential else "否")


def confirm(turn: Turn) -> Outcome:
    if turn.word in messages.EDIT_WORDS:
        return Goto("edit")
    if turn.word not in messages.CONFIRM_WORDS:
        return Again(messages.CONFIRM_HINT)
    return submit(turn.inbound.openid, turn.draft)


def submit(openid: str, draft: Draft) -> Outcome:
    found = wait_for_photos(draft.id, draft.photos, PHOTO_WAIT)
    if found.pending and draft.photo_waits < PHOTO_WAITS:
        draft.photo_waits += 1
        return Again(messages.PHOTOS_PENDING)
    try:
        ticket = create_guarded(db.session, draft.submission(openid, found.ready), channel="wechat",
                                idempotency_key=idempotency_key(openid, draft), not_duplicate=draft.not_duplicate)
        db.session.commit()
    except InvalidSubmission as exc:
        db.session.rollback()
        return _refused(draft, exc)
    except PossibleDuplicate as exc:
        db.session.rollback()
        draft.duplicate_of = exc.earlier.number
        return Goto("duplicate")
    except DailyLimitReached as exc:
        db.session.rollback()
        return Finish(TextReply(exc.message))
    missing = len(found.failed) + found.pending
    dropped = messages.PHOTOS_DROPPED.format(count=missing) if missing else ""
    url = h5_url(f"/{ticket.number}")
    return Finish(TextReply(messages.CREATED.format(
        number=ticket.number, deadline=china_date(ticket.deadline_at), days=ticket.request_type.time_limit_days,
        url=url, photo_note=dropped), more_url=url))


def _refused(draft: Draft, error: InvalidSubmission) -> Outcome:
    """Something changed since the step took it (a category retired…): ask that part again."""
    steps = [FIELD_STEPS.get(item.field, "describe") for item in error.errors]
    for step in steps:
        clear(draft, step)
    problems = "；".join(item.message for item in error.errors)
    return Goto(steps[0], messages.NOT_ACCEPTED.format(problems=problems))


# --- the same content again within 10 minutes (submit.guards) ---------------------------------------------
def ask_duplicate(draft: Draft) -> str:
    return messages.ASK_DUPLICATE.format(number=draft.duplicate_of)


def answer_duplicate(turn: Turn) -> Outcome:
    """是: nothing new, the earlier ticket's number; 否: the ticket is made all the same."""
    draft = turn.draft
    if turn.word in messages.DUPLICATE_YES:
        url = h5_url(f"/{draft.duplicate_of}")
        return Finish(TextReply(messages.DUPLICATE_KEPT.format(number=draft.duplicate_of, url=url), more_url=url))
    if turn.word not in messages.DUPLICATE_NO:
        return Again(messages.DUPLICATE_HINT)
    draft.not_duplicate = True
    return submit(turn.inbound.openid, draft)


# --- 修改 ------------------------------------------------------------------------------------------------
EDITABLE = ("type", "describe", "category", "place", "photos", "name", "confidential")


def clear(draft: Draft, step: str) -> None:
    """Forget one part of the form, so the dialogue asks it again (and then comes back to the summary)."""
    if step == "type":
        draft.request_type = draft.type_name = ""
        draft.asked_knowledge_base = True  # a change of type does not put the text to 微查询 again
    elif step == "describe":
        draft.set_content("")
    elif step == "category":
        draft.category = draft.category_name = ""
    elif step == "place":
        draft.address, draft.latitude, draft.longitude, draft.location_label = "", None, None, ""
        draft.place_skipped = False
    elif step == "photos":
        draft.photos, draft.photos_done = [], False
    elif step in ("name", "phone"):
        draft.name = draft.phone = ""
    elif step == "confidential":
        draft.confidential = None


def ask_edit(draft: Draft) -> str:
    lines = [f"{number}. {label}" for number, label in enumerate(messages.EDIT_FIELDS, 1)]
    return messages.ASK_EDIT.format(lines="\n".join(lines))


def pick_field(turn: Turn) -> Outcome:
    word = turn.word
    chosen = None
    if word.isdigit() and 1 <= int(word) <= len(EDITABLE):
        chosen = EDITABLE[int(word) - 1]
    elif word in messages.EDIT_FIELDS:
        chosen = EDITABLE[messages.EDIT_FIELDS.index(word)]
    if chosen is None:
        return Again(messages.EDIT_UNKNOWN.format(last=len(EDITABLE)), reask=True)
    clear(turn.draft, chosen)
    return Next()
