"""An entry's fields as plain values: cleaning, validation (Chinese messages) and code lookup.

One vocabulary everywhere — services, import/export, version snapshots, the demo file:
key, question, similar, keywords, answer, answer_long, category (leaf code), department (code),
policies (slugs), valid_from, valid_until (and status, in files only).

Text is stored as plain text, never as HTML: tags are refused in every field (the chat answer is
sent as is; answer_long is Markdown, which the H5 page must render with raw HTML disabled).
Control characters are removed, line ends become "\\n".
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dates import parse_date
from faq.errors import FieldError
from faq.models import ENTRY_STATUSES
from policies.models import PolicyDocument
from reference.models import Category, Department

FIELDS = ("key", "question", "similar", "keywords", "answer", "answer_long", "category", "department",
          "policies", "valid_from", "valid_until")
LABELS = {"key": "标识", "question": "标准问", "similar": "相似问法", "keywords": "关键词", "answer": "简短答复",
          "answer_long": "详细答复", "category": "分类", "department": "承办单位", "policies": "引用政策",
          "valid_from": "生效日期", "valid_until": "失效日期", "status": "状态"}
STATUS_NAMES = {"草稿": "draft", "已发布": "published", "发布": "published", "已归档": "archived", "归档": "archived"}

MAX_QUESTION = 200
MAX_SIMILAR = 100
MAX_KEYWORD = 30
MAX_KEYWORDS = 50
MAX_ANSWER = 600
MAX_ANSWER_LONG = 20_000
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?\s*>|<!--|<!\[CDATA\[|<!doctype", re.I)
LIST_SEPARATOR = "|"
LIST_SPLIT = re.compile(r"[|\r\n]")
ZWJ = "\u200d"  # joins emoji sequences; every other control or format character is dropped


def clean_text(value: object, *, multiline: bool = False) -> str:
    """Plain text: control characters out, line ends unified, surrounding space trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = " ".join(text.split())
    return "".join(ch for ch in text if ch in "\n\t" or ch == ZWJ or unicodedata.category(ch)[0] != "C").strip()


