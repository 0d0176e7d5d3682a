"""Guards on citizens' submissions (submit.guards) through the service and the H5 form: a possible
duplicate within 10 minutes, the daily limit per openid across workers (SQLite and PostgreSQL + Redis),
long content kept whole, every field escaped on the H5 pages."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.db import db, utcnow
from staff.service import create_staff
from submit.errors import InvalidSubmission
from submit.guards import DailyLimitReached, PossibleDuplicate, create_guarded, fingerprint
from submit.models import Ticket
from tests.submit.conftest import make, submission
from tests.submit.h5_support import form_fields, signed_in
from tests.submit.test_views import error_beside, open_form, send, ticket_count
from tests.support import build_app, dispose

CONTENT = "我家暖气片一直不热，室温只有十二度，家里老人孩子都冻感冒了，请尽快处理。"
RETYPED = " 我家暖气片一直不热 室温只有十二度!家里老人孩子都冻感冒了…请尽快处理 "  # the same words, other punctuation
OTHER = "小区门口的路灯坏了一个多月了，晚上出门很黑，老人容易摔倒。"


def guarded(session, key: str, *, anyway: bool = False, **overrides) -> Ticket:
    """A committed ticket through the guards (`anyway`: the citizen said it is not a duplicate)."""
    ticket = create_guarded(session, submission(**overrides), channel="wechat", idempotency_key=key,
                            not_duplicate=anyway)
    session.commit()
    return ticket


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Ticket))


# --- the service -----------------------------------------------------------------------------------------
def test_the_fingerprint_folds_spaces_punctuation_width_and_case():
    assert fingerprint(CONTENT) == fingerprint(RETYPED)
    assert fingerprint("ＡＢＣ 路灯，坏了！") == fingerprint("abc路灯坏了")
    assert fingerprint(CONTENT) != fingerprint(OTHER)


def test_the_same_words_again_within_ten_minutes_are_a_possible_duplicate(session):
    first = guarded(session, "k-1", content=CONTENT)
    with pytest.raises(PossibleDuplicate) as asked:
        guarded(session, "k-2", content=RETYPED)
    session.rollback()
    assert asked.value.earlier.number == first.number and first.number in asked.value.message
    assert count(session) == 1
    anyway = guarded(session, "k-3", anyway=True, content=RETYPED)  # the citizen said it is another matter
    assert anyway.number != first.number and count(session) == 2
    assert guarded(session, "k-4", content=OTHER)  # other words
    assert guarded(session, "k-5", content=CONTENT, openid="o-citizen-b")  # another citizen


def test_the_same_words_after_ten_minutes_are_a_new_ticket(session):
    make(session, "old", content=CONTENT, received_at=utcnow() - timedelta(minutes=11))
    assert guarded(session, "k-new", content=CONTENT).number
    assert count(session) == 2


def test_a_retry_with_the_same_key_returns_the_ticket_without_asking_or_counting(session, submit_app):
    submit_app.config["TICKETS_PER_DAY"] = 2
    first = guarded(session, "k-1", content=CONTENT)
    for _ in range(3):
        assert guarded(session, "k-1", content=CONTENT).id == first.id
    assert guarded(session, "k-2", content=OTHER)  # the second of two: the retries were not counted


def test_the_daily_limit_refuses_the_next_ticket_with_a_clear_message(session, submit_app):
    submit_app.config["TICKETS_PER_DAY"] = 3
    for n in range(3):
        guarded(session, f"k-{n}", content=f"第{n}件事：{OTHER}")
    with pytest.raises(DailyLimitReached) as refused:
        guarded(session, "k-3", content=CONTENT)
    session.rollback()
    assert "3件" in refused.value.message and "明天" in refused.value.message and "12345" in refused.value.message
    assert count(session) == 3
    assert guarded(session, "k-b", content=CONTENT, openid="o-citizen-b")  # each citizen has their own
    submit_app.config["TICKETS_PER_DAY"] = 0  # 0: no limit
    assert guarded(session, "k-4", content=CONTENT)


def test_an_invalid_submission_is_not_counted(session, submit_app):
    submit_app.config["TICKETS_PER_DAY"] = 1
    for n in range(3):
        with pytest.raises(InvalidSubmission):
            guarded(session, f"bad-{n}", content="太冷了", phone="110")
        session.rollback()
    assert guarded(session, "good", content=CONTENT).number


def test_tickets_staff_enter_for_callers_are_not_limited(session, submit_app):
    submit_app.config["TICKETS_PER_DAY"] = 1
    agent = create_staff(session, "agent1", "agent-pass-2026", "agent", "话务员 李娜", "HOTLINE")
    for n in range(3):
        make(session, f"phone-{n}", channel="phone", by=agent, openid=None, content=CONTENT)
    guarded(session, "k-1", content=CONTENT)  # the citizen's own first ticket of the day still goes through
    assert count(session) == 4


def test_the_daily_limit_holds_across_workers_at_once(submit_any_app, tmp_path):
    """Eight submissions at once from one citizen through two "workers" (apps sharing the database and the
    shared store): exactly the limit are made."""
    submit_any_app.config["TICKETS_PER_DAY"] = 3
    config = submit_any_app.config
    other = build_app(tmp_path / "other", STATE_PREFIX=config["STATE_PREFIX"], REDIS_URL=config.get("REDIS_URL"),
                      DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"], TICKETS_PER_DAY=3)
    barrier, outcomes = threading.Barrier(8), []

    def submit(index: int) -> None:
        with (submit_any_app if index % 2 else other).app_context():
            barrier.wait()
            try:
                create_guarded(db.session, submission(content=f"第{index}件：{CONTENT}"), channel="h5",
                               idempotency_key=f"h5:o-citizen-a:{index}")
                db.session.commit()
                outcomes.append("made")
            except DailyLimitReached:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        dispose(other)
    assert sorted(outcomes) == ["made"] * 3 + ["refused"] * 5
    with submit_any_app.app_context():
        assert count(db.session) == 3


# --- the H5 form -------------------------------------------------------------------------------------------
@pytest.fixture
def citizen(submit_app):
    return signed_in(submit_app, "o-citizen-a")


def test_h5_the_same_words_again_come_back_with_a_notice_and_a_box_to_send_anyway(submit_app, citizen):
    first = send(citizen, open_form(citizen)).headers["Location"].rsplit("/", 1)[1]
    page = open_form(citizen)
    again = send(citizen, page, content=RETYPED, address="另一个地址：迎泽区五一东街12号")
    html = again.get_data(as_text=True)
    assert again.status_code == 409 and ticket_count(submit_app) == 1
    assert "可能是重复提交" in html and f"/h5/tickets/{first}" in html and "这不是重复提交，仍然提交" in html
    notice = html.index('id="duplicate-notice"')
    assert html.index('id="content"') < notice < html.index('id="category"')  # beside the content field
    assert 'value="另一个地址：迎泽区五一东街12号"' in html and 'value="张先生"' in html  # the input is kept
    assert form_fields(html)["key"] == form_fields(page)["key"]  # the same form
    unchecked = send(citizen, html, content=RETYPED)
    assert unchecked.status_code == 409 and ticket_count(submit_app) == 1  # the box is needed
    anyway = send(citizen, html, content=RETYPED, not_duplicate="y")
    assert anyway.status_code == 302 and ticket_count(submit_app) == 2
    assert anyway.headers["Location"].rsplit("/", 1)[1] != first


def test_h5_a_plain_retry_of_the_sent_form_is_not_asked_about(submit_app, citizen):
    page = open_form(citizen)
    first, retry = send(citizen, page), send(citizen, page)
    assert first.status_code == retry.status_code == 302 and first.headers["Location"] == retry.headers["Location"]
    assert ticket_count(submit_app) == 1


def test_h5_past_the_daily_limit_the_form_says_so_beside_the_content_and_keeps_the_input(submit_app, citizen):
    submit_app.config["TICKETS_PER_DAY"] = 1
    assert 'id="limit-note"' not in open_form(citizen)
    assert send(citizen, open_form(citizen)).status_code == 302
    page = open_form(citizen)
    assert 'id="limit-note"' in page and "达到每天1件的上限" in page  # said before anything is typed
    refused = send(citizen, page, content=OTHER)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and ticket_count(submit_app) == 1
    assert "达到每天1件的上限" in error_beside(html, "content") and 'href="tel:12345"' in html
    assert OTHER + "</textarea>" in html and 'value="13812345678"' in html
    other = signed_in(submit_app, "o-citizen-b")
    assert send(other, open_form(other), content=OTHER).status_code == 302  # the limit is per citizen


def test_h5_content_over_two_thousand_characters_is_kept_whole(submit_app, citizen):
    long = "".join(f"第{n}段：楼下饭店的油烟和噪音每天从早到晚影响居民休息，多次反映没有改善。\n" for n in range(90))
    assert len(long) > 2500
    page = send(citizen, open_form(citizen), content=long, phone="12345").get_data(as_text=True)
    assert long + "</textarea>" in page  # shown again whole with the phone's error
    assert send(citizen, open_form(citizen), content=long).status_code == 302
    with submit_app.app_context():
        assert db.session.scalar(select(Ticket.content)) == long.rstrip("\n")


HOSTILE = {"content": '家门口的井盖丢了<script>alert("content")</script> ]]> 很危险，请尽快处理 & 补上',
           "name": "<b>张</b>]]>", "address": '坞城路88号]]><img src=x onerror="alert(1)">'}


def test_h5_every_field_is_escaped_on_the_result_and_ticket_pages(submit_app, citizen):
    response = send(citizen, open_form(citizen), **HOSTILE)
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[1]
    with submit_app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert (ticket.content, ticket.citizen_name, ticket.address) == (
            HOSTILE["content"], HOSTILE["name"], HOSTILE["address"])  # kept as typed
    for path in (f"/h5/submit/done/{number}", f"/h5/tickets/{number}", "/h5/tickets/"):
        html = citizen.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>张" not in html and "<img src=x" not in html, path
    page = citizen.get(f"/h5/tickets/{number}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;content&#34;)&lt;/script&gt; ]]&gt;" in page
    assert "&lt;b&gt;张&lt;/b&gt;]]&gt;" in page and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    shown_again = send(citizen, open_form(citizen), phone="1", **HOSTILE).get_data(as_text=True)
    assert "<script>alert" not in shown_again and "&lt;b&gt;张&lt;/b&gt;]]&gt;" in shown_again
