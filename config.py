"""Settings: one table, read from the environment (prefix HOTLINE_) and `.env`.

Every setting the service understands is declared in SETTINGS; `.env.example` documents
each of them (a test keeps the two in step). Values from the environment win over `.env`,
and a dict passed to create_app() wins over both.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PREFIX = "HOTLINE_"
ROOT = Path(__file__).resolve().parent


class ConfigError(RuntimeError):
    """The service cannot start with this configuration."""


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"", "0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected 1/0/true/false, got {raw!r}")


def _positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = kind(raw)
        if not value > 0:
            raise ValueError(f"expected a number above 0, got {raw!r}")
        return value
    return parse


def _probability(raw: str) -> float:
    value = float(raw)
    if not 0 < value < 1:
        raise ValueError(f"expected a probability between 0 and 1, got {raw!r}")
    return value


@dataclass(frozen=True)
class Setting:
    name: str  # without prefix; also the Flask config key
    default: object
    parse: Callable[[str], object] = str
    secret: bool = False  # required outside demo and test mode


SETTINGS = [
    Setting("DATA_DIR", str(ROOT / "instance")),
    Setting("DATABASE_URL", None),
    Setting("REDIS_URL", None),
    Setting("SECRET_KEY", None, secret=True),
    Setting("WECHAT_TOKEN", None, secret=True),
    Setting("WECHAT_APP_ID", None, secret=True),
    Setting("WECHAT_APP_SECRET", None, secret=True),
    Setting("WECHAT_AES_KEY", None, secret=True),
    Setting("WECHAT_AES_KEY_PREVIOUS", None),
    Setting("WECHAT_API_BASE", "https://api.weixin.qq.com"),
    Setting("WECHAT_API_TIMEOUT", 5.0, float),
    Setting("WECHAT_TEMPLATE_PROGRESS", None),
    Setting("WECHAT_MENU_FILE", None),
    Setting("WECHAT_REPLY_BUDGET", 4.0, float),
    Setting("WECHAT_MAX_PUSH_AGE", 300, int),
    Setting("DEMO", False, _bool),
    Setting("LOG_JSON", False, _bool),
    Setting("LOG_LEVEL", "INFO"),
    Setting("CITY_CODE", "TY"),
    Setting("CITY_NAME", "太原市"),
    Setting("EMERGENCY_FILE", None),
    Setting("PUBLIC_URL", "http://127.0.0.1:8000"),
    Setting("TRUSTED_PROXIES", 0, int),
    Setting("STATE_PREFIX", "minsheng:"),
    Setting("JOBS_WORKERS", 2, int),
    Setting("LOGIN_RATE_LIMIT", "5 per minute;30 per hour"),
    Setting("TICKETS_PER_DAY", 10, int),
    Setting("DIALOGUE_IDLE_SECONDS", 1800, int),
    # 未诉先办 detection thresholds (stats.insight.params.Params); unset = the measured defaults
    Setting("INSIGHT_CLUSTER_DAYS", None, _positive(float)),
    Setting("INSIGHT_CLUSTER_MIN_CITIZENS", None, _positive(int)),
    Setting("INSIGHT_CLUSTER_ALPHA", None, _probability),
    Setting("INSIGHT_ALPHA", None, _probability),
    Setting("INSIGHT_RISING_MIN_CITIZENS", None, _positive(int)),
]

# Documented, public demo secrets: only ever used when HOTLINE_DEMO=1 or in tests.
DEMO_SECRETS = {
    "SECRET_KEY": "minsheng-demo-secret-key-not-for-production",
    "WECHAT_TOKEN": "minsheng-demo-token",
    "WECHAT_APP_ID": "wxdemo0000minsheng",
    "WECHAT_APP_SECRET": "minsheng-demo-app-secret",
    "WECHAT_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
}


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def load_settings(overrides: dict | None = None, environ=None, dotenv: Path | None = None) -> dict:
    """Return the Flask config mapping for these sources, or raise ConfigError."""
    environ = os.environ if environ is None else environ
    testing = bool((overrides or {}).get("TESTING"))
    # Tests never read a developer's .env; they pass what they need.
    raw = {} if testing else _read_dotenv(ROOT / ".env" if dotenv is None else dotenv)
    raw.update({k: v for k, v in environ.items() if k.startswith(PREFIX)})
    config: dict = {}
    problems = []
    for setting in SETTINGS:
        value = raw.get(PREFIX + setting.name)
        if value is None or value == "":
            config[setting.name] = setting.default
            continue
        try:
            config[setting.name] = setting.parse(value)
        except ValueError as exc:
            problems.append(f"{PREFIX}{setting.name}: {exc}")
    config.update(overrides or {})
    if problems:
        raise ConfigError("Invalid settings:\n  " + "\n  ".join(problems))
    _apply_mode(config)
    return config


def _apply_mode(config: dict) -> None:
    relaxed = config.get("DEMO") or config.get("TESTING")
    missing = [s.name for s in SETTINGS if s.secret and not config.get(s.name)]
    if missing and not relaxed:
        names = ", ".join(PREFIX + name for name in missing)
        raise ConfigError(
            f"Missing required settings: {names}. Set them in the environment or in .env "
            f"(see .env.example), or set {PREFIX}DEMO=1 to run with the documented demo secrets."
        )
    for name in missing:
        config[name] = DEMO_SECRETS[name]
    aes_keys = [config.get("WECHAT_AES_KEY"), config.get("WECHAT_AES_KEY_PREVIOUS")]
    for name, key in zip(("WECHAT_AES_KEY", "WECHAT_AES_KEY_PREVIOUS"), aes_keys, strict=True):
        if key and len(key) != 43:
            raise ConfigError(f"{PREFIX}{name} must be the 43-character EncodingAESKey")
