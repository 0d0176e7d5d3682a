"""The workflow's paths: 受理 → 派单 → 签收 → 办理 → 答复 → 审核 → 回访 → 办结, and 退单/重派, 审核退回, 催办,
合并, 无效, 直接办结, notes; each step an event with who, role, from, to, reason and note."""
import pytest

from submit import workflow as wf
from submit.service import public_history
from submit.workflow_config import workflow
from tests.submit import workflow_support as support
from tests.submit.workflow_support import HANDLER_DEPARTMENT, OTHER_DEPARTMENT, department

fake_wechat, wf_app, flow, clock = support.fake_wechat, support.wf_app, support.flow, support.clock
REPLY = "已安排维修人员上门，暖气已恢复正常，室温22度。"


def test_the_whole_way_from_received_to_closed_is_in_the_history(flow):
    ticket = flow.at("closed")
    people = flow.people
    events = ticket.events
    assert [(e.kind, e.from_status, e.to_status) for e in events] == [
        ("created", None, "received"), ("dispatched", "received", "dispatched"),
        ("accepted", "dispatched", "accepted"), ("started", "accepted", "in_progress"),
        ("replied", "in_progress", "replied"), ("approved", "replied", "follow_up"),
        ("closed", "follow_up", "closed")]
    assert [(e.actor_kind, e.actor_staff_id, e.actor_role) for e in events[1:]] == [
        ("staff", people.agent.id, "agent"), ("staff", people.handler.id, "handler"),
        ("staff", people.handler.id, "handler"), ("staff", people.handler.id, "handler"),
        ("staff", people.agent.id, "agent"), ("staff", people.agent.id, "agent")]
    assert events[1].data["department"] == HANDLER_DEPARTMENT and events[1].data["again"] is False
    assert ticket.closed_at is not None and ticket.dispatched_at is not None
    # the citizen reads the dispatch, the signing, the approved reply and the closure — not the internal steps
    seen = [(line.kind, line.status_name) for line in public_history(ticket)]
    assert seen == [("created", "已受理"), ("dispatched", "已转交承办单位"), ("accepted", "承办单位办理中"),
                    ("approved", "已答复，待您评价"), ("closed", "已办结")]
    assert public_history(ticket)[3].note == REPLY
    assert "热力" in public_history(ticket)[1].note  # 转交 names the department


def test_dispatch_takes_a_main_and_helping_departments(flow):
    ticket = flow.ticket()
    main, helper = department(flow.session, OTHER_DEPARTMENT), department(flow.session, "SCXGLJ")
    wf.dispatch(flow.session, ticket, actor=flow.people.supervisor, department=main.id,
                co_departments=[helper, main], instruction="请会同城管核查")
    flow.session.commit()
    assert ticket.department == main and ticket.co_departments == [helper]
    event = ticket.events[-1]
    assert event.data["co_departments"] == ["SCXGLJ"] and event.data["previous_department"] == HANDLER_DEPARTMENT
    assert event.reason == "请会同城管核查" and event.reason not in [line.note for line in public_history(ticket)]


def test_dispatch_needs_an_active_department(flow):
    ticket = flow.ticket()
    with pytest.raises(wf.InvalidAction) as missing:
        wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=None)
    assert missing.value.by_field() == {"department": ["请选择主办单位"]}
    closed = department(flow.session, OTHER_DEPARTMENT)
    closed.active = False
    with pytest.raises(wf.InvalidAction, match="已停用"):
        wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=closed)
    with pytest.raises(wf.InvalidAction) as unknown:
        wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, "SCXGLJ").id,
                    co_departments=[999999])
    assert list(unknown.value.by_field()) == ["co_departments"]
    assert ticket.status == "received"


