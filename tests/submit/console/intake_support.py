"""Helpers of the intake, canned-reply and suggestion tests (the `desk` fixture is in conftest.py):
crafted tickets, the texts they compare, the merge confirmation."""
from __future__ import annotations

import re

from core.db import utcnow
from submit.models import Ticket
from tests.submit import workflow_support as support
from tests.support import csrf_token_from

# One matter in two citizens' words (heating in one building), and another matter of the same category.
COLD = "我家暖气一直不热，室温只有14度，家里有老人，希望热力公司派人上门测温。"
COLD_AGAIN = ("您好，我家从本月初开始暖气就一直不热，白天室温只有14度左右，家里有八十多岁的老人。"
              "希望热力公司尽快派人上门测温，查清原因。")
LAMP = "小区门口的路灯坏了一个多月，晚上很黑，行人出门不方便，请尽快安排维修更换灯泡。"


def token(client, url: str) -> str:
    """The CSRF token of the form page at `url` (which must open)."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return csrf_token_from(page.get_data(as_text=True))


def close_as(session, ticket: Ticket, department_code: str) -> Ticket:
    """A ticket as if department `department_code` had handled and closed it (crafted, not walked)."""
    ticket.department = support.department(session, department_code)
    ticket.status, ticket.closed_at = "closed", utcnow()
    session.commit()
    return ticket


def merge_page(client, number: str, other: str, *, into: str, reason: str = "", stale: bool = False):
    """Confirm 合并 on the confirmation page (its CSRF token and revisions), as a user would."""
    page = client.get(f"/staff/tickets/{number}/merge/{other}?into={into}").get_data(as_text=True)
    fields = {name: value for name, value in (
        ("revision", _hidden(page, "revision")), ("survivor_revision", _hidden(page, "survivor_revision")))}
    if stale:  # the page was shown before someone else changed the ticket
        fields["revision"] = "0"
    return client.post(f"/staff/tickets/{number}/merge/{other}",
                       data={"csrf_token": csrf_token_from(page), "into": into, "reason": reason, **fields})


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return match.group(1)
