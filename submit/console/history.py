"""A ticket's full history as staff read it: every event, public and internal, with who did it, the
state it moved from and to, the reason, the note and what its data says (departments, deadline
changes, 延期 days and decision, 合并, 回访 outcome, ratings) in words."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.dates import china_time
from faq.console.choices import Tree
from submit.console.queue_filters import CHANNEL_NAMES
from submit.models import Ticket, TicketEvent
from submit.workflow import role_name
from submit.workflow_config import workflow
from submit.workflow_effects import _last_reply as last_reply  # noqa: F401 - what 审核通过 sends unless edited

EXTRA_NAMES = {"contact_viewed": "查看联系电话"}
REASON_LABELS = {"rated": "市民意见", "follow_up_call": "回访说明"}  # what `reason` holds for these kinds


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    kind: str
    name: str
    actor: str
    from_state: str
    to_state: str
    reason: str
    reason_label: str
    note: str
    public: bool
    details: tuple[str, ...]


def actor_label(event: TicketEvent) -> str:
    if event.actor_kind == "citizen":
        return "市民"
    if event.actor_kind == "system" or event.actor_staff is None:
        return "系统"
    return f"{event.actor_staff.display_name}（{role_name(event.actor_role or event.actor_staff.role)}）"


def _moment(value: object) -> str:
    if not isinstance(value, str):
        return ""
    try:
        return china_time(datetime.fromisoformat(value))
    except ValueError:
        return value


def _department(departments: Tree, code: object) -> str:
    node = departments.by_code.get(code) if isinstance(code, str) else None
    return node.name if node else str(code or "")


def _deadline_details(data: dict) -> list[str]:
    details = []
    if data.get("paused_at"):
        details.append(f"计时自 {_moment(data['paused_at'])} 暂停，现恢复")
    if data.get("old_deadline") and data.get("deadline") and data["old_deadline"] != data["deadline"]:
        details.append(f"办理时限：{_moment(data['old_deadline'])} → {_moment(data['deadline'])}")
    elif data.get("deadline_at"):
        details.append(f"办理时限：{_moment(data['deadline_at'])}")
    return details


def _details(event: TicketEvent, departments: Tree) -> tuple[str, ...]:
    data, kind = event.data or {}, event.kind
    details = []
    if kind == "created" and data.get("channel"):
        details.append(f"渠道：{CHANNEL_NAMES.get(data['channel'], data['channel'])}")
    if kind == "dispatched":
        details.append(f"主办：{_department(departments, data.get('department'))}")
        if data.get("co_departments"):
            details.append("协办：" + "、".join(_department(departments, code) for code in data["co_departments"]))
        if data.get("previous_department") and data.get("again"):
            details.append(f"原承办单位：{_department(departments, data['previous_department'])}")
    if kind == "extension_requested":
        details.append(f"申请延期 {data.get('days')} 个工作日，等待审批期间暂停计时")
    if kind == "extension_decided":
        details.append(f"{'同意' if data.get('approved') else '不同意'}延期 {data.get('days')} 个工作日")
        details.extend(_deadline_details(data.get("resumed") or {}))
    if kind == "chased":
        details.append(f"{data.get('level', '催办')}（第 {data.get('count', 1)} 次）")
    if kind == "returned":
        details.append("等待重新派单期间暂停计时")
    if kind == "merged" and data.get("into"):
        details.append(f"合并到 {data['into']}")
    if kind == "merged_in" and data.get("ticket"):
        details.append(f"并入工单 {data['ticket']}")
    if kind == "follow_up_call":
        details.append("已联系上市民" if data.get("reached") else "未联系上市民")
    details.extend(_deadline_details(data) if kind != "extension_decided" else [])
    return tuple(details)


def history_of(ticket: Ticket, departments: Tree) -> list[HistoryItem]:
    """Every event but the phone views, newest first."""
    config = workflow()
    items = []
    for event in ticket.events:
        if event.kind in EXTRA_NAMES:
            continue
        from_state = config.states.get(event.from_status or "")
        to_state = config.states.get(event.to_status or "")
        moved = event.from_status != event.to_status
        items.append(HistoryItem(
            event.at, event.kind, config.event_name(event.kind), actor_label(event),
            from_state.name if from_state and moved else "", to_state.name if to_state and moved else "",
            event.reason, REASON_LABELS.get(event.kind, "理由"), event.note, event.public,
            _details(event, departments)))
    return items[::-1]


def contact_views(ticket: Ticket) -> list[TicketEvent]:
    """Who viewed the citizen's full phone, newest first."""
    return [event for event in ticket.events if event.kind == "contact_viewed"][::-1]


def internal_notes(ticket: Ticket) -> list[TicketEvent]:
    return [event for event in ticket.events if event.kind == "note"][::-1]

