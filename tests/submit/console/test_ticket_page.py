"""The ticket page (/staff/tickets/<number>): what the citizen gave, the history, notes, messages and
the forms each role is offered, through the test client."""
from __future__ import annotations

import re

from sqlalchemy import select

from submit.models import Ticket, TicketNotification
from tests.submit.console.conftest import BASE
from tests.submit.workflow_support import department

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def forms_offered(html: str) -> set[str]:
    """The actions whose forms the page shows."""
    return set(re.findall(r'name="action" value="(\w+)"', html))


def test_the_page_shows_everything_the_citizen_gave(desk):
    number, photo = desk.ticket_with_photo("received", latitude=37.8126, longitude=112.5781, location_label="学苑小区")
    html = desk.page(desk.client("agent"), number).get_data(as_text=True)
    assert "我家暖气片一直不热" in html and "小店区坞城路88号3单元502" in html and "学苑小区" in html
    assert "投诉" in html and "城乡建设 → 供热 → 暖气不热" in html and "张先生" in html
    osm = "https://www.openstreetmap.org/?mlat=37.812600&amp;mlon=112.578100#map=17/37.812600/112.578100"
    assert f'href="{osm}"' in html
    assert f'src="{BASE}/{number}/photos/{photo}"' in html
    assert "<script src" not in html  # no external scripts


def test_no_map_link_without_coordinates(desk):
    html = desk.page(desk.client("agent"), desk.ticket("received")).get_data(as_text=True)
    assert "openstreetmap" not in html


def test_photos_are_served_to_staff_who_may_see_the_ticket(desk):
    number, photo = desk.ticket_with_photo("dispatched")
    for role in ("agent", "handler", "analyst"):
        response = desk.client(role).get(f"{BASE}/{number}/photos/{photo}")
        assert response.status_code == 200 and response.data.startswith(b"\x89PNG"), role
        assert response.headers["Cache-Control"].startswith("private")
    other, other_photo = desk.ticket_with_photo("received")
    agent = desk.client("agent")
    assert agent.get(f"{BASE}/{number}/photos/{other_photo}").status_code == 404  # another ticket's photo
    assert agent.get(f"{BASE}/{number}/photos/999999").status_code == 404


def test_the_full_history_with_internal_events_reasons_and_deadline_changes(desk):
    number = desk.ticket("in_progress")
    desk.workflow(number, "request_extension", "handler", days=3, reason="需协调物业入户")
    desk.workflow(number, "decide_extension", "supervisor", approved=True)
    html = desk.page(desk.client("agent"), number).get_data(as_text=True)
    history = html[html.index('id="history"'):]
    for words in ("受理", "派单", "签收", "开始办理", "申请延期", "延期审批", "需协调物业入户", "申请延期 3 个工作日",
                  "同意延期 3 个工作日", "办理时限：", "主办：太原市热力集团有限责任公司", "内部", "市民可见"):
        assert words in history, words
    assert history.index("延期审批") < history.index("申请延期") < history.index("签收")  # newest first


def test_notes_are_internal_and_listed(desk):
    number = desk.ticket("dispatched")
    desk.workflow(number, "add_note", "agent", note="市民来电补充：三楼也不热")
    html = desk.page(desk.client("handler"), number).get_data(as_text=True)
    notes = html[html.index('id="notes"'):html.index('id="history"')]
    assert "市民来电补充：三楼也不热" in notes and "agent" in notes
    assert "note" in forms_offered(notes)  # the department may add one too


def test_messages_to_the_citizen_and_their_delivery(desk, fake_wechat):
    number = desk.ticket("dispatched")

    def fail_one(flow):
        row = flow.session.scalar(select(TicketNotification).join(Ticket).where(Ticket.number == number))
        row.status, row.error, row.attempts = "failed", "45015 超过 48 小时", 3
        flow.session.commit()
    desk.run(fail_one)
    html = desk.page(desk.client("agent"), number).get_data(as_text=True)
    section = html[html.index('id="notifications"'):]
    assert "已转交太原市热力集团有限责任公司办理" in section
    assert "发送失败" in section and "45015 超过 48 小时" in section and "尝试 3 次" in section


def test_each_role_is_offered_the_forms_of_its_allowed_actions(desk):
    received, dispatched = desk.ticket("received"), desk.ticket("dispatched")
    replied, follow_up = desk.ticket("replied"), desk.ticket("follow_up")
    agent, handler, supervisor = desk.client("agent"), desk.client("handler"), desk.client("supervisor")
    assert forms_offered(desk.page(agent, received).get_data(as_text=True)) == {
        "dispatch", "close", "merge", "mark_invalid", "note"}
    assert forms_offered(desk.page(handler, dispatched).get_data(as_text=True)) == {"accept", "return", "note"}
    assert forms_offered(desk.page(agent, dispatched).get_data(as_text=True)) == {"merge", "mark_invalid", "note"}
    assert "chase" in forms_offered(desk.page(supervisor, dispatched).get_data(as_text=True))
    assert forms_offered(desk.page(agent, replied).get_data(as_text=True)) >= {"approve", "send_back"}
    page = desk.page(agent, follow_up).get_data(as_text=True)
    assert {"follow_up_call", "close", "reopen"} <= forms_offered(page)
    assert 'id="follow-up"' in page and "是否联系上市民" in page and "满意度" in page
    assert "follow_up_call" not in forms_offered(desk.page(handler, follow_up).get_data(as_text=True))


def test_the_approve_form_starts_from_the_departments_reply(desk):
    number = desk.ticket("replied")
    html = desk.page(desk.client("agent"), number).get_data(as_text=True)
    form = html[html.index('id="form-approve"'):]
    assert "已安排维修人员上门，暖气已恢复正常，室温22度。</textarea>" in form[:form.index("</form>")]


def test_dispatch_preselects_the_categorys_department_and_lists_only_active_units(desk):
    number = desk.ticket("received")

    def retire(flow):
        department(flow.session, "SZJJ").active = False
        flow.session.commit()
        return department(flow.session, "RLJT").id, department(flow.session, "SZJJ").id
    heating, retired = desk.run(retire)
    html = desk.page(desk.client("agent"), number).get_data(as_text=True)
    form = html[html.index('id="form-dispatch"'):]
    form = form[:form.index("</form>")]
    assert f'<option value="{heating}" selected>' in form
    assert f'value="{retired}"' not in form


def test_citizen_text_renders_as_text(desk):
    number = desk.ticket("received", content=f"暖气不热已经一周了，请尽快处理。{HOSTILE}", address=HOSTILE,
                        name="张<b>三</b>")
    desk.workflow(number, "add_note", "agent", note=HOSTILE)
    html = desk.page(desk.client("agent"), number).get_data(as_text=True)
    assert HOSTILE not in html and "<b>三</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html and "张&lt;b&gt;三&lt;/b&gt;" in html
    queue = desk.client("agent").get(f"{BASE}/").get_data(as_text=True)
    assert "<b>三</b>" not in queue and "张&lt;b&gt;三&lt;/b&gt;" in queue


def test_unknown_number_is_404(desk):
    assert desk.client("agent").get(f"{BASE}/TY20990101000001").status_code == 404
