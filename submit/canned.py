"""常用语 (canned replies): texts staff start a reply from, kept per category subtree or general.

A row with a category applies to tickets of that category and of every category below it; a row
without one applies to every ticket. `replies_for` offers a ticket's matching rows nearest first
(the leaf's own, then its parents', then the general ones). Placeholders ({编号} {市民} {承办单位}
{诉求分类} {受理日期}) are filled from the ticket when offered; a text naming any other {…} is refused
on save, so a typo never reaches a citizen.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from core.dates import china_date
from core.demo import DemoDataError, demo_loader
from faq.fields import clean_text
from reference.models import Category
from staff.models import StaffUser
from staff.service import find_staff
from submit.errors import FieldError, InvalidSubmission
from submit.models import CannedReply, Ticket

MAX_TITLE = 50
MAX_TEXT = 2000  # as long as a reply may be (submit.workflow.MAX_TEXT)
MIN_TEXT = 5
PLACEHOLDER = re.compile(r"\{([^{}\s]{1,10})\}")
PLACEHOLDERS: dict[str, Callable[[Ticket, bool], str]] = {
    "编号": lambda ticket, _shown: ticket.number,
    "市民": lambda ticket, shown: ticket.citizen_name if shown else "市民",
    "承办单位": lambda ticket, _shown: ticket.department.name if ticket.department else "承办单位",
    "诉求分类": lambda ticket, _shown: ticket.category.name,
    "受理日期": lambda ticket, _shown: _chinese_date(ticket),
}


def _chinese_date(ticket: Ticket) -> str:
    day = china_date(ticket.received_at)
    return f"{day.year}年{day.month}月{day.day}日"


class InvalidCannedReply(InvalidSubmission):
    """A canned reply's fields are wrong (title, text, category); .by_field() for the form."""


@dataclass(frozen=True)
class CannedIn:
    """What the form gives: category by code ("" = general)."""

    title: str
    text: str
    category: str = ""
    active: bool = True


@dataclass(frozen=True)
class Offered:
    """A canned reply offered for one ticket, its placeholders filled."""

    reply: CannedReply
    text: str
    scope: str  # the category it belongs to, or 通用


def fill(text: str, ticket: Ticket, *, citizen_shown: bool = True) -> str:
    """The text with the ticket's values in its placeholders (the citizen's name only where shown)."""
    return PLACEHOLDER.sub(lambda match: PLACEHOLDERS[match.group(1)](ticket, citizen_shown)
                           if match.group(1) in PLACEHOLDERS else match.group(0), text)


def _validate(session: Session, given: CannedIn, exclude_id: int | None) -> tuple[str, str, Category | None]:
    errors: list[FieldError] = []
    title, text = clean_text(given.title), clean_text(given.text, multiline=True)
    if not title:
        errors.append(FieldError("title", "请填写标题"))
    elif len(title) > MAX_TITLE:
        errors.append(FieldError("title", f"标题最多 {MAX_TITLE} 字，现有 {len(title)} 字"))
    if len(text.strip()) < MIN_TEXT:
        errors.append(FieldError("text", f"请填写常用语内容，至少 {MIN_TEXT} 个字"))
    elif len(text) > MAX_TEXT:
        errors.append(FieldError("text", f"常用语最多 {MAX_TEXT} 字，现有 {len(text)} 字"))
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        known = " ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        errors.append(FieldError("text", f"不认识的占位符：{'、'.join(unknown)}；可用的有 {known}"))
    category = None
    code = clean_text(given.category)
    if code:
        category = session.scalar(select(Category).where(Category.code == code, Category.active))
        if category is None:
            errors.append(FieldError("category", "分类不存在，请重新选择"))
    if title and not any(error.field == "category" for error in errors):
        scope = CannedReply.category_id == category.id if category else CannedReply.category_id.is_(None)
        same = select(CannedReply.id).where(CannedReply.title == title, scope)
        if exclude_id is not None:
            same = same.where(CannedReply.id != exclude_id)
        if session.scalar(same) is not None:
            errors.append(FieldError("title", f"{'该分类' if category else '通用常用语'}下已有同名的一条，请换个标题"))
    if errors:
        raise InvalidCannedReply(errors)
    return title, text, category


def create_canned(session: Session, given: CannedIn, *, by: StaffUser | None) -> CannedReply:
    """A new canned reply (the caller commits); raises InvalidCannedReply with every bad field."""
    title, text, category = _validate(session, given, None)
    author = by.id if by else None
    row = CannedReply(title=title, text=text, category=category, active=given.active, created_by_id=author,
                      updated_by_id=author)
    session.add(row)
    session.flush()
    return row


def get_canned(session: Session, reply_id: int) -> CannedReply | None:
    return session.get(CannedReply, reply_id)


def update_canned(session: Session, row: CannedReply, given: CannedIn, *, by: StaffUser) -> CannedReply:
    title, text, category = _validate(session, given, row.id)
    row.title, row.text, row.category, row.active, row.updated_by_id = title, text, category, given.active, by.id
    session.flush()
    return row


def delete_canned(session: Session, row: CannedReply) -> None:
    session.delete(row)
    session.flush()


def list_canned(session: Session) -> list[CannedReply]:
    """Every canned reply for the editing page: general first, then by category code and title."""
    rows = session.scalars(select(CannedReply).options(
        selectinload(CannedReply.category), selectinload(CannedReply.updated_by))).all()
    return sorted(rows, key=lambda row: (row.category.code if row.category else "", row.title))


def replies_for(session: Session, ticket: Ticket, *, citizen_shown: bool = True) -> list[Offered]:
    """The active canned replies that apply to the ticket's category, nearest category first."""
    path = ticket.category.path
    depth = {node.id: index for index, node in enumerate(path)}
    rows = session.scalars(select(CannedReply).where(
        CannedReply.active, or_(CannedReply.category_id.in_(depth), CannedReply.category_id.is_(None)))).all()
    rows = sorted(rows, key=lambda row: (-depth.get(row.category_id, -1), row.title))
    return [Offered(row, fill(row.text, ticket, citizen_shown=citizen_shown),
                    row.category.name if row.category else "通用") for row in rows]


# --- demo data (HOTLINE_DEMO=1) ------------------------------------------------------------------------

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "canned_replies.yaml"
DEMO_AUTHOR = "agent"


def load_demo_canned(session: Session, path: Path = DEMO_FILE) -> int:
    """Add the demo canned replies missing by (category, title); how many were added. A wrong row stops
    it with every problem listed (the caller rolls back)."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    author = find_staff(session, DEMO_AUTHOR)
    added, problems = 0, []
    for row in rows:
        given = CannedIn(title=row.get("title", ""), text=row.get("text", ""), category=row.get("category", ""))
        if _exists(session, given):
            continue
        try:
            create_canned(session, given, by=author)
        except InvalidCannedReply as invalid:
            problems.extend(f"canned reply {given.title}: {error.field}: {error.message}" for error in invalid.errors)
            continue
        added += 1
    if problems:
        raise DemoDataError(problems)
    return added


def _exists(session: Session, given: CannedIn) -> bool:
    scope = CannedReply.category.has(Category.code == given.category) if given.category else \
        CannedReply.category_id.is_(None)
    return session.scalar(select(CannedReply.id).where(CannedReply.title == given.title, scope)) is not None


@demo_loader("canned replies", order=45)
def load_demo(session: Session) -> str:
    return f"added {load_demo_canned(session)} canned replies"
