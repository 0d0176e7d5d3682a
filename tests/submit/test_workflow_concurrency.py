"""Two people acting on one ticket at once: one wins, the other is told clearly, the state is never
mixed — on SQLite and on PostgreSQL."""
import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import db
from staff.models import StaffUser
from submit import workflow as wf
from submit.models import Ticket, TicketEvent
from tests.submit import workflow_support as support
from tests.submit.conftest import run_in_threads
from tests.submit.workflow_support import department

fake_wechat, wf_any_app = support.fake_wechat, support.wf_any_app


def _prepared(app, status: str = "received") -> tuple[int, dict[str, int]]:
    with app.app_context():
        flow = support.Flow(db.session)
        ticket = flow.at(status)
        staff = {"agent": flow.people.agent.id, "supervisor": flow.people.supervisor.id,
                 "handler": flow.people.handler.id}
        ticket_id = ticket.id
        db.session.remove()
    return ticket_id, staff


def _events(app, ticket_id: int, kind: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(TicketEvent)
                                 .where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind == kind))


def test_two_agents_dispatching_in_two_sessions_one_wins(wf_any_app):
    ticket_id, staff = _prepared(wf_any_app)
    with wf_any_app.app_context():
        first, second = Session(db.engine), Session(db.engine)
        mine, theirs = first.get(Ticket, ticket_id), second.get(Ticket, ticket_id)  # both see 受理
        wf.dispatch(first, mine, actor=first.get(StaffUser, staff["agent"]),
                    department=department(first, "SZJJ"))
        first.commit()
        try:
            wf.dispatch(second, theirs, actor=second.get(StaffUser, staff["supervisor"]),
                        department=department(second, "SCXGLJ"))
            raise AssertionError("the second dispatch went through")
        except wf.ConcurrentChange as lost:
            assert "刚刚已被其他人处理" in str(lost) and lost.number == mine.number
        assert not second.dirty and not second.new  # rolled back: nothing of the lost dispatch is left to write
        second.commit()  # the caller may go on with the session
        first.close(), second.close()
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.department.code == "SZJJ" and ticket.revision == 2
    assert _events(wf_any_app, ticket_id, "dispatched") == 1


def test_two_agents_dispatching_at_the_same_moment_one_wins(wf_any_app):
    ticket_id, staff = _prepared(wf_any_app)
    loaded = threading.Barrier(2)

    def act(index: int) -> str:
        ticket = db.session.get(Ticket, ticket_id)
        actor = db.session.get(StaffUser, staff[("agent", "supervisor")[index]])
        unit = department(db.session, ("SZJJ", "SCXGLJ")[index])
        loaded.wait()  # both have read the ticket in 受理 before either writes
        try:
            wf.dispatch(db.session, ticket, actor=actor, department=unit)
            db.session.commit()
            return unit.code
        except (wf.ConcurrentChange, wf.TransitionNotAllowed) as lost:
            return f"lost: {lost}"

    results = run_in_threads(wf_any_app, 2, act)
    winners = [result for result in results if not result.startswith("lost")]
    assert len(winners) == 1, results
    assert "刚刚已被其他人处理" in next(result for result in results if result.startswith("lost"))
    with wf_any_app.app_context():
        assert db.session.get(Ticket, ticket_id).department.code == winners[0]
    assert _events(wf_any_app, ticket_id, "dispatched") == 1


def test_two_tickets_merged_into_each_other_at_once_one_merge_wins(wf_any_app):
    first_id, staff = _prepared(wf_any_app)
    second_id, _ = _prepared(wf_any_app)
    with wf_any_app.app_context():
        one, two = Session(db.engine), Session(db.engine)
        a_in_one, b_in_one = one.get(Ticket, first_id), one.get(Ticket, second_id)
        a_in_two, b_in_two = two.get(Ticket, first_id), two.get(Ticket, second_id)
        wf.merge(one, a_in_one, actor=one.get(StaffUser, staff["agent"]), into=b_in_one)
        one.commit()
        try:
            wf.merge(two, b_in_two, actor=two.get(StaffUser, staff["supervisor"]), into=a_in_two)
            raise AssertionError("both merges went through: each ticket merged into the other")
        except wf.ConcurrentChange:
            pass
        one.close(), two.close()
        statuses = {db.session.get(Ticket, ticket_id).status for ticket_id in (first_id, second_id)}
        assert statuses == {"merged", "received"}
