"""Demo accounts, one per role: created by `flask demo load` in demo mode only."""
from __future__ import annotations

from sqlalchemy.orm import Session

from staff.service import create_staff, find_staff

# (username, password, role, display name, department code); printed by `flask demo banner`.
DEMO_ACCOUNTS = [
    ("admin", "admin-demo-2026", "admin", "系统管理员", None),
    ("editor", "editor-demo-2026", "editor", "知识库编辑 王敏", None),
    ("agent", "agent-demo-2026", "agent", "话务员 李娜", "HOTLINE"),
    ("supervisor", "supervisor-demo-2026", "supervisor", "值班长 赵强", "HOTLINE"),
    ("handler", "handler-demo-2026", "handler", "热力集团 张伟", "RLJT"),
    ("analyst", "analyst-demo-2026", "analyst", "媒体专席 陈静", None),
]


def ensure_demo_accounts(session: Session) -> int:
    """Create the demo accounts that are missing; return how many were created."""
    created = 0
    for username, password, role, display_name, department in DEMO_ACCOUNTS:
        if find_staff(session, username) is None:
            create_staff(session, username, password, role, display_name, department)
            created += 1
    return created
