"""Every action of the ticket page posted through the test client, and its refusals: field errors
beside the fields with the input kept, a state or role that forbids it, a stale page, two people
dispatching at once (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from submit.models import Ticket, TicketRating
from tests.submit.console.conftest import BASE
from tests.submit.workflow_support import department


def dept(desk, code: str) -> str:
    return str(desk.run(lambda flow: department(flow.session, code).id))


def html_of(response) -> str:
    return response.get_data(as_text=True)


def test_a_ticket_walks_from_received_to_closed_through_the_forms(desk):
    number = desk.ticket("received")
    agent, handler = desk.client("agent"), desk.client("handler")
    steps = [(agent, "dispatch", {"department": dept(desk, "RLJT"), "co_departments": [dept(desk, "GSJT")],
                                  "reason": "请重点关注老人家庭"}, "dispatched"),
             (handler, "accept", {}, "accepted"),
             (handler, "start", {"note": "已联系换热站"}, "in_progress"),
             (handler, "reply", {"note": "已更换阀门，室温恢复到20度。"}, "replied"),
             (agent, "approve", {"note": "您好，热力公司已更换阀门，室温恢复到20度。"}, "follow_up"),
             (agent, "follow_up_call", {"reached": "yes", "solved": "solved", "satisfaction": "satisfied",
                                        "comment": "市民表示满意"}, "follow_up"),
             (agent, "close", {}, "closed")]
    for client, action, fields, status in steps:
        response = desk.act(client, number, action, **fields)
        assert response.status_code == 302, (action, html_of(response)[:400])
        assert response.headers["Location"].endswith(f"{BASE}/{number}")
        assert desk.status(number) == status, action
    assert desk.kinds(number) == ["created", "dispatched", "accepted", "started", "replied", "approved",
                                  "follow_up_call", "rated", "closed"]
    facts = desk.read(number, lambda ticket: (
        ticket.department.code, [unit.code for unit in ticket.co_departments],
        [event.note for event in ticket.events if event.kind == "approved"],
        [(rating.source, rating.solved, rating.satisfaction) for rating in ticket.ratings]))
    assert facts == ("RLJT", ["GSJT"], [steps[4][2]["note"]], [("phone", "solved", "satisfied")])
    page = html_of(desk.page(agent, number))
    assert "已办结" in page  # the flash of the last step
    assert "市民意见：</span><span class=\"citizen-text\">市民表示满意" in page  # the call's comment, in the history


@pytest.mark.parametrize("status, who, action, fields, kind, after", [
    ("replied", "agent", "send_back", {"reason": "答复没有说明何时修好"}, "sent_back", "in_progress"),
    ("dispatched", "handler", "return", {"reason": "供水问题，不属于热力集团"}, "returned", "returned"),
    ("accepted", "supervisor", "chase", {"note": "市民多次来电"}, "chased", "accepted"),
    ("closed", "agent", "reopen", {"reason": "市民来电说仍不热"}, "reopened", "reopened"),
    ("received", "agent", "mark_invalid", {"reason": "骚扰电话", "note": ""}, "invalidated", "invalid"),
    ("received", "agent", "close", {"note": "已当场解答"}, "closed", "closed"),
    ("dispatched", "agent", "note", {"note": "市民补充了楼号"}, "note", "dispatched"),
])
def test_each_action_form_posts_and_is_recorded(desk, status, who, action, fields, kind, after):
    number = desk.ticket(status)
    response = desk.act(desk.client(who), number, action, **fields)
    assert response.status_code == 302, html_of(response)[:400]
    assert desk.status(number) == after and desk.kinds(number)[-1] == kind


def test_extension_asked_then_decided(desk):
    number = desk.ticket("accepted")
    handler, supervisor = desk.client("handler"), desk.client("supervisor")
    refused = desk.act(handler, number, "request_extension", days="30", reason="需要更换管道")
    assert refused.status_code == 422 and 'id="error-request_extension-days"' in html_of(refused)
    assert "需要更换管道</textarea>" in html_of(refused)  # what was typed is kept
    assert desk.act(handler, number, "request_extension", days="3", reason="需要更换管道").status_code == 302
    before = desk.read(number, lambda ticket: ticket.deadline_at)
    page = html_of(desk.page(supervisor, number))
    assert "承办单位申请延期 3 个工作日" in page
    undecided = desk.act(supervisor, number, "decide_extension", reason="")
    assert undecided.status_code == 422 and 'id="error-decide_extension-approved"' in html_of(undecided)
    assert desk.act(supervisor, number, "decide_extension", approved="yes").status_code == 302
    assert desk.read(number, lambda ticket: (ticket.extension_days, ticket.deadline_at > before)) == (None, True)


def test_merge_into_another_ticket_by_its_number(desk):
    number, survivor = desk.ticket("received"), desk.ticket("received")
    agent = desk.client("agent")
    unknown = desk.act(agent, number, "merge", into="TY20990101000009")
    assert unknown.status_code == 422 and "找不到编号为 TY20990101000009 的工单" in html_of(unknown)
    itself = desk.act(agent, number, "merge", into=number)
    assert itself.status_code == 422 and 'id="error-merge-into"' in html_of(itself)
    assert desk.act(agent, number, "merge", into=survivor.lower(), reason="同一楼栋").status_code == 302
    assert desk.read(number, lambda ticket: (ticket.status, ticket.merged_into.number)) == ("merged", survivor)


def test_required_fields_are_refused_beside_the_field_with_the_input_kept(desk):
    replied, dispatched, received = desk.ticket("replied"), desk.ticket("dispatched"), desk.ticket("received")
    agent, handler = desk.client("agent"), desk.client("handler")
    cases = [(agent, replied, "send_back", {"reason": "  "}, "reason"),
             (handler, dispatched, "return", {"reason": ""}, "reason"),
             (agent, received, "mark_invalid", {"reason": "", "note": "不属于受理范围的说明"}, "reason"),
             (agent, received, "dispatch", {"department": "", "reason": "请尽快"}, "department"),
             (agent, received, "note", {"note": ""}, "note")]
    for client, number, action, fields, field in cases:
        before = desk.kinds(number)
        response = desk.act(client, number, action, **fields)
        html = html_of(response)
        assert response.status_code == 422, action
        assert f'id="error-{action}-{field}"' in html, action
        assert action == "note" or f'id="action-{action}" open' in html  # its form is shown open
        for value in fields.values():
            if value.strip():
                assert f"{value}</textarea>" in html, (action, value)
        assert desk.kinds(number) == before, action  # nothing written


def test_reply_text_too_long_is_refused(desk):
    number = desk.ticket("accepted")
    response = desk.act(desk.client("handler"), number, "reply", note="很" * 2100)
    assert response.status_code == 422 and 'id="error-reply-note"' in html_of(response)
    assert "不要超过 2000 字" in html_of(response)


def test_phone_follow_up_refusals(desk):
    number = desk.ticket("follow_up")
    agent = desk.client("agent")
    unanswered = desk.act(agent, number, "follow_up_call", reached="")
    assert unanswered.status_code == 422 and 'id="error-follow_up_call-reached"' in html_of(unanswered)
    half = desk.act(agent, number, "follow_up_call", reached="yes", solved="solved", comment="还行")
    assert half.status_code == 422 and 'id="error-follow_up_call-satisfaction"' in html_of(half)
    assert "还行</textarea>" in html_of(half)
    assert desk.act(agent, number, "follow_up_call", reached="no", comment="无人接听").status_code == 302
    assert desk.read(number, lambda ticket: len(ticket.ratings)) == 0
    assert desk.act(agent, number, "follow_up_call", reached="yes", solved="partly",
                    satisfaction="basic").status_code == 302
    again = desk.act(agent, number, "follow_up_call", reached="yes", solved="solved", satisfaction="satisfied")
    assert again.status_code == 422 and "本轮办理已有评价" in html_of(again)
    assert desk.run(lambda flow: flow.session.query(TicketRating).count()) == 1


def test_refusals_for_the_state_the_role_and_unknown_actions(desk):
    received, dispatched = desk.ticket("received"), desk.ticket("dispatched")
    agent, handler = desk.client("agent"), desk.client("handler")
    wrong_state = desk.act(agent, received, "approve", note="好")
    assert wrong_state.status_code == 409 and "不能审核通过" in html_of(wrong_state)
    wrong_role = desk.act(handler, dispatched, "dispatch", department=dept(desk, "SZJJ"))
    assert wrong_role.status_code == 403 and "无权执行「派单」" in html_of(wrong_role)
    follow_up_by_handler = desk.act(handler, dispatched, "follow_up_call", reached="yes", solved="solved",
                                    satisfaction="satisfied")
    assert follow_up_by_handler.status_code == 403
    unknown = desk.act(agent, received, "explode")
    assert unknown.status_code == 400 and "未知的操作" in html_of(unknown)
    assert desk.status(received) == "received" and desk.status(dispatched) == "dispatched"


def test_analysts_and_editors_cannot_post_actions(desk):
    number = desk.ticket("received")
    for role in ("analyst", "editor"):
        client = desk.client(role)
        response = client.post(f"{BASE}/{number}/act", data={"csrf_token": desk.token(client), "action": "close",
                                                              "revision": "1"})
        assert response.status_code == 403, role
    assert desk.status(number) == "received"


def test_posts_without_the_csrf_token_are_refused(desk):
    number = desk.ticket("received")
    response = desk.client("agent").post(f"{BASE}/{number}/act", data={"action": "close", "revision": "1"})
    assert response.status_code == 400 and desk.status(number) == "received"


def test_a_page_shown_before_someone_else_acted_is_refused_with_the_latest_state(desk):
    number = desk.ticket("received")
    agent, supervisor = desk.client("agent"), desk.client("supervisor")
    stale = desk.read(number, lambda ticket: ticket.revision)
    assert desk.act(supervisor, number, "close", note="已当场解答").status_code == 302
    response = desk.act(agent, number, "mark_invalid", revision=stale, reason="重复来电", note="")
    html = html_of(response)
    assert response.status_code == 409 and "刚刚已被其他人处理" in html
    assert 'id="ticket-status">办结<' in html  # the latest state
    assert 'id="kept-input"' in html and "重复来电" in html  # the form is gone, what was typed is not
    assert desk.status(number) == "closed"


def test_a_note_is_never_refused_for_a_stale_page(desk):
    number = desk.ticket("received")
    stale = desk.read(number, lambda ticket: ticket.revision)
    assert desk.act(desk.client("supervisor"), number, "dispatch", department=dept(desk, "RLJT")).status_code == 302
    assert desk.act(desk.client("agent"), number, "note", revision=stale, note="补充").status_code == 302


def test_two_sessions_dispatching_one_wins_the_other_is_told(any_desk):
    desk = any_desk
    number = desk.ticket("received")
    agent, supervisor = desk.client("agent"), desk.client("supervisor")
    shown = desk.read(number, lambda ticket: ticket.revision)  # both pages show this revision
    first = desk.act(agent, number, "dispatch", revision=shown, department=dept(desk, "RLJT"))
    second = desk.act(supervisor, number, "dispatch", revision=shown, department=dept(desk, "SZJJ"),
                      reason="改派市政")
    assert first.status_code == 302
    assert second.status_code == 409 and "刚刚已被其他人处理" in html_of(second)
    assert "改派市政" in html_of(second)  # their input is kept
    assert desk.read(number, lambda ticket: ticket.department.code) == "RLJT"
    assert desk.kinds(number).count("dispatched") == 1


def test_two_dispatches_at_the_same_moment_one_wins(any_desk):
    desk = any_desk
    number = desk.ticket("received")
    clients = [desk.client("agent"), desk.client("supervisor")]
    units = [dept(desk, "RLJT"), dept(desk, "SZJJ")]
    shown = desk.read(number, lambda ticket: ticket.revision)
    tokens = [desk.token(client) for client in clients]
    barrier, results = threading.Barrier(2), [None, None]

    def post(index: int) -> None:
        barrier.wait()
        results[index] = clients[index].post(f"{BASE}/{number}/act", data={
            "csrf_token": tokens[index], "action": "dispatch", "revision": str(shown), "department": units[index]})

    threads = [threading.Thread(target=post, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(result.status_code for result in results)
    assert codes == [302, 409], codes
    loser = next(result for result in results if result.status_code == 409)
    assert "刚刚已被其他人处理" in html_of(loser)
    assert desk.kinds(number).count("dispatched") == 1


@pytest.mark.parametrize("status, who, action, fields, words", [
    ("received", "handler", "accept", {}, None),  # not dispatched yet: the hotline's, not shown to departments
    ("dispatched", "handler", "start", {}, "不能开始办理"),
    ("dispatched", "handler", "reply", {"note": "已处理"}, "不能答复"),
    ("dispatched", "agent", "close", {}, "不能办结"),
    ("closed", "supervisor", "chase", {}, "不能催办"),
    ("received", "agent", "reopen", {}, "不能重办"),
    ("closed", "handler", "request_extension", {"days": "2", "reason": "需协调"}, "不能申请延期"),
    ("dispatched", "other_handler", "accept", {}, None),  # another department's ticket: not even shown
    ("accepted", "supervisor", "decide_extension", {"approved": "yes"}, "没有待审批的延期申请"),
    ("closed", "agent", "mark_invalid", {"reason": "骚扰"}, "不能无效"),
])
def test_actions_the_state_does_not_allow_are_refused_with_the_workflows_words(desk, status, who, action, fields,
                                                                                words):
    number = desk.ticket(status)
    before = desk.kinds(number)
    response = desk.act(desk.client(who), number, action, **fields)
    if words is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 409 and words in html_of(response)
        assert 'id="refusal"' in html_of(response)
    assert desk.kinds(number) == before and desk.status(number) == status


def test_a_return_after_the_configured_working_days_is_refused(desk):
    number = desk.ticket("dispatched")

    def dispatched_long_ago(flow):
        ticket = flow.session.query(Ticket).filter_by(number=number).one()
        ticket.dispatched_at = ticket.dispatched_at - timedelta(days=20)
        flow.session.commit()
    desk.run(dispatched_long_ago)
    response = desk.act(desk.client("handler"), number, "return", reason="不属于本单位")
    assert response.status_code == 409 and "不能再退单" in html_of(response)
    assert "不属于本单位" in html_of(response)  # the reason typed is kept in the form
    assert desk.status(number) == "dispatched"
