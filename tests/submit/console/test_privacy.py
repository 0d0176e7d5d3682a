"""Privacy on the console (issue 6, item 4): a department sees only its own tickets (anything else is a
404 that gives nothing away), a confidential ticket's citizen is hidden from departments, analysts see
masked data and act on nothing, and every view of a citizen's full phone is recorded."""
from __future__ import annotations

import re

from core.privacy import mask_phone
from submit.console.privacy import mask_name
from submit.models import TicketEvent
from submit.service import public_history
from tests.submit.console.conftest import BASE, listed

PHONE = "13812345678"
MASKED = "138****5678"
NO_WATER = "家里停水两天了，也没有任何通知，请尽快恢复供水。"


def foreign_ticket(desk) -> tuple[str, int]:
    """A water ticket dispatched to GSJT, with a photo: not the handler's (RLJT)."""
    number, photo = desk.ticket_with_photo("received", category="020101", content=NO_WATER)
    desk.workflow(number, "dispatch", "agent", department="GSJT")
    return number, photo


def without_request_id(response) -> str:
    return re.sub(r"请求编号 \w+", "", response.get_data(as_text=True))


def test_mask_phone_and_name():
    assert mask_phone(PHONE) == MASKED and mask_phone("03512345678") == "035****5678" and mask_phone("123") == "****"
    assert mask_name("张先生") == "张**" and mask_name("李") == "李*" and mask_name("") == ""


def test_a_handler_reaching_another_departments_ticket_gets_404_and_nothing_leaks(desk):
    number, photo = foreign_ticket(desk)
    handler = desk.client("handler")
    missing = without_request_id(handler.get(f"{BASE}/TY20990101000001"))
    page = handler.get(f"{BASE}/{number}")
    assert page.status_code == 404 and without_request_id(page) == missing  # the same as no such ticket
    assert "停水" not in page.get_data(as_text=True)
    assert handler.get(f"{BASE}/{number}/photos/{photo}").status_code == 404
    before = desk.kinds(number)
    token = desk.token(handler)
    for path, data in ((f"{BASE}/{number}/act", {"action": "accept", "revision": "2"}),
                       (f"{BASE}/{number}/act", {"action": "note", "note": "看看"}),
                       (f"{BASE}/{number}/contact", {})):
        response = handler.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 404, path
        assert "停水" not in response.get_data(as_text=True)
    assert desk.kinds(number) == before and desk.status(number) == "dispatched"
    assert number not in listed(handler.get(f"{BASE}/", query_string={"tab": "all", "q": number}).get_data(
        as_text=True))


def test_a_confidential_ticket_hides_the_citizen_from_the_department(desk):
    number = desk.ticket("dispatched", confidential=True, phone=PHONE, name="王秘密")
    handler = desk.client("handler")
    html = desk.page(handler, number).get_data(as_text=True)
    contact = html[html.index('id="contact"'):html.index("</section>", html.index('id="contact"'))]
    assert "保密" in contact and "王秘密" not in html and PHONE not in html and MASKED not in html
    assert "显示号码" not in html
    reveal = handler.post(f"{BASE}/{number}/contact", data={"csrf_token": desk.token(handler)})
    assert reveal.status_code == 403 and PHONE not in reveal.get_data(as_text=True)
    queue = handler.get(f"{BASE}/", query_string={"tab": "all"}).get_data(as_text=True)
    assert number in queue and "王秘密" not in queue and MASKED not in queue
    # …nor can the department find out who sent it by trying phone numbers:
    assert listed(handler.get(f"{BASE}/", query_string={"tab": "all", "q": PHONE}).get_data(as_text=True)) == []
    agent_page = desk.page(desk.client("agent"), number).get_data(as_text=True)
    assert "王秘密" in agent_page and MASKED in agent_page  # the hotline still sees who it is


def test_analysts_see_masked_data_everywhere_and_no_forms(desk):
    number = desk.ticket("dispatched", phone=PHONE, name="赵大妈")
    analyst = desk.client("analyst")
    html = desk.page(analyst, number).get_data(as_text=True)
    assert MASKED in html and PHONE not in html and "赵大妈" not in html and "赵**" in html
    assert 'name="action"' not in html and "显示号码" not in html
    queue = analyst.get(f"{BASE}/", query_string={"tab": "all"}).get_data(as_text=True)
    assert MASKED in queue and PHONE not in queue and "赵大妈" not in queue
    token = desk.token(analyst)
    assert analyst.post(f"{BASE}/{number}/contact", data={"csrf_token": token}).status_code == 403
    assert desk.kinds(number)[-1] == "dispatched"


def test_the_phone_is_masked_until_shown_and_every_view_is_recorded(desk):
    number = desk.ticket("dispatched", phone=PHONE)
    for role in ("agent", "handler"):
        client = desk.client(role)
        html = desk.page(client, number).get_data(as_text=True)
        assert MASKED in html and PHONE not in html and "显示号码" in html
        queue = client.get(f"{BASE}/", query_string={"tab": "all"}).get_data(as_text=True)
        assert MASKED in queue and PHONE not in queue
        revision = desk.read(number, lambda ticket: ticket.revision)
        shown = client.post(f"{BASE}/{number}/contact", data={"csrf_token": desk.token(client)})
        assert shown.status_code == 200 and PHONE in shown.get_data(as_text=True)
        assert desk.read(number, lambda ticket: ticket.revision) == revision  # nobody's form goes stale
    views = desk.read(number, lambda ticket: [(event.actor_staff.username, event.public, event.data)
                                              for event in ticket.events if event.kind == "contact_viewed"])
    assert views == [("agent", False, {"field": "phone"}), ("handler", False, {"field": "phone"})]
    assert desk.read(number, lambda ticket: all(item.kind != "contact_viewed" for item in public_history(ticket)))
    page = desk.page(desk.client("supervisor"), number).get_data(as_text=True)
    audit = page[page.index('id="contact-views"'):]
    assert "agent" in audit and "handler" in audit
    assert PHONE not in page  # seeing who looked does not show the number


def test_a_view_is_recorded_before_the_number_is_shown(desk, monkeypatch):
    """If recording fails, the number is not shown."""
    number = desk.ticket("received", phone=PHONE)
    agent = desk.client("agent")
    token = desk.token(agent)

    def broken(*args, **kwargs):
        raise RuntimeError("database unavailable")
    monkeypatch.setattr("submit.console.ticket.reveal_phone", broken)
    response = agent.post(f"{BASE}/{number}/contact", data={"csrf_token": token})
    assert response.status_code == 500 and PHONE not in response.get_data(as_text=True)
    assert desk.run(lambda flow: flow.session.query(TicketEvent).filter_by(kind="contact_viewed").count()) == 0


def test_a_department_sees_its_tickets_only_once_the_hotline_dispatched_them(desk):
    waiting = desk.ticket()  # heating, so RLJT by its category, but still the hotline's to dispatch
    handler = desk.client("handler")
    assert handler.get(f"{BASE}/{waiting}").status_code == 404
    assert waiting not in listed(handler.get(f"{BASE}/", query_string={"tab": "all"}).get_data(as_text=True))
    desk.workflow(waiting, "dispatch", "agent", department="RLJT")
    assert handler.get(f"{BASE}/{waiting}").status_code == 200
    assert waiting in listed(handler.get(f"{BASE}/", query_string={"tab": "all"}).get_data(as_text=True))
