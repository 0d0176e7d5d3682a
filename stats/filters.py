"""The figures' filter form (query string): period, range, dimension, department, category.

`parse_filters` keeps what the user typed (to show it again) and gives either a Scope or Chinese
messages by field. A handler's department is fixed to their own, whatever the URL says.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from reference.models import Category, Department
from staff.models import StaffUser
from stats.periods import KINDS, PeriodError, parse_period
from stats.queries import DIMENSIONS, Scope

FIELDS = ("kind", "on", "start", "end", "by", "department", "category")


@dataclass
class Filters:
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    scope: Scope | None = None
    department_fixed: bool = False  # a handler's own department

    def query(self, **changes) -> str:
        """The query string of these filters (with changes), for links and exports."""
        merged = {**self.values, **changes}
        return urlencode({key: value for key, value in merged.items() if value})


def parse_filters(session: Session, args, staff: StaffUser, *, today: date) -> Filters:
    values = {name: (args.get(name) or "").strip()[:40] for name in FIELDS}
    values["kind"] = values["kind"] or "month"
    values["by"] = values["by"] or "department"
    filters = Filters(values)
    errors = filters.errors
    try:
        period = parse_period(values["kind"], values["on"], values["start"], values["end"], today=today)
    except PeriodError as exc:
        errors.update(exc.errors)
        period = None
    if values["by"] not in DIMENSIONS:
        errors["by"] = "请选择按承办单位、一级分类或末级分类统计"
    department_id = None
    if staff.role == "handler":
        filters.department_fixed = True
        department_id = staff.department_id
        values["department"] = str(department_id)
    elif values["department"]:
        department_id = int(values["department"]) if values["department"].isdigit() else None
        if department_id is None or session.get(Department, department_id) is None:
            errors["department"] = "找不到所选的承办单位，请重新选择"
    if values["category"] and session.scalar(select(Category.id).where(Category.code == values["category"])) is None:
        errors["category"] = "找不到所选的分类，请重新选择"
    if not errors:
        filters.scope = Scope(period, values["by"], department_id, values["category"] or None)
    return filters


def choices(session: Session) -> dict:
    """The form's options: period kinds, dimensions, departments, categories (top-level, then leaves)."""
    departments = session.execute(select(Department.id, Department.name).where(Department.active)
                                  .order_by(Department.sort, Department.id)).all()
    categories = session.scalars(select(Category).where(Category.active).order_by(Category.code)).all()
    return {"kinds": KINDS, "dimensions": DIMENSIONS, "departments": departments,
            "categories": [(category.code, ("　" * (len(category.code) // 2 - 1)) + category.name)
                           for category in categories]}