def split_list(value: object) -> list:
    """A list from a list, or from a cell separated by "|" (CSV, Excel) or by line ends (a text area)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return LIST_SPLIT.split(str(value))


def _text_field(errors: list[FieldError], field: str, value: object, *, limit: int, required: bool = False,
                multiline: bool = False) -> str:
    if value is not None and not isinstance(value, str | int | float):
        errors.append(FieldError(field, f"{LABELS[field]}应为文字"))
        return ""
    text = clean_text(value, multiline=multiline)
    if required and not text:
        errors.append(FieldError(field, f"{LABELS[field]}不能为空"))
    if len(text) > limit:
        errors.append(FieldError(field, f"{LABELS[field]}最多 {limit} 字，现有 {len(text)} 字"))
    if HTML_TAG.search(text):
        allowed = "纯文字或 Markdown" if field == "answer_long" else "纯文字"
        errors.append(FieldError(field, f"{LABELS[field]}不能包含 HTML 标签（请写{allowed}）"))
    return text


def _list_field(errors: list[FieldError], field: str, value: object, *, limit: int, count: int,
                exclude: str = "") -> list[str]:
    items, seen = [], {exclude.casefold()} if exclude else set()
    raw = split_list(value)
    for item in raw:
        if isinstance(item, dict | list):
            errors.append(FieldError(field, f"{LABELS[field]}的每一项应为文字"))
            continue
        text = clean_text(item)
        if not text or text.casefold() in seen:
            continue
        seen.add(text.casefold())
        if len(text) > limit:
            errors.append(FieldError(field, f"{LABELS[field]}「{text[:20]}…」超过 {limit} 字"))
        elif HTML_TAG.search(text):
            errors.append(FieldError(field, f"{LABELS[field]}「{text[:20]}」不能包含 HTML 标签"))
        elif LIST_SEPARATOR in text:
            errors.append(FieldError(field, f"{LABELS[field]}「{text[:20]}」不能包含分隔符 {LIST_SEPARATOR}"))
        else:
            items.append(text)
    if len(items) > count:
        errors.append(FieldError(field, f"{LABELS[field]}最多 {count} 个，现有 {len(items)} 个"))
    return items


def _date_field(errors: list[FieldError], field: str, value: object) -> date | None:
    try:
        return parse_date(value)
    except (TypeError, ValueError):
        errors.append(FieldError(field, f"{LABELS[field]}「{value}」不是有效日期，格式应为 YYYY-MM-DD"))
        return None


def _code(value: object) -> str | None:
    text = clean_text(value)
    return text or None


def clean_status(errors: list[FieldError], value: object) -> str:
    text = clean_text(value)
    if not text:
        return "draft"
    status = STATUS_NAMES.get(text, text.lower())
    if status not in ENTRY_STATUSES:
        errors.append(FieldError("status", f"状态「{text}」应为 草稿/已发布/已归档（draft/published/archived）"))
    return status


def clean_entry(raw: Mapping[str, object]) -> tuple[dict, list[FieldError]]:
    """Every field of `raw` cleaned (absent fields become empty), and every problem found."""
    errors: list[FieldError] = []
    key = clean_text(raw.get("key")).lower() or None
    if key is not None and not KEY.match(key):
        errors.append(FieldError("key", f"标识「{key[:40]}」只能用小写字母、数字、- 和 _，最长 80 位"))
    question = _text_field(errors, "question", raw.get("question"), limit=MAX_QUESTION, required=True)
    data = {
        "key": key,
        "question": question,
        "similar": _list_field(errors, "similar", raw.get("similar"), limit=MAX_QUESTION, count=MAX_SIMILAR,
                               exclude=question),
        "keywords": _list_field(errors, "keywords", raw.get("keywords"), limit=MAX_KEYWORD, count=MAX_KEYWORDS),
        "answer": _text_field(errors, "answer", raw.get("answer"), limit=MAX_ANSWER, multiline=True),
        "answer_long": _text_field(errors, "answer_long", raw.get("answer_long"), limit=MAX_ANSWER_LONG,
                                   multiline=True),
        "category": _code(raw.get("category")),
        "department": _code(raw.get("department")),
        "policies": sorted({slug for slug in (clean_text(item) for item in split_list(raw.get("policies"))) if slug}),
        "valid_from": _date_field(errors, "valid_from", raw.get("valid_from")),
        "valid_until": _date_field(errors, "valid_until", raw.get("valid_until")),
    }
    if data["valid_from"] and data["valid_until"] and data["valid_from"] > data["valid_until"]:
        errors.append(FieldError("valid_until", "失效日期不能早于生效日期"))
    return data, errors


def publish_problems(data: Mapping[str, object]) -> list[FieldError]:
    """What a draft may lack but a published entry may not."""
    errors = []
    if not data.get("answer"):
        errors.append(FieldError("answer", "发布前须填写简短答复"))
    if not data.get("category"):
        errors.append(FieldError("category", "发布前须选择分类"))
    return errors


class References:
    """Codes and slugs → rows, cached; `preload()` fetches everything at once (imports)."""

    def __init__(self, session: Session):
        self.session = session
        self.categories: dict[str, Category | None] = {}
        self.departments: dict[str, Department | None] = {}
        self.policies: dict[str, PolicyDocument | None] = {}
        self.parents: set[int] | None = None

    def preload(self) -> References:
        self.categories = {row.code: row for row in self.session.scalars(select(Category))}
        self.departments = {row.code: row for row in self.session.scalars(select(Department))}
        self.policies = {row.slug: row for row in self.session.scalars(select(PolicyDocument))}
        self.parents = set(self.session.scalars(select(Category.parent_id).where(Category.parent_id.is_not(None))))
        return self

    def _get(self, cache: dict, model, column, code: str):
        if code not in cache:
            cache[code] = self.session.scalar(select(model).where(column == code))
        return cache[code]

    def category(self, code: str) -> Category | None:
        return self._get(self.categories, Category, Category.code, code)

    def department(self, code: str) -> Department | None:
        return self._get(self.departments, Department, Department.code, code)

    def policy(self, slug: str) -> PolicyDocument | None:
        return self._get(self.policies, PolicyDocument, PolicyDocument.slug, slug)

    def is_leaf(self, category: Category) -> bool:
        if self.parents is not None:
            return category.id not in self.parents
        return not self.session.scalar(select(Category.id).where(Category.parent_id == category.id).limit(1))

    def resolve(self, data: dict) -> tuple[dict, list[FieldError]]:
        """Rows for the codes in `data`; department defaults to the category's default unit."""
        errors: list[FieldError] = []
        category = department = None
        if data["category"]:
            category = self.category(data["category"])
            if category is None:
                errors.append(FieldError("category", f"找不到分类代码「{data['category']}」"))
            elif not self.is_leaf(category):
                errors.append(FieldError("category", f"分类「{data['category']} {category.name}」不是末级分类"))
        if data["department"]:
            department = self.department(data["department"])
            if department is None:
                errors.append(FieldError("department", f"找不到承办单位代码「{data['department']}」"))
        elif category is not None:
            department = category.department
        policies = []
        for slug in data["policies"]:
            policy = self.policy(slug)
            if policy is None:
                errors.append(FieldError("policies", f"找不到政策文件「{slug}」"))
            else:
                policies.append(policy)
        return {"category": category, "department": department, "policies": policies}, errors
