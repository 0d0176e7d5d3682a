"""我的工单 on H5 through the test client: only the citizen's own tickets, newest first, in plain
Chinese; another citizen's ticket and its photos are a 404 that says nothing."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.db import db, utcnow
from submit.fields import AttachmentIn
from submit.models import TicketEvent
from tests.submit.conftest import make
from tests.submit.h5_support import png, signed_in
from wechat.media import store_media


def add_event(session, ticket, *, to_status: str, note: str, public: bool, reason: str = "") -> None:
    ticket.events.append(TicketEvent(kind="test", actor_kind="staff", from_status=ticket.status,
                                     to_status=to_status, note=note, public=public, reason=reason))
    ticket.status = to_status
    session.commit()


@pytest.fixture
def two_citizens(submit_app):
    """o-citizen-a has two tickets (one with a photo); o-citizen-b has one."""
    with submit_app.app_context():
        photo = AttachmentIn.from_stored(store_media(png(rgb=(9, 9, 9)), "image/png"), original_name="门口.png")
        now = utcnow()
        older = make(db.session, "a-1", title="路灯不亮", received_at=now - timedelta(days=2))
        newer = make(db.session, "a-2", title="楼道<script>堆物</script>", attachments=(photo,), received_at=now,
                     content="楼道里堆满杂物 <img src=x onerror=alert(1)> 存在消防隐患，请物业清理。")
        foreign = make(db.session, "b-1", openid="o-citizen-b", title="邻居的工单", received_at=now)
        add_event(db.session, older, to_status="dispatched", note="已转交小店区城管局办理", public=True)
        add_event(db.session, older, to_status="dispatched", note="内部：催办一次", public=False,
                  reason="承办单位超时未签收")
        return {"older": older.number, "newer": newer.number, "foreign": foreign.number,
                "photo": newer.attachments[0].id}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_my_tickets_need_an_identified_citizen(submit_app, two_citizens):
    client = submit_app.test_client()
    for path in ("/h5/tickets/", f"/h5/tickets/{two_citizens['newer']}",
                 f"/h5/tickets/{two_citizens['newer']}/photos/{two_citizens['photo']}"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/wechat/h5/dev-login?next=")


def test_the_list_shows_only_my_tickets_newest_first_with_status_in_chinese(submit_app, two_citizens):
    html = text(signed_in(submit_app, "o-citizen-a").get("/h5/tickets/"))
    numbers = re.findall(r'href="/h5/tickets/([A-Z]+\d+)"', html)
    assert numbers == [two_citizens["newer"], two_citizens["older"]]
    assert "邻居的工单" not in html and two_citizens["foreign"] not in html
    assert "已转交承办单位" in html and "已受理" in html  # workflow.yaml public names, not codes
    assert "dispatched" not in html and "楼道&lt;script&gt;堆物&lt;/script&gt;" in html
    other = text(signed_in(submit_app, "o-citizen-b").get("/h5/tickets/"))
    assert re.findall(r'href="/h5/tickets/([A-Z]+\d+)"', other) == [two_citizens["foreign"]]


def test_an_openid_parameter_changes_nothing(submit_app, two_citizens):
    html = text(signed_in(submit_app, "o-citizen-b").get("/h5/tickets/?openid=o-citizen-a"))
    assert two_citizens["newer"] not in html and two_citizens["foreign"] in html


def test_many_tickets_come_in_pages(submit_app):
    with submit_app.app_context():
        now = utcnow()
        numbers = [make(db.session, f"k-{index}", received_at=now - timedelta(hours=index)).number
                   for index in range(12)]
    client = signed_in(submit_app, "o-citizen-a")
    first = text(client.get("/h5/tickets/"))
    assert re.findall(r'href="/h5/tickets/([A-Z]+\d+)"', first) == numbers[:10]
    assert 'href="/h5/tickets/?page=2"' in first
    second = text(client.get("/h5/tickets/?page=2"))
    assert re.findall(r'href="/h5/tickets/([A-Z]+\d+)"', second) == numbers[10:]
    assert "更多" not in second and 'href="/h5/tickets/?page=1"' in second
    assert client.get("/h5/tickets/?page=-1").status_code == 200
    assert "没有更多工单" in text(client.get("/h5/tickets/?page=9"))


def test_my_ticket_shows_content_place_photo_deadline_and_the_public_history(submit_app, two_citizens):
    client = signed_in(submit_app, "o-citizen-a")
    html = text(client.get(f"/h5/tickets/{two_citizens['newer']}"))
    assert "楼道里堆满杂物 &lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert "小店区坞城路88号3单元502" in html and "办理时限" in html
    photo_url = f"/h5/tickets/{two_citizens['newer']}/photos/{two_citizens['photo']}"
    assert f'src="{photo_url}"' in html
    photo = client.get(photo_url)
    assert photo.status_code == 200 and photo.data == png(rgb=(9, 9, 9)) and photo.mimetype == "image/png"
    assert "private" in photo.headers["Cache-Control"] and photo.headers["X-Content-Type-Options"] == "nosniff"
    older = text(client.get(f"/h5/tickets/{two_citizens['older'].lower()}"))
    assert "已转交小店区城管局办理" in older
    assert older.count("已转交承办单位") == 2  # the status, and the one public step (the internal one is left out)
    assert "催办" not in older and "超时未签收" not in older
    assert older.index("已转交承办单位") < older.index("已受理")  # newest first


def page_of(client, path: str):
    response = client.get(path)
    body = re.sub(r"请求编号 [\w-]+", "", text(response))
    return response.status_code, body


def test_a_foreign_ticket_and_its_photo_are_the_same_404_as_nothing(submit_app, two_citizens):
    stranger = signed_in(submit_app, "o-citizen-b")
    newer, photo = two_citizens["newer"], two_citizens["photo"]
    foreign_page = page_of(stranger, f"/h5/tickets/{newer}")
    missing_page = page_of(stranger, "/h5/tickets/TY20000101999999")
    assert foreign_page[0] == 404 and foreign_page == missing_page
    assert "楼道" not in foreign_page[1] and newer not in foreign_page[1]
    foreign_photo = page_of(stranger, f"/h5/tickets/{newer}/photos/{photo}")
    assert foreign_photo == page_of(stranger, f"/h5/tickets/TY20000101999999/photos/{photo}")
    assert foreign_photo[0] == 404 and "PNG" not in foreign_photo[1]
    owner = signed_in(submit_app, "o-citizen-a")
    assert owner.get(f"/h5/tickets/{two_citizens['older']}/photos/{photo}").status_code == 404  # not that ticket's
    assert owner.get(f"/h5/tickets/{newer}/photos/{photo}").status_code == 200
