"""回访 on the H5 ticket page through the test client: rating a handled ticket, errors beside the
answers, 重办 after an unhappy answer, and none of it on someone else's ticket or without CSRF."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import db
from submit.models import Ticket, TicketRating
from tests.submit import workflow_support as support
from tests.submit.h5_support import signed_in
from tests.support import csrf_token_from

fake_wechat, wf_app = support.fake_wechat, support.wf_app

OWNER = "o-citizen-a"  # the citizen of the tickets Flow makes


class Tickets:
    """Tickets driven along the workflow, each step in an app context of its own: requests made while a
    context is pushed would share its `g` (and its cached CSRF token) with the test."""

    def __init__(self, app):
        self.app = app
        self.made = 0

    def at(self, status: str) -> str:
        with self.app.app_context():
            flow = support.Flow(db.session)
            flow.count = self.made  # a new key for each ticket
            number = flow.at(status).number
            self.made = flow.count
            return number

    def state(self, number: str) -> tuple[str, int]:
        with self.app.app_context():
            ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
            return ticket.status, ticket.round

    def ratings(self) -> list[tuple]:
        with self.app.app_context():
            return [(r.source, r.solved, r.satisfaction, r.comment) for r in db.session.scalars(select(TicketRating))]


@pytest.fixture
def tickets(wf_app):
    return Tickets(wf_app)


def page(client, number: str) -> str:
    response = client.get(f"/h5/tickets/{number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def any_token(client) -> str:
    """A CSRF token of this session from a page that always has a form (the ticket page may have none)."""
    return csrf_token_from(client.get("/h5/submit/").get_data(as_text=True))


def rate(client, number: str, **answers):
    token = csrf_token_from(page(client, number))
    return client.post(f"/h5/tickets/{number}/rating", data={"csrf_token": token, **answers})


def test_the_form_appears_only_once_the_ticket_is_handled(wf_app, tickets):
    client = signed_in(wf_app, OWNER)
    assert 'name="solved"' not in page(client, tickets.at("in_progress"))
    html = page(client, tickets.at("closed"))
    assert re.findall(r'name="solved" id="[^"]+" value="(\w+)"', html) == ["solved", "partly", "unsolved"]
    assert re.findall(r'name="satisfaction" id="[^"]+" value="(\w+)"', html) == [
        "very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"]
    assert "非常不满意" in html and "部分解决" in html


def test_a_rating_is_recorded_once_and_shown_instead_of_the_form(wf_app, tickets):
    client = signed_in(wf_app, OWNER)
    number = tickets.at("closed")
    response = rate(client, number, solved="solved", satisfaction="satisfied", comment="师傅很负责 <b>")
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert response.headers["Location"].endswith(f"/h5/tickets/{number}#rating")
    html = page(client, number)
    assert "感谢您的评价" in html and "您的评价：已解决，满意" in html
    assert re.search(r"item__title\">已评价<", html)  # the rating in the history, under its own title
    assert 'name="solved"' not in html and "申请重办" not in html  # a satisfied answer offers no 重办
    assert tickets.ratings() == [("h5", "solved", "satisfied", "师傅很负责 <b>")]
    again = client.post(f"/h5/tickets/{number}/rating", data={"csrf_token": any_token(client), "solved": "unsolved",
                                                              "satisfaction": "very_dissatisfied"})
    assert again.status_code == 302 and "已经评价过" in page(client, number)
    assert len(tickets.ratings()) == 1


def test_missing_answers_are_shown_beside_them_with_the_comment_kept(wf_app, tickets):
    client = signed_in(wf_app, OWNER)
    number = tickets.at("closed")
    response = rate(client, number, solved="partly", comment="还是有点冷 <script>")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="satisfaction-error"[^>]*>请选择满意度', html)
    assert 'id="solved-error"' not in html
    assert re.search(r'id="solved-partly" value="partly" checked', html)
    assert "还是有点冷 &lt;script&gt;</textarea>" in html
    assert tickets.ratings() == []
    long = rate(client, number, solved="partly", satisfaction="basic", comment="长" * 501)
    assert long.status_code == 422 and re.search(r'id="comment-error"[^>]*>[^<]*501', long.get_data(as_text=True))


def test_an_unhappy_answer_offers_reopening_which_sends_the_ticket_back(wf_app, tickets):
    client = signed_in(wf_app, OWNER)
    number = tickets.at("closed")
    rate(client, number, solved="unsolved", satisfaction="dissatisfied")
    html = page(client, number)
    assert "申请重办" in html and "您的评价：未解决，不满意" in html
    response = client.post(f"/h5/tickets/{number}/reopen",
                           data={"csrf_token": csrf_token_from(html), "reason": "暖气还是不热"})
    assert response.status_code == 302
    assert tickets.state(number) == ("reopened", 2)
    html = page(client, number)
    assert "已为您申请重新办理" in html and "重新办理中" in html and "申请重办" not in html
    again = client.post(f"/h5/tickets/{number}/reopen", data={"csrf_token": any_token(client)})
    assert again.status_code == 302 and "您已申请重新办理" in page(client, number)
    assert tickets.state(number) == ("reopened", 2)


def test_reopening_without_an_unhappy_rating_is_refused_with_a_message(wf_app, tickets):
    client = signed_in(wf_app, OWNER)
    number = tickets.at("closed")
    rate(client, number, solved="solved", satisfaction="very_satisfied")
    response = client.post(f"/h5/tickets/{number}/reopen",
                           data={"csrf_token": any_token(client)})
    assert response.status_code == 302 and "只有评价为未解决或不满意的工单可以申请重办" in page(client, number)
    assert tickets.state(number) == ("closed", 1)


def test_another_citizen_can_neither_rate_nor_reopen(wf_app, tickets):
    number = tickets.at("closed")
    owner = signed_in(wf_app, OWNER)
    token = csrf_token_from(page(owner, number))
    stranger = signed_in(wf_app, "o-citizen-b")
    stranger_token = any_token(stranger)
    answers = {"solved": "unsolved", "satisfaction": "very_dissatisfied"}
    assert stranger.post(f"/h5/tickets/{number}/rating",
                         data={"csrf_token": stranger_token, **answers}).status_code == 404
    assert stranger.post(f"/h5/tickets/{number}/reopen", data={"csrf_token": stranger_token}).status_code == 404
    assert tickets.ratings() == []
    assert owner.post(f"/h5/tickets/{number}/rating", data={"csrf_token": token, **answers}).status_code == 302
    assert stranger.post(f"/h5/tickets/{number}/reopen", data={"csrf_token": stranger_token}).status_code == 404
    assert tickets.state(number) == ("closed", 1)


def test_without_the_csrf_token_no_rating_is_taken(wf_app, tickets):
    client = signed_in(wf_app, OWNER)
    number = tickets.at("closed")
    response = client.post(f"/h5/tickets/{number}/rating", data={"solved": "solved", "satisfaction": "satisfied"})
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    assert tickets.ratings() == []


def test_after_the_reopening_limit_the_page_says_so_instead_of_offering_it(wf_app, tickets):
    client = signed_in(wf_app, OWNER)
    number = tickets.at("closed")
    rate(client, number, solved="unsolved", satisfaction="dissatisfied")
    with wf_app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        ticket.closed_at = ticket.closed_at - timedelta(days=31)
        db.session.commit()
    html = page(client, number)
    assert f"/h5/tickets/{number}/reopen" not in html and "工单办结已超过 30 天，不能再申请重办" in html
    response = client.post(f"/h5/tickets/{number}/reopen", data={"csrf_token": any_token(client)})
    assert response.status_code == 302 and tickets.state(number) == ("closed", 1)
