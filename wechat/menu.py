"""The account's custom menu, as data, and `menu push` to send it to WeChat.

Developer mode disables menus edited in the WeChat console, so the menu lives here. View buttons hold
paths ("/h5/...") that are joined to PUBLIC_URL when the menu is built. A YAML file of the same shape
(setting WECHAT_MENU_FILE) replaces the built-in menu.
"""
from __future__ import annotations

import json
from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import AppGroup

from wechat.api import WeChatAPIError, wechat_api

MAX_TOP = 3
MAX_SUB = 5
MAX_TOP_NAME_BYTES = 16
MAX_SUB_NAME_BYTES = 60
MAX_KEY_BYTES = 128
MAX_URL_BYTES = 1024
BUTTON_TYPES = {"click", "view", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album",
                "pic_weixin", "location_select"}


class MenuKey:
    """EventKey of each click button: what the webhook routes CLICK events on."""

    QUERY_ASK = "QUERY_ASK"
    QUERY_HOT = "QUERY_HOT"
    SUBMIT_COMPLAINT = "SUBMIT_COMPLAINT"
    SUBMIT_HELP = "SUBMIT_HELP"
    SUBMIT_SUGGESTION = "SUBMIT_SUGGESTION"
    MY_TICKETS = "MY_TICKETS"
    MY_RATE = "MY_RATE"
    HELP = "HELP"


def _click(name: str, key: str) -> dict:
    return {"type": "click", "name": name, "key": key}


def _view(name: str, path: str) -> dict:
    return {"type": "view", "name": name, "url": path}


MENU = {
    "button": [
        {"name": "微查询", "sub_button": [
            _click("问政策", MenuKey.QUERY_ASK),
            _click("热点问题", MenuKey.QUERY_HOT),
            _view("政策文件", "/h5/policies"),
        ]},
        {"name": "微受理", "sub_button": [
            _click("我要投诉", MenuKey.SUBMIT_COMPLAINT),
            _click("我要求助", MenuKey.SUBMIT_HELP),
            _click("我要建议", MenuKey.SUBMIT_SUGGESTION),
            _view("在线填写", "/h5/submit"),
        ]},
        {"name": "我的", "sub_button": [
            _click("我的工单", MenuKey.MY_TICKETS),
            _click("评价办理", MenuKey.MY_RATE),
            _click("使用帮助", MenuKey.HELP),
            _view("长辈模式", "/h5/"),
        ]},
    ]
}


class MenuError(ValueError):
    """The menu breaks one of WeChat's limits; the message names the button."""


def _bytes(text) -> int:
    return len(str(text).encode("utf-8"))


def _check_button(button: dict, where: str, name_limit: int) -> None:
    name = button.get("name")
    if not name:
        raise MenuError(f"{where}: a button needs a name")
    where = f"{where} {name!r}"
    if _bytes(name) > name_limit:
        raise MenuError(f"{where}: name is {_bytes(name)} bytes, at most {name_limit} (UTF-8; a CJK character is 3)")
    kind = button.get("type")
    if kind not in BUTTON_TYPES:
        raise MenuError(f"{where}: unknown type {kind!r}")
    if kind == "view":
        url = button.get("url") or ""
        if not url.startswith(("http://", "https://")):
            raise MenuError(f"{where}: a view button needs an http(s) url, got {url!r}")
        if _bytes(url) > MAX_URL_BYTES:
            raise MenuError(f"{where}: url is longer than {MAX_URL_BYTES} bytes")
    else:
        key = button.get("key")
        if not key:
            raise MenuError(f"{where}: a {kind} button needs a key")
        if _bytes(key) > MAX_KEY_BYTES:
            raise MenuError(f"{where}: key is {_bytes(key)} bytes, at most {MAX_KEY_BYTES}")


def validate_menu(menu: dict) -> None:
    """Raise MenuError unless the menu fits WeChat's limits (3 top buttons × 5 sub-buttons, byte limits)."""
    buttons = menu.get("button") if isinstance(menu, dict) else None
    if not buttons:
        raise MenuError("the menu needs at least one button under 'button'")
    if len(buttons) > MAX_TOP:
        raise MenuError(f"{len(buttons)} top-level buttons, at most {MAX_TOP}")
    for number, top in enumerate(buttons, 1):
        where = f"top button {number}"
        if "sub_button" not in top:
            _check_button(top, where, MAX_TOP_NAME_BYTES)
            continue
        name = top.get("name")
        if not name:
            raise MenuError(f"{where}: a button needs a name")
        if _bytes(name) > MAX_TOP_NAME_BYTES:
            raise MenuError(f"{where} {name!r}: name is {_bytes(name)} bytes, at most {MAX_TOP_NAME_BYTES}")
        subs = top["sub_button"]
        if not subs or len(subs) > MAX_SUB:
            raise MenuError(f"{where} {name!r}: {len(subs or [])} sub-buttons, between 1 and {MAX_SUB}")
        for sub_number, sub in enumerate(subs, 1):
            _check_button(sub, f"{where} {name!r} sub-button {sub_number}", MAX_SUB_NAME_BYTES)


def _absolute(menu, base: str):
    """A copy of the menu with view paths ("/h5/...") joined to the public base URL."""
    if isinstance(menu, list):
        return [_absolute(item, base) for item in menu]
    if isinstance(menu, dict):
        copy = {key: _absolute(value, base) for key, value in menu.items()}
        if copy.get("type") == "view" and str(copy.get("url", "")).startswith("/"):
            copy["url"] = base + copy["url"]
        return copy
    return menu


def build_menu(app=None) -> dict:
    """The menu to push for this app: the YAML file when WECHAT_MENU_FILE is set, else MENU; validated."""
    app = app or current_app
    source = MENU
    menu_file = app.config.get("WECHAT_MENU_FILE")
    if menu_file:
        source = yaml.safe_load(Path(menu_file).read_text(encoding="utf-8"))
    menu = _absolute(source, app.config["PUBLIC_URL"].rstrip("/"))
    validate_menu(menu)
    return menu


menu = AppGroup("menu", help="The WeChat custom menu.")


def _describe(menu_dict: dict) -> str:
    lines = []
    for top in menu_dict["button"]:
        lines.append(f"  {top['name']}")
        for sub in top.get("sub_button", []):
            lines.append(f"    {sub['name']:<8} {sub.get('key') or sub.get('url')}")
    return "\n".join(lines)


def _built_menu(failure: str) -> dict:
    try:
        return build_menu()
    except MenuError as exc:
        raise click.ClickException(f"{failure}: {exc}") from None


@menu.command("show")
def show():
    """Print the menu as it would be pushed (JSON)."""
    menu_dict = _built_menu("invalid menu")
    click.echo(json.dumps(menu_dict, ensure_ascii=False, indent=2))


@menu.command("push")
def push():
    """Validate the menu and send it to WeChat (menu/create)."""
    menu_dict = _built_menu("invalid menu, nothing pushed")
    try:
        wechat_api().create_menu(menu_dict)
    except WeChatAPIError as exc:
        raise click.ClickException(f"WeChat refused the menu: errcode {exc.errcode}, errmsg {exc.errmsg}") from None
    click.echo("menu pushed:\n" + _describe(menu_dict))
