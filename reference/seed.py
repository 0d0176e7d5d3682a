"""Load the shipped reference data (reference/data/*.yaml) into empty or partly filled tables.

Rows are matched by code: missing rows are inserted, existing ones are left as staff edited them,
so loading twice changes nothing. Files are validated whole before anything is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dates import parse_date
from reference.models import DEPARTMENT_KINDS, CalendarDay, Category, Department, RequestType

DATA_DIR = Path(__file__).resolve().parent / "data"


class SeedError(ValueError):
    """The seed files are inconsistent; .problems lists every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=lambda: {"department": 0, "request_type": 0, "category": 0,
                                                             "calendar_day": 0})


def read_seed(directory: Path = DATA_DIR) -> dict:
    files = {name: directory / f"{name}.yaml" for name in ("departments", "request_types", "categories")}
    seed = {name: yaml.safe_load(path.read_text(encoding="utf-8")) or [] for name, path in files.items()}
    seed["category_rows"] = list(_flatten(seed["categories"], parent=None))
    seed["calendar"] = _read_calendar(directory / "calendar.yaml")
    validate(seed)
    return seed


def _read_calendar(path: Path) -> list:
    """The working-day calendar's overrides (optional file); a date YAML cannot read is a SeedError."""
    if not path.is_file():
        return []
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (yaml.YAMLError, ValueError) as exc:
        raise SeedError([f"calendar.yaml cannot be read: {exc}"]) from exc


def _flatten(nodes: list[dict], parent: str | None):
    for sort, node in enumerate(nodes):
        yield {**node, "parent": parent, "sort": sort, "leaf": not node.get("children")}
        yield from _flatten(node.get("children") or [], node["code"])


def validate(seed: dict) -> None:
    problems: list[str] = []
    departments = set()
    for row in seed["departments"]:
        code = row.get("code")
        if not code or code in departments:
            problems.append(f"department {code!r}: missing or duplicate code")
        if row.get("kind") not in DEPARTMENT_KINDS:
            problems.append(f"department {code}: kind must be one of {', '.join(DEPARTMENT_KINDS)}")
        if row.get("parent") and row["parent"] not in departments:
            problems.append(f"department {code}: parent {row['parent']} must be listed before it")
        departments.add(code)
    types = [row.get("code") for row in seed["request_types"]]
    if len(set(types)) != len(types):
        problems.append("request_types: duplicate code")
    for row in seed["request_types"]:
        if not isinstance(row.get("time_limit_days"), int) or row["time_limit_days"] < 0:
            problems.append(f"request type {row.get('code')}: time_limit_days must be a whole number ≥ 0")
    categories = set()
    for row in seed["category_rows"]:
        code = row.get("code")
        if not code or code in categories:
            problems.append(f"category {code!r}: missing or duplicate code")
        if row["parent"] and not str(code).startswith(row["parent"]):
            problems.append(f"category {code}: code must start with its parent's code {row['parent']}")
        if row["leaf"] and row.get("department") not in departments:
            problems.append(f"category {code}: leaf needs an existing department, got {row.get('department')!r}")
        categories.add(code)
    problems.extend(_calendar_problems(seed["calendar"]))
    if problems:
        raise SeedError(problems)


def _calendar_problems(rows: list) -> list[str]:
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return ["calendar: must be a list of {date, workday, name}"]
    problems, days = [], set()
    for row in rows:
        try:
            day = parse_date(row.get("date"))
        except (TypeError, ValueError):
            day = None
        if day is None or day in days:
            problems.append(f"calendar {row.get('date')!r}: missing, invalid (YYYY-MM-DD) or duplicate date")
        if not isinstance(row.get("workday"), bool):
            problems.append(f"calendar {row.get('date')}: workday must be true or false")
        if not isinstance(row.get("name", ""), str) or len(row.get("name", "")) > 50:
            problems.append(f"calendar {row.get('date')}: name must be text of at most 50 characters")
        days.add(day)
    return problems


def load_seed(session: Session, directory: Path = DATA_DIR) -> SeedReport:
    seed = read_seed(directory)
    report = SeedReport()
    departments = {d.code: d for d in session.scalars(select(Department))}
    for sort, row in enumerate(seed["departments"]):
        if row["code"] not in departments:
            departments[row["code"]] = Department(
                code=row["code"], name=row["name"], short_name=row.get("short_name") or row["name"],
                kind=row["kind"], parent=departments.get(row.get("parent")), phone=row.get("phone"), sort=sort,
            )
            session.add(departments[row["code"]])
            report.created["department"] += 1
    known_types = set(session.scalars(select(RequestType.code)))
    for sort, row in enumerate(seed["request_types"]):
        if row["code"] not in known_types:
            session.add(RequestType(
                code=row["code"], name=row["name"], time_limit_days=row["time_limit_days"],
                needs_location=bool(row.get("needs_location")), description=row.get("description", ""),
                sort=row.get("sort", sort),
            ))
            report.created["request_type"] += 1
    categories = {c.code: c for c in session.scalars(select(Category))}
    for row in seed["category_rows"]:
        if row["code"] not in categories:
            categories[row["code"]] = Category(
                code=row["code"], name=row["name"], parent=categories.get(row["parent"]),
                department=departments.get(row.get("department")), keywords=row.get("keywords") or [],
                sort=row["sort"],
            )
            session.add(categories[row["code"]])
            report.created["category"] += 1
    known_days = set(session.scalars(select(CalendarDay.day)))
    for row in seed["calendar"]:
        day = parse_date(row["date"])
        if day not in known_days:
            session.add(CalendarDay(day=day, is_workday=row["workday"], name=row.get("name", "")))
            report.created["calendar_day"] += 1
    session.flush()
    return report
