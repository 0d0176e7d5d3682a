"""A submission's fields as plain values, and their validation with Chinese messages per field.

Every channel fills a `Submission` (chat dialogue, H5 form, an agent for a caller, Open311) and
`validate_submission` checks all of it at once: InvalidSubmission lists one FieldError per bad
field, so a form can show each message beside its field and keep what the citizen typed.
Text is kept as the citizen wrote it (control characters removed, line ends unified); it is
escaped wherever it is shown, never refused for looking like HTML.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, joinedload

from faq.fields import clean_text
from reference.models import Category, RequestType
from submit.errors import FieldError, InvalidSubmission
from submit.models import ATTACHMENT_KINDS

MIN_CONTENT = 10  # characters, not counting spaces
MAX_CONTENT = 20_000  # a sane ceiling; the chat dialogue asks for less (its own limit)
MAX_TITLE = 100
DERIVED_TITLE = 30
MAX_NAME = 20
MAX_ADDRESS = 200
MAX_ATTACHMENTS = 9
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
PHONE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
STORED_MEDIA = re.compile(r"^media/([0-9a-f]{2})/([0-9a-f]{64})\.(jpg|png|gif|webp)$")
SENTENCE_END = re.compile(r"[。！？!?；;\n]")


@dataclass(frozen=True)
class AttachmentIn:
    """A file already stored by wechat.media.store_media (content-addressed under DATA_DIR)."""

    path: str
    sha256: str
    size: int
    content_type: str
    kind: str = "image"
    original_name: str = ""
    media_id: str | None = None

    @classmethod
    def from_stored(cls, stored, *, media_id: str | None = None, original_name: str = "") -> AttachmentIn:
        """From a wechat.media.StoredMedia (or anything with its four fields)."""
        return cls(stored.path, stored.sha256, stored.size, stored.content_type,
                   original_name=original_name, media_id=media_id)


@dataclass(frozen=True)
class Submission:
    """What the citizen (or the agent, for a caller) gives; codes, not ids, for type and category."""

    request_type: str  # RequestType.code: complaint, help, …
    category: str  # Category.code of a leaf
    content: str
    name: str
    phone: str
    title: str = ""  # derived from the content when empty
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_label: str = ""  # the place's name from a WeChat location message or the picker
    openid: str | None = None  # None for the phone channel
    confidential: bool = False
    attachments: tuple[AttachmentIn, ...] = ()


@dataclass(frozen=True)
class CleanSubmission:
    request_type: RequestType
    category: Category
    title: str
    content: str
    address: str
    latitude: float | None
    longitude: float | None
    location_label: str
    name: str
    phone: str
    confidential: bool
    attachments: tuple[AttachmentIn, ...]


@functools.lru_cache(maxsize=4096)  # a pure function of the text; parsing costs ~0.1 ms (bench/intake)
def normalise_phone(text: str) -> str | None:
    """National digits of a valid mainland mobile or landline (13812345678, 03517654321), else None."""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if (number.country_code != 86 or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) not in PHONE_TYPES):
        return None
    return re.sub(r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))


def derive_title(content: str) -> str:
    """The first real sentence of the content (greetings skipped), cut to DERIVED_TITLE characters."""
    pieces = [" ".join(piece.split()).rstrip("，,、：:…") for piece in SENTENCE_END.split(content)]
    sentence = next((piece for piece in pieces if len(piece) >= 5), " ".join(content.split()))
    return sentence if len(sentence) <= DERIVED_TITLE else sentence[:DERIVED_TITLE - 1] + "…"


def _choice(session: Session, model, code: str, field: str, errors: list[FieldError], *, missing: str, unknown: str,
            options=()):
    """The active row of `model` with this code, or None with the field's error noted."""
    if not code:
        errors.append(FieldError(field, missing))
        return None
    found = session.scalar(select(model).where(model.code == code, model.active).options(*options))
    if found is None:
        errors.append(FieldError(field, unknown))
    return found


