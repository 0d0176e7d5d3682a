"""The workflow configuration (submit/workflow.yaml): ticket states, transitions, limits, 回访.

`workflow()` is the shipped file, read and validated once per process; `read_workflow(path)` reads
any file and reports every problem at once (WorkflowConfigError.problems).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from staff.models import ROLES

WORKFLOW_FILE = Path(__file__).resolve().parent / "workflow.yaml"
STATUS_CODE = re.compile(r"^[a-z][a-z_]{0,23}$")  # fits Ticket.status / TicketEvent.to_status
ACTION_CODE = re.compile(r"^[a-z][a-z_]{0,31}$")  # fits TicketEvent.kind
ACTOR_ROLES = (*ROLES, "citizen")
NOTIFY_KINDS = ("dispatched", "answered", "closed", "reopened", "merged")
REQUIREMENTS = ("required", "optional")
OTHER_EVENTS = {"created": "受理", "rated": "评价", "merged_in": "合并入本工单"}  # events no transition writes
DEFAULT_LIMITS = {"return_within_workdays": 2, "extension_max_workdays": 10, "extensions_per_round": 2,
                  "chase_overdue_only": False, "citizen_reopen_within_days": 30}


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
class Transition:
    action: str
    name: str  # for staff
    sources: frozenset[str]  # the states it may start from
    target: str | None  # the state after it; None: unchanged
    roles: frozenset[str]
    event: str  # TicketEvent.kind
    reason_required: bool
    note_required: bool
    public: bool
    notify: str | None  # NOTIFY_KINDS


@dataclass(frozen=True)
class Limits:
    return_within_workdays: int
    extension_max_workdays: int
    extensions_per_round: int
    chase_overdue_only: bool
    citizen_reopen_within_days: int


@dataclass(frozen=True)
class Workflow:
    initial: str
    states: dict[str, State]  # by code, in the file's order
    raw: dict  # the whole file, for sections other readers add
    transitions: dict[str, Transition]  # by action
    limits: Limits
    rating_states: frozenset[str]  # 回访: a ticket in these states waits for its rating

    def event_name(self, kind: str) -> str:
        """Staff's words for an event kind of the history (受理, 派单, 评价 …)."""
        for step in self.transitions.values():
            if step.event == kind:
                return step.name
        return OTHER_EVENTS.get(kind, kind)

    def transition(self, action: str) -> Transition:
        try:
            return self.transitions[action]
        except KeyError:
            raise KeyError(f"unknown workflow action {action!r} (not in workflow.yaml)") from None

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


def _sources(value: object, states: dict[str, State]) -> frozenset[str] | None:
    if value == "any":
        return frozenset(states)
    if value == "open":
        return frozenset(code for code, state in states.items() if not state.terminal)
    if isinstance(value, list) and value and all(code in states for code in value):
        return frozenset(value)
    return None


def _transition(row: dict, states: dict[str, State], problems: list[str]) -> Transition | None:
    action = row.get("action")
    where = f"transition {action!r}"
    before = len(problems)
    if not isinstance(action, str) or not ACTION_CODE.match(action):
        problems.append(f"{where}: action missing or not [a-z_] (at most 32)")
    if not isinstance(row.get("name"), str) or not row["name"].strip():
        problems.append(f"{where}: name must be non-empty text")
    sources = _sources(row.get("from"), states)
    if sources is None:
        problems.append(f"{where}: from must be open, any or a list of listed states")
    target = row.get("to")
    if target is not None and target not in states:
        problems.append(f"{where}: to {target!r} is not a listed state")
    roles = row.get("roles")
    if not isinstance(roles, list) or not roles or not set(roles) <= set(ACTOR_ROLES):
        problems.append(f"{where}: roles must be a non-empty list of {', '.join(ACTOR_ROLES)}")
    event = row.get("event", action)
    if not isinstance(event, str) or not ACTION_CODE.match(event):
        problems.append(f"{where}: event must be [a-z_] (at most 32)")
    for key in ("reason", "note"):
        if row.get(key, "optional") not in REQUIREMENTS:
            problems.append(f"{where}: {key} must be required or optional")
    if not isinstance(row.get("public", False), bool):
        problems.append(f"{where}: public must be true or false")
    if row.get("notify") not in (None, *NOTIFY_KINDS):
        problems.append(f"{where}: notify must be one of {', '.join(NOTIFY_KINDS)}")
    if len(problems) > before:
        return None
    return Transition(action, row["name"].strip(), sources, target, frozenset(roles), event,
                      row.get("reason") == "required", row.get("note") == "required", row.get("public", False),
                      row.get("notify"))


def _transitions(rows: object, states: dict[str, State], problems: list[str]) -> dict[str, Transition]:
    if rows is None:
        return {}
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        problems.append("transitions: must be a list of {action, name, from, to, roles, …}")
        return {}
    result: dict[str, Transition] = {}
    for row in rows:
        transition = _transition(row, states, problems)
        if transition is not None and transition.action in result:
            problems.append(f"transition {transition.action!r}: listed twice")
        elif transition is not None:
            result[transition.action] = transition
    return result


def _limits(raw: object, problems: list[str]) -> Limits:
    values = dict(DEFAULT_LIMITS)
    if raw is not None and not isinstance(raw, dict):
        problems.append("limits: must be a mapping")
        raw = {}
    for key, value in (raw or {}).items():
        if key not in DEFAULT_LIMITS:
            problems.append(f"limits: unknown limit {key!r}")
        elif type(value) is not type(DEFAULT_LIMITS[key]) or (isinstance(value, int) and value < 0):
            problems.append(f"limits: {key} must be {'true or false' if key == 'chase_overdue_only' else '≥ 0'}")
        else:
            values[key] = value
    return Limits(**values)


def _rating_states(raw: object, states: dict[str, State], problems: list[str]) -> frozenset[str]:
    codes = (raw or {}).get("rating_states", ["follow_up", "closed"]) if isinstance(raw, dict | None) else None
    if not isinstance(codes, list) or not all(code in states for code in codes):
        problems.append("follow_up: rating_states must be a list of listed states")
        return frozenset()
    return frozenset(codes)


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
        problems.append(f"initial: {initial!r} must be a listed state that is not terminal")
    transitions = _transitions(raw.get("transitions"), states, problems)
    limits = _limits(raw.get("limits"), problems)
    rating_states = _rating_states(raw.get("follow_up"), states, problems)
    if problems:
        raise WorkflowConfigError(problems)
    return Workflow(initial=initial, states=states, raw=raw, transitions=transitions, limits=limits,
                    rating_states=rating_states)


@cache
def workflow() -> Workflow:
    """The shipped workflow.yaml (read once per process; a restart picks up edits)."""
    return read_workflow()
