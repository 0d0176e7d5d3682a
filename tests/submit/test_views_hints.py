"""The form's hints (emergency advice, likely categories) and the emergency advice the server shows
itself on the form and the result page, through the test client."""
from __future__ import annotations

import re

import pytest

from tests.submit.h5_support import form_fields, good_fields, signed_in

FIRE = "楼道里着火了，冒浓烟，有人被困在五楼，物业电话打不通！"
GAS = "单元门口一直闻到煤气味，好几天了，担心出事，请燃气公司来查一下管道。"


@pytest.fixture
def citizen(submit_app):
    return signed_in(submit_app, "o-citizen-a")


def hints(client, text: str, *, token: str | None = None):
    html = client.get("/h5/submit/").get_data(as_text=True)
    headers = {"X-CSRFToken": token if token is not None else form_fields(html)["csrf_token"]}
    return client.post("/h5/submit/hints", data={"content": text}, headers=headers)


def warning(html: str) -> str | None:
    """The text of the emergency box, or None when it is hidden."""
    match = re.search(r'id="emergency-warning" role="alert"( hidden)?>([^<]*)<', html)
    return None if match is None or match.group(1) else match.group(2)


def test_a_description_gets_its_likely_categories(citizen):
    response = hints(citizen, "家里暖气片一点都不热，室温只有十二度")
    assert response.status_code == 200
    data = response.get_json()
    assert data["emergency"] is None
    assert {"code": "010101", "label": "供热 · 暖气不热"} in data["categories"] and len(data["categories"]) <= 3


def test_an_emergency_gets_whom_to_call(citizen):
    data = hints(citizen, FIRE).get_json()
    assert "119" in data["emergency"] and "120" not in data["emergency"]
    assert "燃气" in hints(citizen, GAS).get_json()["emergency"]


def test_too_little_text_gets_no_hints(citizen):
    assert hints(citizen, "暖气 ").get_json() == {"emergency": None, "categories": []}


def test_hints_need_the_csrf_token_and_an_identified_citizen(submit_app, citizen):
    assert hints(citizen, FIRE, token="forged").status_code == 400
    response = submit_app.test_client().post("/h5/submit/hints", data={"content": FIRE})
    assert response.status_code in (302, 400) and not response.is_json


def test_the_form_shown_again_carries_the_advice_beside_the_content(citizen):
    html = citizen.get("/h5/submit/").get_data(as_text=True)
    assert warning(html) is None
    response = citizen.post("/h5/submit/", data={**form_fields(html), **good_fields(content=FIRE, name="")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "119" in warning(page)
    assert page.index('id="content"') < page.index('id="emergency-warning"') < page.index('id="category"')


def test_the_result_page_shows_the_advice_when_the_content_names_an_emergency(citizen):
    html = citizen.get("/h5/submit/").get_data(as_text=True)
    done = citizen.post("/h5/submit/", data={**form_fields(html), **good_fields(content=GAS)})
    assert done.status_code == 302
    page = citizen.get(done.headers["Location"]).get_data(as_text=True)
    assert "燃气" in warning(page) and "不要开关电器" in page
    quiet = citizen.get("/h5/submit/").get_data(as_text=True)
    done = citizen.post("/h5/submit/", data={**form_fields(quiet), **good_fields()})
    assert warning(citizen.get(done.headers["Location"]).get_data(as_text=True)) is None
