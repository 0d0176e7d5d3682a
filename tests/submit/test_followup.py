"""回访: the citizen's rating (one per round), phone follow-up by an agent, and 重办 on request."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.db import db
from reference.workdays import WorkCalendar
from submit import workflow as wf
from submit.followup import (
    InvalidRating,
    ReopenRefused,
    awaiting_rating,
    offers_reopen,
    rate_ticket,
    record_follow_up_call,
    reopen_by_citizen,
)
from submit.models import TicketEvent, TicketRating
from submit.service import public_history
from submit.workflow_deadlines import aware
from tests.submit import workflow_support as support
from tests.submit.conftest import EVE_OF_NATIONAL_DAY, run_in_threads

fake_wechat, wf_app, wf_any_app, flow = support.fake_wechat, support.wf_app, support.wf_any_app, support.flow

OPENID = "o-citizen-a"  # the owner of the tickets Flow makes


def test_a_ticket_waits_for_its_rating_once_answered_and_until_rated(flow):
    ticket = flow.ticket()
    assert not awaiting_rating(ticket)
    flow.drive(ticket, "replied")
    assert not awaiting_rating(ticket)
    flow.drive(ticket, "follow_up")
    assert awaiting_rating(ticket)
    flow.drive(ticket, "closed")
    assert awaiting_rating(ticket)
    rating = rate_ticket(flow.session, ticket, solved="solved", satisfaction="satisfied", comment=" 很快 ", source="h5")
    flow.session.commit()
    assert not awaiting_rating(ticket)
    assert (rating.round, rating.source, rating.comment, rating.staff_id) == (1, "h5", "很快", None)
    event = flow.session.scalar(select(TicketEvent).where(TicketEvent.kind == "rated"))
    assert event.public and event.actor_kind == "citizen" and event.note == "您的评价：已解决，满意"
    assert event.data == {"source": "h5", "solved": "solved", "satisfaction": "satisfied", "round": 1}
    assert public_history(ticket)[-1].note == "您的评价：已解决，满意"


def test_bad_answers_are_reported_by_field(flow):
    ticket = flow.at("closed")
    with pytest.raises(InvalidRating) as refused:
        rate_ticket(flow.session, ticket, solved="maybe", satisfaction="", comment="长" * 501, source="wechat")
    fields = refused.value.by_field()
    assert set(fields) == {"solved", "satisfaction", "comment"}
    assert "已解决" in fields["solved"][0] and "501" in fields["comment"][0]
    assert flow.session.scalar(select(func.count()).select_from(TicketRating)) == 0


def test_caller_mistakes_are_value_errors(flow):
    ticket = flow.at("closed")
    with pytest.raises(ValueError, match="unknown rating source"):
        rate_ticket(flow.session, ticket, solved="solved", satisfaction="satisfied", source="fax")
    with pytest.raises(ValueError, match="phone rating"):
        rate_ticket(flow.session, ticket, solved="solved", satisfaction="satisfied", source="phone")
    with pytest.raises(ValueError, match="phone rating"):
        rate_ticket(flow.session, ticket, solved="solved", satisfaction="satisfied", source="phone",
                    by=flow.people.handler)


def test_no_rating_before_the_answer_nor_twice_in_a_round(flow):
    ticket = flow.at("in_progress")
    with pytest.raises(InvalidRating, match="办结后才能评价") as early:
        rate_ticket(flow.session, ticket, solved="solved", satisfaction="satisfied", source="wechat")
    assert early.value.by_field() == {"ticket": ["工单办结后才能评价"]}
    flow.drive(ticket, "closed")
    rate_ticket(flow.session, ticket, solved="partly", satisfaction="basic", source="wechat")
    flow.session.commit()
    with pytest.raises(InvalidRating, match="已经评价过"):
        rate_ticket(flow.session, ticket, solved="solved", satisfaction="very_satisfied", source="h5")


def test_two_ratings_at_once_one_is_kept(wf_any_app):
    with wf_any_app.app_context():
        flow = support.Flow(db.session)
        ticket_id = flow.at("closed").id
        db.session.remove()

    def rate(index):
        from submit.models import Ticket

        ticket = db.session.get(Ticket, ticket_id)
        try:
            rate_ticket(db.session, ticket, solved="solved", satisfaction="satisfied", source=("wechat", "h5")[index])
            db.session.commit()
            return "rated"
        except InvalidRating as refused:
            return refused.by_field()["ticket"][0]

    results = run_in_threads(wf_any_app, 2, rate)
    assert sorted(results) == ["rated", "这件工单您已经评价过了，谢谢"]
    with wf_any_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TicketRating)) == 1


@pytest.mark.parametrize(("solved", "satisfaction", "offered"), [
    ("solved", "very_satisfied", False), ("partly", "basic", False), ("solved", "satisfied", False),
    ("unsolved", "basic", True), ("solved", "dissatisfied", True), ("partly", "very_dissatisfied", True)])
def test_reopen_is_offered_for_unsolved_or_unsatisfied(solved, satisfaction, offered):
    assert offers_reopen(TicketRating(solved=solved, satisfaction=satisfaction)) is offered
    assert offers_reopen(None) is False


def event_time(ticket):
    return aware(ticket.events[-1].at)


def test_an_unsatisfied_citizen_reopens_the_ticket_as_a_new_round(flow):
    ticket = flow.at("closed", received_at=EVE_OF_NATIONAL_DAY)
    rating = rate_ticket(flow.session, ticket, solved="unsolved", satisfaction="dissatisfied", source="wechat")
    flow.session.commit()
    reopen_by_citizen(flow.session, ticket, openid=OPENID, reason="  暖气还是不热  ")
    flow.session.commit()
    assert (ticket.status, ticket.round, ticket.closed_at) == ("reopened", 2, None)
    # a fresh 投诉 time limit (15 working days) from the reopening
    assert aware(ticket.deadline_at) == WorkCalendar.from_session(flow.session).add_workdays(event_time(ticket), 15)
    event = ticket.events[-1]
    assert (event.kind, event.actor_kind, event.from_status, event.reason) == ("reopened", "citizen", "closed",
                                                                               "暖气还是不热")
    assert event.public and event.data["rating"] == rating.id and event.data["round"] == 2
    assert not awaiting_rating(ticket)
    with pytest.raises(ReopenRefused, match="已申请重办"):
        reopen_by_citizen(flow.session, ticket, openid=OPENID)
    # the new round goes round the queue again and is rated on its own
    flow.drive(ticket, "closed")
    assert awaiting_rating(ticket)
    assert rate_ticket(flow.session, ticket, solved="solved", satisfaction="satisfied", source="h5").round == 2


@pytest.mark.parametrize(("openid", "answers", "message"), [
    ("o-someone-else", ("unsolved", "dissatisfied"), "本人"),
    (OPENID, ("solved", "satisfied"), "未解决或不满意"),
    (OPENID, None, "未解决或不满意"),
])
def test_reopen_is_refused_to_others_and_without_an_unhappy_rating(flow, openid, answers, message):
    ticket = flow.at("closed")
    if answers:
        rate_ticket(flow.session, ticket, solved=answers[0], satisfaction=answers[1], source="wechat")
        flow.session.commit()
    with pytest.raises(ReopenRefused, match=message):
        reopen_by_citizen(flow.session, ticket, openid=openid)
    assert ticket.status == "closed"


def test_reopen_is_refused_before_the_answer(flow):
    with pytest.raises(ReopenRefused, match="答复后"):
        reopen_by_citizen(flow.session, flow.at("in_progress"), openid=OPENID)


def test_reopen_is_refused_long_after_closure(flow):
    ticket = flow.at("closed")
    rate_ticket(flow.session, ticket, solved="unsolved", satisfaction="very_dissatisfied", source="wechat")
    ticket.closed_at = ticket.closed_at - timedelta(days=30)
    flow.session.commit()
    with pytest.raises(ReopenRefused, match="超过 30 天"):
        reopen_by_citizen(flow.session, ticket, openid=OPENID)


def test_phone_follow_up_records_the_call_and_the_rating(flow):
    ticket = flow.at("follow_up")
    assert record_follow_up_call(flow.session, ticket, actor=flow.people.agent, reached=False,
                                 comment="无人接听") is None
    flow.session.commit()
    assert awaiting_rating(ticket)
    rating = record_follow_up_call(flow.session, ticket, actor=flow.people.agent, reached=True, solved="solved",
                                   satisfaction="very_satisfied", comment="市民表示满意")
    flow.session.commit()
    assert (rating.source, rating.staff_id, rating.round) == ("phone", flow.people.agent.id, 1)
    calls = [event for event in ticket.events if event.kind == "follow_up_call"]
    assert [call.data["reached"] for call in calls] == [False, True]
    assert calls[0].reason == "无人接听" and not calls[0].public
    rated = ticket.events[-1]
    assert rated.kind == "rated" and rated.actor_kind == "staff" and rated.note == "电话回访评价：已解决，非常满意"
    with pytest.raises(InvalidRating, match="已有评价"):
        record_follow_up_call(flow.session, ticket, actor=flow.people.agent, reached=True, solved="solved",
                              satisfaction="satisfied")


def test_phone_follow_up_is_for_the_hotline_only(flow):
    ticket = flow.at("follow_up")
    for person in (flow.people.handler, flow.people.analyst):
        with pytest.raises(wf.NotPermitted):
            record_follow_up_call(flow.session, ticket, actor=person, reached=False)
    with pytest.raises(InvalidRating) as bad:
        record_follow_up_call(flow.session, ticket, actor=flow.people.agent, reached=True, solved="solved",
                              satisfaction="so-so")
    assert list(bad.value.by_field()) == ["satisfaction"]
    assert not [event for event in ticket.events if event.kind == "follow_up_call"]