def test_a_misrouted_ticket_is_returned_with_a_reason_and_dispatched_again(flow):
    ticket = flow.at("accepted")
    with pytest.raises(wf.InvalidAction) as no_reason:
        wf.return_ticket(flow.session, ticket, actor=flow.people.handler, reason="  ")
    assert no_reason.value.by_field() == {"reason": ["请填写退单理由"]}
    wf.return_ticket(flow.session, ticket, actor=flow.people.handler, reason="该小区供热不属我公司，应由区供热办处理")
    flow.session.commit()
    assert ticket.status == "returned" and ticket.paused_at is not None
    returned = ticket.events[-1]
    assert returned.kind == "returned" and not returned.public and returned.data["department"] == HANDLER_DEPARTMENT
    wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, OTHER_DEPARTMENT))
    flow.session.commit()
    assert ticket.status == "dispatched" and ticket.department.code == OTHER_DEPARTMENT and ticket.paused_at is None
    again = ticket.events[-1]
    assert again.data["again"] is True and again.data["previous_department"] == HANDLER_DEPARTMENT
    assert "deadline" in again.data and "paused_at" in again.data  # the clock started again


def test_the_hotline_sends_a_weak_reply_back_and_approves_the_next_one(flow):
    ticket = flow.at("replied")
    with pytest.raises(wf.InvalidAction, match="请填写审核退回理由"):
        wf.send_back(flow.session, ticket, actor=flow.people.agent, reason="")
    wf.send_back(flow.session, ticket, actor=flow.people.agent, reason="答复未说明维修时间")
    flow.session.commit()
    assert ticket.status == "in_progress"
    with pytest.raises(wf.InvalidAction, match="请填写答复内容"):
        wf.reply(flow.session, ticket, actor=flow.people.handler, text=" ")
    wf.reply(flow.session, ticket, actor=flow.people.handler, text="已于11月30日上午修复，室温22度。")
    wf.approve(flow.session, ticket, actor=flow.people.supervisor)
    flow.session.commit()
    approved = ticket.events[-1]
    assert approved.note == "已于11月30日上午修复，室温22度。" and approved.public and approved.data["edited"] is False
    assert [line.note for line in public_history(ticket)].count(REPLY) == 0  # the weak reply never reached them


def test_the_hotline_may_edit_the_reply_it_approves(flow):
    ticket = flow.at("replied")
    wf.approve(flow.session, ticket, actor=flow.people.agent, text="您好，暖气已修复。如仍有问题请再联系我们。")
    flow.session.commit()
    assert ticket.events[-1].note.startswith("您好，暖气已修复") and ticket.events[-1].data["edited"] is True
    assert ticket.events[-2].note == REPLY  # the department's own words stay in the history


def test_a_ticket_answered_at_intake_is_closed_directly(flow):
    ticket = flow.ticket(request_type="enquiry")
    wf.close(flow.session, ticket, actor=flow.people.agent, note="已电话告知办理地点和材料")
    flow.session.commit()
    assert ticket.status == "closed" and ticket.events[-1].data["direct"] is True
    assert public_history(ticket)[-1].note == "已电话告知办理地点和材料"


def test_a_chase_flags_the_ticket_until_the_department_replies(flow, clock):
    ticket = flow.at("accepted")
    wf.chase(flow.session, ticket, actor=flow.people.supervisor, note="市民多次来电，请加快")
    flow.session.commit()
    assert ticket.chased_at is not None and ticket.chase_count == 1
    chased = ticket.events[-1]
    assert chased.data["level"] == "催办" and chased.data["overdue"] is False and not chased.public
    clock(support.aware(ticket.deadline_at) + support.ONE_DAY)
    wf.chase(flow.session, ticket, actor=flow.people.admin)
    flow.session.commit()
    assert ticket.events[-1].data == {"level": "督办", "overdue": True, "count": 2, "department": HANDLER_DEPARTMENT}
    wf.reply(flow.session, ticket, actor=flow.people.handler, text=REPLY)
    flow.session.commit()
    assert ticket.chased_at is None and ticket.chase_count == 2 and ticket.events[-1].data["chased"] is True


def test_chasing_only_overdue_tickets_when_configured(flow, monkeypatch):
    ticket = flow.at("dispatched")
    monkeypatch.setattr("submit.workflow_effects.workflow", lambda: support.with_limits(chase_overdue_only=True))
    with pytest.raises(wf.TransitionNotAllowed, match="尚未超期"):
        wf.chase(flow.session, ticket, actor=flow.people.supervisor)


