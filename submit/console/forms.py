"""The forms of the ticket page's actions: which fields each action asks for, their labels, and what
was typed (kept whole, so a refused action comes back as the user left it).

Every action posts to one endpoint (submit.console.actions) with `action`, the ticket `revision` the
page showed, and its fields. Field names match the workflow's InvalidAction fields (reason, note,
days, department, co_departments, into, approved, reached) and InvalidRating's (solved, satisfaction,
comment), so each refusal lands beside its field.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

MAX_INPUT = 4000  # longer text is cut before the workflow refuses it beside the field (2000)

# action -> its fields, in the order shown; `note` is what the event says (public when the action is),
# `reason` is why, for staff.
FIELDS: dict[str, tuple[str, ...]] = {
    "dispatch": ("department", "co_departments", "reason"),
    "accept": (),
    "start": ("note",),
    "reply": ("note",),
    "approve": ("note",),
    "send_back": ("reason",),
    "close": ("note",),
    "return": ("reason",),
    "request_extension": ("days", "reason"),
    "decide_extension": ("approved", "reason"),
    "chase": ("note",),
    "reopen": ("reason",),
    "merge": ("into", "reason"),
    "mark_invalid": ("reason", "note"),
    "follow_up_call": ("reached", "solved", "satisfaction", "comment"),
    "note": ("note",),
}
# (action, field) -> label; (None, field) is the default.
LABELS = {
    (None, "reason"): "理由（内部，市民看不到）",
    (None, "note"): "说明",
    ("dispatch", "department"): "主办单位",
    ("dispatch", "co_departments"): "协办单位（可多选）",
    ("dispatch", "reason"): "派单说明（内部，可选）",
    ("start", "note"): "办理说明（内部，可选）",
    ("reply", "note"): "答复内容（审核通过后发给市民）",
    ("approve", "note"): "发给市民的答复（可修改）",
    ("send_back", "reason"): "退回理由",
    ("close", "note"): "办结说明（市民可见，可不填）",
    ("return", "reason"): "退单理由",
    ("request_extension", "days"): "延期天数（工作日）",
    ("request_extension", "reason"): "延期理由",
    ("decide_extension", "approved"): "是否同意延期",
    ("decide_extension", "reason"): "审批意见（内部，可选）",
    ("chase", "note"): "催办说明（内部，可选）",
    ("reopen", "reason"): "重办原因（内部，可选）",
    ("merge", "into"): "合并到工单（主工单编号）",
    ("merge", "reason"): "合并说明（内部，可选）",
    ("mark_invalid", "reason"): "无效理由（内部）",
    ("mark_invalid", "note"): "告知市民的话（可不填，默认“不予受理”说明）",
    ("follow_up_call", "reached"): "是否联系上市民",
    ("follow_up_call", "solved"): "是否解决",
    ("follow_up_call", "satisfaction"): "满意度",
    ("follow_up_call", "comment"): "市民意见 / 回访说明",
    ("note", "note"): "内部备注（市民看不到）",
}
REQUIRED = {("reply", "note"), ("send_back", "reason"), ("return", "reason"), ("request_extension", "days"),
            ("request_extension", "reason"), ("decide_extension", "approved"), ("merge", "into"),
            ("mark_invalid", "reason"), ("dispatch", "department"), ("follow_up_call", "reached"),
            ("note", "note")}
DANGER = {"return", "send_back", "mark_invalid", "merge"}  # buttons drawn as cautions
YES_NO = {"yes": True, "no": False}


def label(action: str, name: str) -> str:
    return LABELS.get((action, name)) or LABELS.get((None, name), name)


@dataclass
class ActionInput:
    """One action as posted: every value as typed (strings, lists for multi-selects)."""

    action: str
    revision: int | None
    values: dict[str, object]
    errors: dict[str, list[str]] = field(default_factory=dict)
    message: str = ""  # a refusal that belongs to no field

    @classmethod
    def read(cls, form: MultiDict) -> ActionInput:
        action = form.get("action", "")
        revision = form.get("revision", "")
        values: dict[str, object] = {}
        for name in FIELDS.get(action, ()):
            if name == "co_departments":
                values[name] = [value for value in form.getlist(name) if value][:20]
            else:
                values[name] = form.get(name, "").strip()[:MAX_INPUT]
        return cls(action, int(revision) if revision.isdigit() else None, values)

    def text(self, name: str) -> str:
        value = self.values.get(name, "")
        return value if isinstance(value, str) else ""

    def number(self, name: str) -> int | None:
        """A whole number as typed, None otherwise (the workflow then says what it needs)."""
        value = self.text(name)
        return int(value) if value.isdigit() and len(value) < 10 else None

    def numbers(self, name: str) -> list[int]:
        values = self.values.get(name) or []
        return [int(value) for value in values if isinstance(value, str) and value.isdigit() and len(value) < 10]

    def yes_no(self, name: str) -> bool | None:
        return YES_NO.get(self.text(name))

    def selected(self, name: str) -> set[str]:
        """For the form: the values chosen in a select (one or many)."""
        value = self.values.get(name)
        return set(value) if isinstance(value, list) else {value} if value else set()
