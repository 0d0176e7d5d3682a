"""Open multi-step dialogues, one per openid, in the shared store (any worker can take the next step)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from core.state import state

IDLE_SECONDS = 30 * 60


@dataclass
class Dialogue:
    name: str  # which registered dialogue handler continues it
    step: str
    data: dict = field(default_factory=dict)


def _key(openid: str) -> str:
    return f"dialogue:{openid}"


def current(openid: str) -> Dialogue | None:
    raw = state.get(_key(openid))
    if raw is None:
        return None
    try:
        return Dialogue(**json.loads(raw))
    except (ValueError, TypeError):
        return None


def _encode(dialogue: Dialogue) -> str:
    return json.dumps(asdict(dialogue), ensure_ascii=False)


def save(openid: str, dialogue: Dialogue, idle_seconds: float = IDLE_SECONDS) -> None:
    state.set(_key(openid), _encode(dialogue), ttl=idle_seconds)


def end(openid: str) -> None:
    state.delete(_key(openid))


def end_unchanged(openid: str, seen: Dialogue) -> bool:
    """End the dialogue only if it is still exactly `seen` (a step saved meanwhile wins); True if ended."""
    return state.delete_if(_key(openid), _encode(seen))
