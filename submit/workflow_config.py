"""The workflow configuration (submit/workflow.yaml): ticket states now, transitions later.

`workflow()` is the shipped file, read and validated once per process; `read_workflow(path)` reads
any file and reports every problem at once (WorkflowConfigError.problems).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

WORKFLOW_FILE = Path(__file__).resolve().parent / "workflow.yaml"
STATUS_CODE = re.compile(r"^[a-z][a-z_]{0,23}$")  # fits Ticket.status / TicketEvent.to_status


class WorkflowConfigError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class State:
    code: str
    name: str  # for staff
    public_name: str  # for the citizen
    terminal: bool


@dataclass(frozen=True)
class Workflow:
    initial: str
    states: dict[str, State]  # by code, in the file's order
    raw: dict  # the whole file, for the sections later parts read (transitions, limits)

    def state(self, code: str) -> State:
        try:
            return self.states[code]
        except KeyError:
            raise KeyError(f"unknown ticket status {code!r} (not in workflow.yaml)") from None

    @property
    def terminal(self) -> frozenset[str]:
        return frozenset(code for code, state in self.states.items() if state.terminal)


def _state_problems(rows: object) -> list[str]:
    if not isinstance(rows, list) or not rows or not all(isinstance(row, dict) for row in rows):
        return ["states: must be a non-empty list of {code, name, public_name, terminal}"]
    problems, seen = [], set()
    for row in rows:
        code = row.get("code")
        if not isinstance(code, str) or not STATUS_CODE.match(code) or code in seen:
            problems.append(f"state {code!r}: code missing, duplicate or not [a-z_] (at most 24)")
        for key in ("name", "public_name"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                problems.append(f"state {code}: {key} must be non-empty text")
        if not isinstance(row.get("terminal"), bool):
            problems.append(f"state {code}: terminal must be true or false")
        seen.add(code)
    return problems


def read_workflow(path: Path = WORKFLOW_FILE) -> Workflow:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise WorkflowConfigError([f"{path.name} cannot be read: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise WorkflowConfigError([f"{path.name}: must be a mapping with initial and states"])
    problems = _state_problems(raw.get("states"))
    if problems:
        raise WorkflowConfigError(problems)
    states = {row["code"]: State(row["code"], row["name"].strip(), row["public_name"].strip(), row["terminal"])
              for row in raw["states"]}
    initial = raw.get("initial")
    if initial not in states or states[initial].terminal:
        raise WorkflowConfigError([f"initial: {initial!r} must be a listed state that is not terminal"])
    return Workflow(initial=initial, states=states, raw=raw)


@cache
def workflow() -> Workflow:
    """The shipped workflow.yaml (read once per process; a restart picks up edits)."""
    return read_workflow()