def _category(session: Session, code: str, errors: list[FieldError]) -> Category | None:
    found = _choice(session, Category, code, "category", errors, missing="请选择诉求分类",  # with the ticket's
                    unknown="诉求分类不存在，请重新选择", options=[joinedload(Category.department)])  # department
    if found is not None and session.scalar(select(exists().where(Category.parent_id == found.id))):
        errors.append(FieldError("category", f"“{found.name}”下还有细分类，请选择最具体的一项"))
        return None
    return found


def _content(raw: str, errors: list[FieldError]) -> str:
    content = clean_text(raw, multiline=True)
    length = len("".join(content.split()))
    if length < MIN_CONTENT:
        errors.append(FieldError("content", f"请把诉求说清楚，至少 {MIN_CONTENT} 个字（现有 {length} 个字）"))
    elif len(content) > MAX_CONTENT:
        errors.append(FieldError("content", f"诉求内容最多 {MAX_CONTENT} 字，现有 {len(content)} 字，请精简"))
    return content


def _coordinate(value: object) -> float | None:
    try:
        return None if value is None or value == "" else float(value)
    except (TypeError, ValueError):
        return float("nan")  # refused below, like any out-of-range value


def _location(submission: Submission, needs_location: bool, errors: list[FieldError]) -> tuple:
    address = clean_text(submission.address)
    label = clean_text(submission.location_label)
    lat, lon = _coordinate(submission.latitude), _coordinate(submission.longitude)
    if len(address) > MAX_ADDRESS:
        errors.append(FieldError("address", f"地址最多 {MAX_ADDRESS} 字"))
    if len(label) > MAX_ADDRESS:
        errors.append(FieldError("location", f"位置名称最多 {MAX_ADDRESS} 字"))
    if (lat is None) != (lon is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)):
        errors.append(FieldError("location", "位置坐标无效，请重新选择位置"))
        lat = lon = None
    if needs_location and not address and lat is None:
        errors.append(FieldError("address", "请填写事发地址，或在地图上选择位置"))
    return address, lat, lon, label


def _citizen(submission: Submission, errors: list[FieldError]) -> tuple[str, str]:
    name = clean_text(submission.name)
    if not name:
        errors.append(FieldError("name", "请填写姓名或称呼（如“张先生”）"))
    elif len(name) > MAX_NAME:
        errors.append(FieldError("name", f"姓名最多 {MAX_NAME} 个字"))
    phone = normalise_phone(clean_text(submission.phone)) if submission.phone else None
    if phone is None:
        errors.append(FieldError("phone", "请填写正确的手机号码，或带区号的固定电话（如 0351-1234567）"))
    return name, phone or ""


def _attachments(items: tuple[AttachmentIn, ...], errors: list[FieldError]) -> None:
    if len(items) > MAX_ATTACHMENTS:
        errors.append(FieldError("attachments", f"最多 {MAX_ATTACHMENTS} 张图片，现有 {len(items)} 张"))
    for item in items:
        match = STORED_MEDIA.match(item.path)
        if (not match or match.group(2) != item.sha256 or not match.group(2).startswith(match.group(1))
                or not 0 < item.size <= MAX_ATTACHMENT_BYTES or item.kind not in ATTACHMENT_KINDS):
            errors.append(FieldError("attachments", "有图片未能保存，请重新上传"))
            return


def validate_submission(session: Session, submission: Submission) -> CleanSubmission:
    """Every field checked; raises InvalidSubmission listing all problems."""
    errors: list[FieldError] = []
    request_type = _choice(session, RequestType, clean_text(submission.request_type), "request_type", errors,
                           missing="请选择诉求类型", unknown="诉求类型不存在，请重新选择")
    category = _category(session, clean_text(submission.category), errors)
    content = _content(submission.content, errors)
    title = clean_text(submission.title)
    if len(title) > MAX_TITLE:
        errors.append(FieldError("title", f"标题最多 {MAX_TITLE} 字"))
    needs_location = bool(request_type and request_type.needs_location)
    address, lat, lon, label = _location(submission, needs_location, errors)
    name, phone = _citizen(submission, errors)
    attachments = tuple(submission.attachments)
    _attachments(attachments, errors)
    if errors:
        raise InvalidSubmission(errors)
    return CleanSubmission(request_type, category, title or derive_title(content), content, address, lat, lon,
                           label, name, phone, bool(submission.confidential), attachments)
