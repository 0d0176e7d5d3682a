"""The alert workflow: acknowledge, dismiss with a reason, or a 主动治理 ticket created and dispatched
through the ticket services and linked to the alert's tickets; only supervisors act."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.db import utcnow
from reference.models import Department
from stats.insight.alert_actions import AlertActionError, TaskForm, acknowledge, dismiss, make_task
from stats.insight.models import Alert, InsightTicket
from submit.models import Ticket, TicketEvent
from tests.stats.insight.support import background, burst, detect, staff


@pytest.fixture
def alert(session) -> Alert:
    now = utcnow()
    background(session, days=28, now=now, street="迎泽区文庙街道")
    burst(session, 6, at=now - timedelta(hours=1))
    session.commit()
    detect(session, now=now)
    return session.scalars(select(Alert)).one()


def task_form(session, **changes) -> TaskForm:
    values = {"department_id": session.scalar(select(Department.id).where(Department.code == "YZQ_LX")),
              "category": "010101", "contact_name": "值班长 赵强", "contact_phone": "0351-4567890",
              "instruction": "请柳巷街道会同热力公司三日内排查和平小区供热管网。"}
    return TaskForm(**{**values, **changes})


def test_acknowledge_then_dismiss_with_a_reason(session, alert):
    supervisor = staff(session, "supervisor")
    acknowledge(session, alert, actor=supervisor)
    session.commit()
    assert (alert.status, alert.acted_by_id) == ("acknowledged", supervisor.id)
    with pytest.raises(AlertActionError) as refused:
        dismiss(session, alert, actor=supervisor, reason="   ")
    assert refused.value.errors == {"reason": "请写明忽略的理由（如：已知的季节性情况、重复反映）"}
    dismiss(session, alert, actor=supervisor, reason="热力公司已在全区检修，属已知情况")
    session.commit()
    assert alert.status == "dismissed" and alert.dismiss_reason == "热力公司已在全区检修，属已知情况"
    with pytest.raises(AlertActionError, match="已处理"):
        acknowledge(session, alert, actor=supervisor)


def test_analysts_and_agents_may_not_act(session, alert):
    for role in ("analyst", "agent"):
        with pytest.raises(AlertActionError, match="只有值班长"):
            acknowledge(session, alert, actor=staff(session, role))
    assert alert.status == "open"


def test_a_task_is_a_dispatched_ticket_linked_to_the_alert_and_its_tickets(session, alert):
    supervisor = staff(session, "supervisor")
    before = session.scalar(select(func.count()).select_from(Ticket))
    task = make_task(session, alert, actor=supervisor, form=task_form(session))
    session.commit()
    assert session.scalar(select(func.count()).select_from(Ticket)) == before + 1
    assert alert.status == "task" and alert.task_ticket_id == task.id
    assert task.status == "dispatched" and task.department.code == "YZQ_LX"
    assert task.created_by_id == supervisor.id and task.title.startswith("主动治理：迎泽区柳巷街道和平小区")
    assert "【未诉先办·主动治理】" in task.content and "请柳巷街道会同热力公司" in task.content
    evidence = [item for item in alert.evidence if item.ticket_id]
    notes = session.scalars(select(TicketEvent).where(TicketEvent.kind == "note")).all()
    assert {note.ticket_id for note in notes} == {item.ticket_id for item in evidence}
    assert all(task.number in note.note and not note.public for note in notes)
    numbers = session.scalars(select(Ticket.number).where(Ticket.id.in_([item.ticket_id for item in evidence])))
    assert all(number in task.content for number in numbers)
    assert task.channel == "proactive"  # the hotline's own: detection does not count it as one more citizen
    detect(session)
    assert session.scalar(select(InsightTicket).where(InsightTicket.ticket_id == task.id)) is None
    assert session.scalar(select(func.count()).select_from(Alert)) == 1


def test_a_task_with_bad_fields_says_what_is_wrong_and_writes_nothing(session, alert):
    supervisor = staff(session, "supervisor")
    before = session.scalar(select(func.count()).select_from(Ticket))
    with pytest.raises(AlertActionError) as refused:
        make_task(session, alert, actor=supervisor, form=task_form(session, department_id=None, contact_phone="12345",
                                                                   category="0101"))
    session.rollback()
    assert set(refused.value.errors) == {"department", "contact_phone", "category"}
    assert refused.value.errors["category"] == "“供热”下还有细分类，请选择最具体的一项"
    assert session.scalar(select(func.count()).select_from(Ticket)) == before
    assert session.get(Alert, alert.id).status == "open"
