"""微受理 H5 form through the test client on a real SQLite file: identity, validation with input kept,
photos checked by their bytes, one ticket per form however often it is sent, CSRF."""
from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.dates import china_date
from core.db import db
from submit.models import Ticket
from tests.submit.conftest import make
from tests.submit.h5_support import form_fields, good_fields, png, signed_in
from wechat.media import MAX_MEDIA_BYTES

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


def ticket_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ticket))


def stored_files(app) -> list[Path]:
    root = Path(app.config["DATA_DIR"]) / "media"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def open_form(client, query: str = "") -> str:
    response = client.get("/h5/submit/" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def send(client, html: str, files=(), **fields):
    data = {**form_fields(html), **good_fields(**fields)}
    if files:
        data["photos"] = [(BytesIO(body), name, kind) for body, name, kind in files]
    return client.post("/h5/submit/", data=data, content_type="multipart/form-data")


def error_beside(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', html)
    return match.group(1) if match else ""


@pytest.fixture
def citizen(submit_app):
    return signed_in(submit_app, "o-citizen-a")


def test_the_form_needs_an_identified_citizen(submit_app):
    client = submit_app.test_client()
    response = client.get("/h5/submit/?type=help")
    assert response.status_code == 302
    assert response.headers["Location"] == "/wechat/h5/dev-login?next=/h5/submit/?type%3Dhelp"
    response = client.post("/h5/submit/", data=good_fields())
    assert response.status_code == 302 and "dev-login" in response.headers["Location"]
    assert ticket_count(submit_app) == 0


def test_the_form_offers_six_types_preselects_one_and_lists_only_leaves(citizen):
    html = open_form(citizen, "?type=report")
    types = re.findall(r'<option value="([a-z]+)"( selected)?>', html)
    assert [code for code, _ in types] == ["enquiry", "help", "complaint", "report", "suggestion", "praise"]
    assert [code for code, selected in types if selected] == ["report"]
    assert '<optgroup label="城乡建设">' in html and '<option value="010101">供热 · 暖气不热</option>' in html
    assert 'value="0101"' not in html  # 供热 has children: not a choice
    assert form_fields(html)["key"] != form_fields(open_form(citizen))["key"]  # a fresh key per form


def test_name_and_phone_of_the_last_ticket_are_offered(submit_app, citizen):
    assert 'value="13912345678"' not in open_form(citizen)
    with submit_app.app_context():
        make(db.session, "earlier", openid="o-citizen-a", name="李女士", phone="139 1234 5678")
    html = open_form(citizen)
    assert 'value="李女士"' in html and 'value="13912345678"' in html and "上次使用" in html


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"request_type": ""}, "request_type", "请选择诉求类型"),
    ({"category": ""}, "category", "请选择诉求分类"),
    ({"category": "0101"}, "category", "“供热”下还有细分类"),
    ({"content": "暖气不热 <b>"}, "content", "至少 10 个字"),
    ({"address": ""}, "address", "请填写事发地址"),
    ({"name": ""}, "name", "请填写姓名"),
    ({"phone": "12345"}, "phone", "请填写正确的手机号码"),
])
def test_each_field_error_is_shown_beside_it_and_the_input_is_kept(submit_app, citizen, fields, field, message):
    typed = good_fields(**fields)
    response = send(citizen, open_form(citizen), confidential="y", **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in error_beside(html, field)
    assert [name for name in ("request_type", "category", "content", "address", "name", "phone")
            if error_beside(html, name)] == [field]
    assert f'<option value="{typed["request_type"]}" selected>' in html or not typed["request_type"]
    for name in ("address", "name", "phone"):
        assert f'value="{typed[name]}"' in html
    assert (typed["content"].replace("<", "&lt;").replace(">", "&gt;") + "</textarea>") in html
    assert re.search(r'name="confidential" value="y" checked', html)
    assert ticket_count(submit_app) == 0


def test_the_address_is_optional_for_a_suggestion(submit_app, citizen):
    assert '<option value="9901">其他</option>' in open_form(citizen)  # a leaf right under its class
    response = send(citizen, open_form(citizen), request_type="suggestion", category="9901", address="",
                    content="建议在坞城路公交站增加遮雨棚，方便雨天候车的市民。")
    assert response.status_code == 302
    assert ticket_count(submit_app) == 1


def test_a_good_submission_makes_an_h5_ticket_and_shows_its_number_and_deadline(submit_app, citizen):
    response = send(citizen, open_form(citizen), files=[(png(), "现场.png", "image/png")], confidential="y")
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[1]
    with submit_app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert (ticket.number, ticket.channel, ticket.citizen_openid) == (number, "h5", "o-citizen-a")
        assert ticket.confidential and ticket.phone == "13812345678" and ticket.category.code == "010101"
        assert [(a.content_type, a.original_name) for a in ticket.attachments] == [("image/png", "现场.png")]
        deadline = ticket.deadline_at
    html = citizen.get(response.headers["Location"]).get_data(as_text=True)
    day = china_date(deadline)
    assert number in html and f"{day.year}年{day.month}月{day.day}日" in html
    assert f'href="/h5/tickets/{number}"' in html and 'href="/h5/tickets/"' in html


def test_sending_the_same_form_again_makes_no_second_ticket(submit_app, citizen):
    html = open_form(citizen)
    first = send(citizen, html)
    again = send(citizen, html, content="改了内容再点一次提交，仍然是同一张表单，不应再生成工单。")
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert ticket_count(submit_app) == 1
    another = send(citizen, open_form(citizen), content="楼道的灯坏了一个多月，晚上上下楼看不见，请物业尽快修好。")
    assert another.headers["Location"] != first.headers["Location"]  # a new form (the same words: test_guards)
    assert ticket_count(submit_app) == 2


def test_the_result_page_of_another_citizens_ticket_is_404(submit_app, citizen):
    number = send(citizen, open_form(citizen)).headers["Location"].rsplit("/", 1)[1]
    other = signed_in(submit_app, "o-citizen-b")
    assert other.get(f"/h5/submit/done/{number}").status_code == 404
    assert citizen.get(f"/h5/submit/done/{number}").status_code == 200


@pytest.mark.parametrize(("body", "name", "kind", "message"), [
    (b"just some text, not a picture " * 10, "photo.jpg", "image/jpeg", "不是图片"),
    (JPEG_HEAD + bytes(MAX_MEDIA_BYTES + 1 - len(JPEG_HEAD)), "big.jpg", "image/jpeg", "超过 10MB"),
    (b"", "empty.jpg", "image/jpeg", "是空文件"),
])
def test_a_file_that_is_not_an_acceptable_image_is_refused(submit_app, citizen, body, name, kind, message):
    response = send(citizen, open_form(citizen), files=[(body, name, kind)])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"“{name}”" in error_beside(html, "photos") and message in error_beside(html, "photos")
    assert ticket_count(submit_app) == 0 and stored_files(submit_app) == []


def test_exactly_ten_megabytes_is_accepted(submit_app, citizen):
    body = JPEG_HEAD + bytes(MAX_MEDIA_BYTES - len(JPEG_HEAD))
    assert send(citizen, open_form(citizen), files=[(body, "limit.jpg", "image/jpeg")]).status_code == 302
    assert ticket_count(submit_app) == 1


def test_ten_photos_are_refused_nine_are_kept_for_the_next_try(submit_app, citizen):
    html = open_form(citizen)
    files = [(png(rgb=(index, 0, 0)), f"p{index}.png", "image/png") for index in range(10)]
    response = send(citizen, html, files=files)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "最多 9 张图片" in error_beside(page, "photos")
    assert ticket_count(submit_app) == 0
    kept = re.findall(r'name="keep" value="([0-9a-f]{64})" checked', page)
    assert len(kept) == 9
    data = {**form_fields(page), **good_fields(), "keep": kept}
    assert citizen.post("/h5/submit/", data=data).status_code == 302
    with submit_app.app_context():
        assert len(db.session.scalar(select(Ticket)).attachments) == 9


def test_photos_are_kept_when_another_field_is_wrong_and_shown_only_to_this_session(submit_app, citizen):
    image = png(rgb=(1, 2, 3))
    response = send(citizen, open_form(citizen), files=[(image, "a.png", "image/png")], phone="123")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and error_beside(page, "phone")
    thumbnail = re.search(r'src="(/h5/submit/photos/[^"]+)"', page).group(1)
    shown = citizen.get(thumbnail)
    assert shown.status_code == 200 and shown.data == image and shown.mimetype == "image/png"
    assert signed_in(submit_app, "o-citizen-b").get(thumbnail).status_code == 404
    assert submit_app.test_client().get(thumbnail).status_code == 302  # not identified: sign in first
    # Unticked, it is left out; ticked, it goes with the ticket.
    assert send(citizen, page).status_code == 302
    with submit_app.app_context():
        assert db.session.scalar(select(Ticket)).attachments == []
    page = send(citizen, open_form(citizen), files=[(image, "a.png", "image/png")], phone="123").get_data(as_text=True)
    sha = re.search(r'name="keep" value="([0-9a-f]{64})"', page).group(1)
    second = good_fields(content="另一件事：楼道的灯坏了一个多月，晚上上下楼看不见，请物业尽快修好。")
    assert citizen.post("/h5/submit/", data={**form_fields(page), **second, "keep": sha}).status_code == 302
    with submit_app.app_context():
        newest = db.session.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
        assert [a.sha256 for a in newest.attachments] == [sha]


def test_without_the_csrf_token_nothing_is_made_and_the_input_is_kept(submit_app, citizen):
    html = open_form(citizen)
    data = {**good_fields(), "key": form_fields(html)["key"]}
    response = citizen.post("/h5/submit/", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "页面已过期" in page
    assert good_fields()["content"] in page and 'value="张先生"' in page
    assert ticket_count(submit_app) == 0
    data["csrf_token"] = "forged"
    assert citizen.post("/h5/submit/", data=data).status_code == 400
    assert citizen.post("/h5/submit/", data={**data, **form_fields(page)}).status_code == 302  # the fresh token
    assert ticket_count(submit_app) == 1


def test_a_missing_or_tampered_key_makes_nothing_and_issues_a_new_one(submit_app, citizen):
    html = open_form(citizen)
    for key in ("", "x" * 200, "../../etc"):
        response = citizen.post("/h5/submit/", data={**form_fields(html), **good_fields(), "key": key})
        assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
        assert form_fields(response.get_data(as_text=True))["key"] not in ("", key)
    assert ticket_count(submit_app) == 0


def test_the_longest_openid_and_key_still_make_a_ticket(submit_app):
    client = signed_in(submit_app, "o" * 64)
    html = open_form(client)
    response = client.post("/h5/submit/", data={**form_fields(html), **good_fields(), "key": "k" * 32})
    assert response.status_code == 302 and ticket_count(submit_app) == 1


def test_photos_sent_with_a_stale_page_are_not_stored_and_the_citizen_is_told(submit_app, citizen):
    html = open_form(citizen)
    data = {**good_fields(), "key": form_fields(html)["key"], "csrf_token": "stale",
            "photos": [(BytesIO(png()), "a.png", "image/png")]}
    response = citizen.post("/h5/submit/", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "请重新选择" in error_beside(page, "photos")
    assert stored_files(submit_app) == [] and ticket_count(submit_app) == 0
