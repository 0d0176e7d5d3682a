"""The H5 forms of 微受理: the submission form, the 回访 (rating) form and the 重办 request.

The forms parse and carry the CSRF token; the rules on each value live in submit.fields (one set of
rules for every channel), whose Chinese messages the views put back beside the fields here.
"""
from __future__ import annotations

import re
import secrets

from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Regexp

from reference.models import Category, RequestType
from submit.followup import MAX_COMMENT, SATISFACTION, SOLVED

MAX_INPUT = 25_000  # longer than any field allows: the service says what is too long, the text is kept
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{20,32}$")  # h5:<openid ≤ 64>:<key> fits the 100 of a ticket key
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
# Which service field's message goes beside which form field.
ERROR_FIELDS = {"location": "address", "title": "content", "attachments": "photos"}


def new_form_key() -> str:
    """The idempotency nonce issued with each new form (hidden field `key`)."""
    return secrets.token_urlsafe(18)


def _cut(value):
    return value[:MAX_INPUT] if isinstance(value, str) else value


class SubmitForm(FlaskForm):
    key = HiddenField(validators=[Regexp(KEY_RE, message="表单已失效，请刷新页面后重新提交")])
    request_type = SelectField("诉求类型", validate_choice=False)
    category = SelectField("诉求分类", validate_choice=False)
    content = TextAreaField("诉求内容", filters=[_cut])
    address = StringField("事发地址", filters=[_cut])
    photos = MultipleFileField("现场图片")
    keep = SelectMultipleField("已上传图片", validate_choice=False)  # sha256 of earlier uploads to keep
    name = StringField("姓名", filters=[_cut])
    phone = StringField("联系电话", filters=[_cut])
    confidential = BooleanField("保密")
    not_duplicate = BooleanField("这不是重复提交，仍然提交")  # offered when submit.guards finds a duplicate

    def fill_choices(self, session: Session) -> None:
        types = session.scalars(select(RequestType).where(RequestType.active).order_by(RequestType.sort)).all()
        self.request_type.choices = [(t.code, t.name) for t in types]
        self.needs_location = [t.code for t in types if t.needs_location]
        self.category.choices = category_choices(session)

    def show_errors(self, by_field: dict[str, list[str]]) -> None:
        """Put the service's messages beside the fields they concern."""
        for field, messages in by_field.items():
            target = getattr(self, ERROR_FIELDS.get(field, field), None) or self.content
            target.errors = [*target.errors, *messages]

    def kept_photos(self) -> list[str]:
        return [value for value in self.keep.data or [] if SHA256_RE.match(value)]


def category_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """The leaves of the active category tree, grouped by top-level class: {class name: [(code, label)]}.

    A leaf's label is its path below the class (供热 · 暖气不热), so a plain <select> works without JS.
    """
    nodes = session.scalars(select(Category).where(Category.active).order_by(Category.code)).all()
    by_id = {node.id: node for node in nodes}
    parents = {node.parent_id for node in nodes}
    groups: dict[str, list[tuple[str, str]]] = {}
    roots = sorted((node for node in nodes if node.parent_id is None), key=lambda node: (node.sort, node.code))
    for root in roots:
        groups[root.name] = []
    for node in nodes:
        if node.id in parents or node.parent_id is None:
            continue
        chain, parent = [node.name], by_id.get(node.parent_id)
        while parent is not None and parent.parent_id is not None:
            chain.insert(0, parent.name)
            parent = by_id.get(parent.parent_id)
        if parent is not None:  # under an active class
            groups[parent.name].append((node.code, " · ".join(chain)))
    return {name: leaves for name, leaves in groups.items() if leaves}


class RatingForm(FlaskForm):
    """是否解决, 满意度 and an optional comment; submit.followup.rate_ticket checks the answers."""

    solved = RadioField("是否解决", choices=list(SOLVED.items()), validate_choice=False)
    satisfaction = RadioField("满意度", choices=list(SATISFACTION.items()), validate_choice=False)
    comment = TextAreaField("意见和建议", filters=[_cut])
    max_comment = MAX_COMMENT


class ReopenForm(FlaskForm):
    reason = TextAreaField("仍需解决的问题", filters=[_cut])
