"""The middle steps of the submission dialogue: where, photos, name and phone, confidentiality; and
the fallbacks that take a location or a photo at any step."""
from __future__ import annotations

import re

from core.privacy import mask_phone
from faq.fields import clean_text
from submit import messages
from submit.attachments import start_download
from submit.chat_draft import Draft
from submit.chat_flow import Again, Next, Outcome, Turn
from submit.fields import MAX_ADDRESS, MAX_ATTACHMENTS, MAX_NAME, normalise_phone

MIN_ADDRESS = 4
PHONE_IN_TEXT = re.compile(r"(?:\+?86[\s-]?)?(?:1\d{2}[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}[\s-]?\d{7,8})")
ONLY_NUMBERS = re.compile(r"[\d\s+\-()（）]+")


# --- where ------------------------------------------------------------------------------------------
def ask_place(draft: Draft) -> str:
    return messages.ASK_PLACE + ("" if draft.needs_location else messages.PLACE_SKIP)


def place(turn: Turn) -> Outcome:
    draft, text = turn.draft, clean_text(turn.text)
    if turn.word in messages.SKIP_WORDS:
        if draft.needs_location:
            return Again(messages.PLACE_REQUIRED.format(type=draft.type_name))
        draft.place_skipped = True
        return Next()
    if len(text) < MIN_ADDRESS:
        return Again(messages.ADDRESS_SHORT)
    if len(text) > MAX_ADDRESS:
        return Again(messages.ADDRESS_LONG.format(maximum=MAX_ADDRESS))
    draft.address = text
    return Next()


def take_location(turn: Turn) -> Outcome | None:
    """A location message (or the menu's location picker) at any step is the place."""
    inbound = turn.inbound
    is_location = inbound.kind == "location" or (inbound.kind == "event" and inbound.event == "location_select")
    if not is_location or inbound.latitude is None or inbound.longitude is None:
        return None
    draft = turn.draft
    draft.latitude, draft.longitude = inbound.latitude, inbound.longitude
    draft.location_label = clean_text(inbound.label or "")[:MAX_ADDRESS]
    label = draft.location_label or messages.MAP_POINT
    if turn.state == "place":
        return Next(messages.LOCATION_TAKEN.format(label=label))
    return Again(messages.LOCATION_KEPT.format(label=label), reask=True)


# --- photos -------------------------------------------------------------------------------------------
def ask_photos(draft: Draft) -> str:
    return messages.ASK_PHOTOS.format(maximum=MAX_ATTACHMENTS)


def photos(turn: Turn) -> Outcome:
    if turn.word in messages.DONE_WORDS or turn.word in messages.SKIP_WORDS:
        turn.draft.photos_done = True
        return Next()
    return Again(messages.PHOTOS_HINT)


def take_photo(turn: Turn) -> Outcome | None:
    """An image at any step: its download starts now (a background job); at most MAX_ATTACHMENTS."""
    inbound = turn.inbound
    if inbound.kind != "image" or not inbound.media_id:
        return None
    draft = turn.draft
    if len(draft.photos) >= MAX_ATTACHMENTS:
        return Again(messages.PHOTO_LIMIT.format(maximum=MAX_ATTACHMENTS))
    if inbound.media_id not in draft.photos:
        draft.photos.append(inbound.media_id)
        start_download(draft.id, inbound.media_id)
    count = draft.photos.index(inbound.media_id) + 1
    if turn.state == "photos":
        return Again(messages.PHOTO_TAKEN.format(count=count))
    return Again(messages.PHOTO_KEPT.format(count=count), reask=True)


# --- name and phone -------------------------------------------------------------------------------------
def ask_name(draft: Draft) -> str:
    offer = ""
    if draft.last_name and draft.last_phone:
        offer = messages.OFFER_LAST_CONTACT.format(name=draft.last_name, phone=mask_phone(draft.last_phone))
    return messages.ASK_NAME + offer


def name(turn: Turn) -> Outcome:
    draft, text = turn.draft, clean_text(turn.text)
    if turn.word == "1" and draft.last_name and draft.last_phone:
        draft.name, draft.phone = draft.last_name, draft.last_phone
        return Next()
    found = PHONE_IN_TEXT.search(text)  # "张先生 13812345678" gives both at once
    phone = normalise_phone(found.group()) if found else None
    if phone:
        draft.phone = phone
        text = clean_text(text.replace(found.group(), " ")).strip(" ,，、:：")
        if not text:
            return Again(messages.ASK_NAME)
    if not text or len(text) > MAX_NAME or ONLY_NUMBERS.fullmatch(text):
        return Again(messages.NAME_INVALID.format(maximum=MAX_NAME))
    draft.name = text
    return Next()


def ask_phone(draft: Draft) -> str:
    return messages.ASK_PHONE


def phone(turn: Turn) -> Outcome:
    found = normalise_phone(clean_text(turn.text))
    if found is None:
        return Again(messages.PHONE_INVALID.format(text=clean_text(turn.text)[:30]))
    turn.draft.phone = found
    return Next()


# --- confidentiality --------------------------------------------------------------------------------------
def ask_confidential(draft: Draft) -> str:
    return messages.ASK_CONFIDENTIAL


def confidential(turn: Turn) -> Outcome:
    if turn.word in messages.CONFIDENTIAL_YES:
        turn.draft.confidential = True
    elif turn.word in messages.CONFIDENTIAL_NO:
        turn.draft.confidential = False
    else:
        return Again(messages.CONFIDENTIAL_HINT)
    return Next()
