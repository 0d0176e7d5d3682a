"""Who may do what: roles per action (workflow.yaml), handlers bound to their department, analysts
read-only, the citizen only for their own ticket."""
import pytest

from submit import workflow as wf
from submit.workflow_config import workflow
from tests.submit import workflow_support as support
from tests.submit.workflow_support import OTHER_DEPARTMENT, department

fake_wechat, wf_app, flow = support.fake_wechat, support.wf_app, support.flow
STAFF = ("admin", "agent", "supervisor", "handler", "analyst", "editor")
# status the ticket is brought to, the wrapper, its arguments, the roles that may do it
ACTIONS = [
    ("received", "dispatch", {"department": "SZJJ"}, {"admin", "agent", "supervisor"}),
    ("dispatched", "accept", {}, {"admin", "handler"}),
    ("accepted", "start", {}, {"admin", "handler"}),
    ("in_progress", "reply", {"text": "已处理"}, {"admin", "handler"}),
    ("replied", "approve", {}, {"admin", "agent", "supervisor"}),
    ("replied", "send_back", {"reason": "答复不完整"}, {"admin", "agent", "supervisor"}),
    ("follow_up", "close", {}, {"admin", "agent", "supervisor"}),
    ("accepted", "return_ticket", {"reason": "不属本单位"}, {"admin", "handler"}),
    ("accepted", "request_extension", {"days": 3, "reason": "需协调施工"}, {"admin", "handler"}),
    ("accepted", "chase", {}, {"admin", "supervisor"}),
    ("closed", "reopen", {"reason": "市民来电不满意"}, {"admin", "agent", "supervisor"}),
    ("received", "mark_invalid", {"reason": "骚扰"}, {"admin", "agent", "supervisor"}),
    ("dispatched", "add_note", {"note": "已电话联系市民"}, {"admin", "agent", "supervisor", "handler"}),
]


@pytest.mark.parametrize(("status", "action", "kwargs", "allowed"), ACTIONS, ids=[row[1] for row in ACTIONS])
def test_each_action_is_open_to_its_roles_only(flow, status, action, kwargs, allowed):
    kwargs = {key: department(flow.session, value) if key == "department" else value for key, value in kwargs.items()}
    for role in STAFF:
        ticket = flow.at(status)
        actor = getattr(flow.people, role)
        if role in allowed:
            event = getattr(wf, action)(flow.session, ticket, actor=actor, **kwargs)
            flow.session.commit()
            assert (event.actor_staff_id, event.actor_role) == (actor.id, actor.role), role
            continue
        with pytest.raises(wf.NotPermitted) as refused:
            getattr(wf, action)(flow.session, ticket, actor=actor, **kwargs)
        assert "无权" in str(refused.value) and workflow().transition(event_action(action)).name in str(refused.value)
        flow.session.rollback()
        assert ticket.status == status, role


def event_action(wrapper: str) -> str:
    return {"return_ticket": "return", "add_note": "note"}.get(wrapper, wrapper)


@pytest.mark.parametrize(("status", "action", "kwargs"), [
    ("dispatched", "accept", {}), ("accepted", "start", {}), ("in_progress", "reply", {"text": "已处理"}),
    ("accepted", "return_ticket", {"reason": "不属本单位"}),
    ("accepted", "request_extension", {"days": 2, "reason": "需要时间"}),
    ("dispatched", "add_note", {"note": "看看"}),
])
def test_a_handler_acts_only_on_its_own_departments_tickets(flow, status, action, kwargs):
    ticket = flow.at(status)
    with pytest.raises(wf.NotPermitted, match=f"{ticket.number} 不属于您的单位"):
        getattr(wf, action)(flow.session, ticket, actor=flow.people.other_handler, **kwargs)
    assert not wf.can_view(ticket, flow.people.other_handler) and wf.can_view(ticket, flow.people.handler)
    assert ticket.status == status


def test_analysts_and_editors_can_do_nothing_anywhere(flow):
    for status in ("received", "dispatched", "accepted", "replied", "follow_up", "closed"):
        ticket = flow.at(status)
        assert wf.allowed_actions(ticket, flow.people.analyst) == []
        assert wf.allowed_actions(ticket, flow.people.editor) == []
        assert wf.can_view(ticket, flow.people.analyst)


def test_the_console_can_ask_which_actions_to_offer(flow):
    ticket = flow.ticket()
    offered = [step.action for step in wf.allowed_actions(ticket, flow.people.agent)]
    assert offered == ["dispatch", "close", "merge", "mark_invalid", "note"]
    flow.drive(ticket, "dispatched")
    assert [step.action for step in wf.allowed_actions(ticket, flow.people.handler)] == ["accept", "return", "note"]
    assert wf.allowed_actions(ticket, flow.people.other_handler) == []
    assert [step.name for step in wf.allowed_actions(ticket, flow.people.supervisor)] == [
        "催办", "合并", "无效", "内部备注"]


def test_an_inactive_account_may_do_nothing(flow):
    ticket = flow.ticket()
    flow.people.agent.active = False
    with pytest.raises(wf.NotPermitted, match="停用"):
        wf.dispatch(flow.session, ticket, actor=flow.people.agent, department=department(flow.session, "SZJJ"))


def test_the_citizen_may_only_ask_for_reopening_of_their_own_ticket(flow):
    ticket = flow.at("closed")
    stranger, owner = wf.Citizen("o-someone-else"), wf.Citizen(ticket.citizen_openid)
    with pytest.raises(wf.NotPermitted, match="本人"):
        wf.reopen(flow.session, ticket, actor=stranger)
    with pytest.raises(wf.NotPermitted, match="市民无权"):
        wf.close(flow.session, ticket, actor=owner)
    assert [step.action for step in wf.allowed_actions(ticket, owner)] == ["reopen"]
    assert wf.allowed_actions(ticket, stranger) == []


def test_a_handler_moved_to_another_department_loses_the_ticket(flow):
    ticket = flow.at("dispatched")
    flow.people.handler.department = department(flow.session, OTHER_DEPARTMENT)
    flow.session.flush()
    assert not wf.can(ticket, "accept", flow.people.handler)