def test_a_duplicate_is_merged_into_the_surviving_ticket(flow):
    survivor, duplicate = flow.at("accepted"), flow.ticket(openid="o-citizen-b")
    with pytest.raises(wf.InvalidAction, match="另一件工单"):
        wf.merge(flow.session, duplicate, actor=flow.people.agent, into=duplicate)
    wf.merge(flow.session, duplicate, actor=flow.people.agent, into=survivor, reason="同一小区同一时段停暖")
    flow.session.commit()
    assert duplicate.status == "merged" and duplicate.merged_into == survivor
    note = public_history(duplicate)[-1].note
    assert survivor.number in note and "同一小区" not in note
    assert flow.kinds(survivor)[-1] == "merged_in" and survivor.events[-1].data == {"ticket": duplicate.number}
    closed = flow.at("closed")
    other = flow.ticket()
    with pytest.raises(wf.InvalidAction, match="办结"):
        wf.merge(flow.session, other, actor=flow.people.agent, into=closed)


def test_spam_is_marked_invalid_with_a_staff_only_reason(flow):
    ticket = flow.ticket()
    with pytest.raises(wf.InvalidAction, match="请填写无效理由"):
        wf.mark_invalid(flow.session, ticket, actor=flow.people.agent, reason="")
    wf.mark_invalid(flow.session, ticket, actor=flow.people.agent, reason="广告骚扰")
    flow.session.commit()
    assert ticket.status == "invalid"
    assert public_history(ticket)[-1].note.startswith("经核实") and "广告" not in public_history(ticket)[-1].note


def test_notes_are_internal_and_a_helping_department_may_write_them(flow):
    ticket = flow.ticket()
    wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, "SCXGLJ"),
                co_departments=[department(flow.session, HANDLER_DEPARTMENT)])
    wf.add_note(flow.session, ticket, actor=flow.people.handler, note="我司已派人配合现场查看")
    flow.session.commit()
    assert ticket.events[-1].kind == "note" and not ticket.events[-1].public
    with pytest.raises(wf.NotPermitted, match="不属于您的单位"):
        wf.accept(flow.session, ticket, actor=flow.people.handler)  # 协办 does not sign for the 主办
    with pytest.raises(wf.InvalidAction, match="请填写内部备注内容"):
        wf.add_note(flow.session, ticket, actor=flow.people.agent, note="")
    with pytest.raises(wf.InvalidAction, match="2000"):
        wf.add_note(flow.session, ticket, actor=flow.people.agent, note="长" * 2001)


@pytest.mark.parametrize(("status", "action", "who", "kwargs"), [
    ("received", "accept", "handler", {}),
    ("received", "reply", "handler", {"text": REPLY}),
    ("dispatched", "approve", "agent", {}),
    ("dispatched", "close", "agent", {}),
    ("in_progress", "reopen", "agent", {}),
    ("replied", "return_ticket", "handler", {"reason": "不归我们管"}),
    ("accepted", "decide_extension", "supervisor", {"approved": True}),
    ("closed", "dispatch", "agent", {"department": None}),
    ("closed", "mark_invalid", "agent", {"reason": "重复"}),
])
def test_actions_out_of_turn_are_refused_with_the_state_named(flow, status, action, who, kwargs):
    ticket = flow.at(status)
    with pytest.raises(wf.TransitionNotAllowed) as refused:
        getattr(wf, action)(flow.session, ticket, actor=getattr(flow.people, who), **kwargs)
    assert workflow().state(status).name in str(refused.value) or "延期申请" in str(refused.value)
    assert ticket.status == status


def test_an_unknown_action_is_a_programming_error(flow):
    with pytest.raises(KeyError, match="unknown workflow action"):
        wf.transition(flow.session, flow.ticket(), "teleport", actor=flow.people.admin)
    with pytest.raises(TypeError, match="takes no parameters"):
        wf.transition(flow.session, flow.ticket(), "note", actor=flow.people.admin, note="备注", speed=3)
