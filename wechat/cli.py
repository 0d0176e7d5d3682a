"""`flask wechat chat` (talk to a running server as WeChat does) and `flask wechat menu push`."""
from __future__ import annotations

import hashlib
import shlex
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from wechat.menu import menu
from wechat.simulator import Received, WeChatSimulator, http_sender

group = AppGroup("wechat", help="The WeChat channel.")
group.add_command(menu)

COMMANDS = """commands:
  (any text)                 send a text message
  /click KEY                 a menu click (QUERY_ASK, SUBMIT_COMPLAINT, MY_TICKETS, HELP, ...)
  /location LAT LNG [LABEL]  share a location
  /image FILE                send a picture (the server sees a MediaId derived from the file)
  /voice TEXT                a voice message WeChat recognised as TEXT (/voice alone: not recognised)
  /follow [SCENE]            follow the account (through a QR code scene)
  /unfollow                  unfollow
  /retry                     deliver the last message again, as WeChat does when a reply is late
  /help                      this list
  /quit                      leave"""


def show(received: Received) -> None:
    if received.status != 200:
        click.secho(f"  [HTTP {received.status}] {received.body}", fg="red")
    elif received.kind == "text":
        click.secho("  " + received.text.replace("\n", "\n  "), fg="green")
    elif received.kind == "news":
        item = received.fields["Articles"]["item"]
        click.secho(f"  [图文] {item['Title']}\n  {item['Description']}\n  {item['Url']}", fg="green")
    else:
        click.secho("  (success: no reply now; anything more arrives through 客服)", dim=True)


def run_command(sim: WeChatSimulator, line: str) -> Received | None:
    if not line.startswith("/"):
        return sim.text(line)
    name, *args = shlex.split(line)
    if name == "/click" and len(args) == 1:
        return sim.click(args[0])
    if name == "/location" and len(args) >= 2:
        return sim.location(float(args[0]), float(args[1]), " ".join(args[2:]))
    if name == "/image" and len(args) == 1:
        digest = hashlib.sha1(Path(args[0]).read_bytes()).hexdigest()[:24]
        return sim.image(f"sim-{digest}", Path(args[0]).resolve().as_uri())
    if name == "/voice":
        return sim.voice(" ".join(args))
    if name == "/follow":
        return sim.follow(args[0] if args else None)
    if name == "/unfollow":
        return sim.unfollow()
    if name == "/retry":
        return sim.retry()
    click.echo(COMMANDS)
    return None


@group.command("chat")
@click.option("--url", default=None, help="Webhook URL (default: HOTLINE_PUBLIC_URL/wechat).")
@click.option("--openid", default="o-sim-citizen", show_default=True, help="Who is talking.")
@click.option("--safe", is_flag=True, help="Safe mode: encrypt every push with the EncodingAESKey.")
def chat(url, openid, safe):
    """Chat with a running server exactly as WeChat would (signed; encrypted with --safe)."""
    config = current_app.config
    url = url or config["PUBLIC_URL"].rstrip("/") + "/wechat"
    sim = WeChatSimulator(http_sender(url), config["WECHAT_TOKEN"], config["WECHAT_APP_ID"],
                          config["WECHAT_AES_KEY"], openid=openid, safe=safe)
    click.echo(f"talking to {url} as {openid}{' (safe mode)' if safe else ''}; /help lists commands")
    while True:
        try:
            line = click.prompt("你", prompt_suffix="> ", default="", show_default=False).strip()
        except (EOFError, click.Abort):
            break
        if line in ("/quit", "/exit"):
            break
        if not line:
            continue
        try:
            received = run_command(sim, line)
        except (OSError, ValueError, RuntimeError) as exc:
            click.secho(f"  [{type(exc).__name__}] {exc}", fg="red")
            continue
        if received is not None:
            show(received)
