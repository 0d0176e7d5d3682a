"""Policy documents: validating their fields, looking them up, upserting by slug.

Fields use the front-matter names: slug, title, doc_number, issuer, published, effective, expires,
source_url, status; plus body (Markdown). Messages are Chinese (editors read them).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dates import parse_date
from policies.models import POLICY_STATUSES, PolicyDocument

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
URL = re.compile(r"^https?://[^\s<>\"']+$")
FIELDS = ("slug", "title", "doc_number", "issuer", "published", "effective", "expires", "source_url", "status")
REQUIRED = ("slug", "title", "issuer", "published", "effective")
LABELS = {"slug": "标识", "title": "标题", "doc_number": "文号", "issuer": "发文机关", "published": "发布日期",
          "effective": "生效日期", "expires": "失效日期", "source_url": "来源链接", "status": "状态", "body": "正文"}
STATUS_NAMES = {"有效": "active", "现行有效": "active", "废止": "repealed", "已废止": "repealed"}
LIMITS = {"slug": 80, "title": 200, "doc_number": 100, "issuer": 100, "source_url": 500}
COLUMNS = {"slug": "slug", "title": "title", "doc_number": "doc_number", "issuer": "issuer",
           "published": "published_on", "effective": "effective_on", "expires": "expires_on",
           "source_url": "source_url", "status": "status", "body": "body"}


class PolicyNotFound(LookupError):
    def __init__(self, slug: str):
        super().__init__(f"找不到政策文件「{slug}」")


@dataclass(frozen=True)
class PolicyProblem:
    field: str
    message: str


def _date(problems: list[PolicyProblem], name: str, value: object) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        problems.append(PolicyProblem(name, f"{LABELS[name]}「{value}」不是有效日期，格式应为 YYYY-MM-DD"))
        return None


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def validate_policy(fields: Mapping[str, object]) -> tuple[dict, list[PolicyProblem]]:
    """Cleaned values keyed by column name, and every problem found."""
    problems = [PolicyProblem(name, f"未知字段「{name}」") for name in fields if name not in FIELDS and name != "body"]
    values: dict[str, object] = {}
    for name in ("slug", "title", "doc_number", "issuer", "source_url"):
        text = _text(fields.get(name))
        if len(text) > LIMITS[name]:
            problems.append(PolicyProblem(name, f"{LABELS[name]}最多 {LIMITS[name]} 字"))
        values[name] = text
    for name in ("published", "effective", "expires"):
        values[name] = _date(problems, name, fields.get(name))
    for name in REQUIRED:
        if values[name] in ("", None) and not any(problem.field == name for problem in problems):
            problems.append(PolicyProblem(name, f"{LABELS[name]}不能为空"))
    if values["slug"] and not SLUG.match(values["slug"]):
        problems.append(PolicyProblem("slug", "标识只能用小写字母、数字、- 和 _"))
    if values["source_url"] and not URL.match(values["source_url"]):
        problems.append(PolicyProblem("source_url", "来源链接须以 http:// 或 https:// 开头"))
    status = _text(fields.get("status")) or "active"
    values["status"] = STATUS_NAMES.get(status, status)
    if values["status"] not in POLICY_STATUSES:
        problems.append(PolicyProblem("status", f"状态「{status}」应为 active（有效）或 repealed（废止）"))
    if values["expires"] and values["effective"] and values["expires"] < values["effective"]:
        problems.append(PolicyProblem("expires", "失效日期不能早于生效日期"))
    body = str(fields.get("body") or "").replace("\r\n", "\n").strip()
    if not body:
        problems.append(PolicyProblem("body", "正文不能为空"))
    values["body"] = body
    values["source_url"] = values["source_url"] or None
    return {COLUMNS[name]: value for name, value in values.items()}, problems


def get_policy(session: Session, slug: str) -> PolicyDocument:
    policy = session.scalar(select(PolicyDocument).where(PolicyDocument.slug == slug))
    if policy is None:
        raise PolicyNotFound(slug)
    return policy


def list_policies(session: Session) -> list[PolicyDocument]:
    """Newest first."""
    return list(session.scalars(select(PolicyDocument).order_by(PolicyDocument.published_on.desc(),
                                                                PolicyDocument.slug)))


def upsert_policy(session: Session, values: Mapping[str, object]) -> tuple[PolicyDocument, str]:
    """Insert or update by slug with values from validate_policy(); returns the row and
    "created", "updated" or "unchanged"."""
    policy = session.scalar(select(PolicyDocument).where(PolicyDocument.slug == values["slug"]))
    if policy is None:
        policy = PolicyDocument(**values)
        session.add(policy)
        return policy, "created"
    changed = False
    for name, value in values.items():
        if getattr(policy, name) != value:
            setattr(policy, name, value)
            changed = True
    return policy, "updated" if changed else "unchanged"
