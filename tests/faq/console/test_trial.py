"""试问: the draft index beside the live one, through the real app (lexical engines: fast, deterministic)."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from markupsafe import escape

from core.db import db
from faq.console.trial_engines import EXTENSION, new_draft_index
from faq.console.trial_links import edit_url
from faq.service import create_entry, update_entry
from query.options import EngineConfig, Thresholds
from query.web.answers import KnowledgeBase
from tests.faq.conftest import entry_fields, published_entry
from tests.faq.test_draft_index import HeldEncoder

URL = "/staff/faq/trial"
# Lexical scores with thresholds that let each outcome happen (the calibrated lexical ones never answer).
THRESHOLDS = Thresholds(answer=0.7, margin=0.1, choices=0.3)
LEXICAL = EngineConfig(use_encoder=False, thresholds=THRESHOLDS)


class LexicalKnowledgeBase(KnowledgeBase):
    """The live knowledge base without the sentence encoder (its loading is not what these tests are about)."""

    def _load(self):
        entries, config = super()._load()
        return entries, replace(config, use_encoder=False, thresholds=THRESHOLDS)


@pytest.fixture
def engines(kb_app):
    """Call after creating entries: installs lexical draft and live indexes; waits for their threads after."""
    installed = []

    def install():
        kb_app.extensions["knowledge_base"] = LexicalKnowledgeBase(kb_app)
        kb_app.extensions[EXTENSION] = new_draft_index(kb_app, LEXICAL)
        installed.extend([kb_app.extensions["knowledge_base"], kb_app.extensions[EXTENSION]])

    yield install
    for index in installed:
        index.live.wait(10)


@pytest.fixture
def base(kb_app):
    """Published: heating, 医保卡 and 社保卡 replacement; draft only: charging piles. (Made in an app
    context of their own: a request inside the test's context would share its session and `g`.)"""
    with kb_app.app_context():
        return _base(db.session)


def _base(session) -> dict[str, int]:
    heating = published_entry(session)
    medical = published_entry(session, key="medical-card", question="医保卡丢了怎么补办",
                              similar=["医保卡掉了去哪补"], keywords=["医保卡"])
    social = published_entry(session, key="social-card", question="社保卡丢了怎么补办",
                             similar=["社保卡掉了去哪补"], keywords=["社保卡"])
    charging = create_entry(session, entry_fields(key="charging", question="电动汽车充电桩如何报装",
                                                  similar=["小区装充电桩去哪申请"], keywords=["充电桩"]))
    session.commit()
    return {"heating": heating.id, "medical": medical.id, "social": social.id, "charging": charging.id}


def ask(client, question, **params):
    response = client.get(URL, query_string={"q": question, **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def edit_link(app, entry_id: int) -> str:
    with app.test_request_context():
        return edit_url(entry_id)


def outcomes(page: str) -> list[str]:
    """The outcome labels of the two cards: [draft, live]."""
    return re.findall(r'<p class="outcome outcome-(\w+)">', page)


def test_a_confident_answer_with_its_scores_and_matched_variant(kb_app, editor, base, engines):
    engines()
    page = ask(editor, "暖气片不热咋整")
    assert outcomes(page) == ["answer", "answer"]
    assert "直接回答" in page and "所以直接回答" in page
    assert f'href="{edit_link(kb_app, base["heating"])}"' in page
    assert "相似问法 #1" in page and "<mark>暖气片不热咋整</mark>" in page
    fused = re.findall(r"<td class=\"num\"><strong>([0-9.]+)</strong></td>", page)
    assert len(fused) >= 1 and float(fused[0]) >= THRESHOLDS.answer
    assert "≥ 0.700" in page and "≥ 0.300" in page  # the thresholds that decided it
    assert '<span class="badge published">已发布</span>' in page
    assert "综合分是各项的加权平均：词 ×1.0、字 ×0.1、字面 ×0.5" in page


def test_close_entries_give_choices(editor, base, engines):
    engines()
    page = ask(editor, "卡丢了怎么补办")
    assert outcomes(page) == ["choices", "choices"]
    assert "您是不是想问" in page
    shown = re.findall(r'<tr class="shown">', page)
    assert len(shown) >= 2


def test_an_unrelated_question_gets_no_answer(editor, base, engines):
    engines()
    page = ask(editor, "办个卡")
    assert outcomes(page) == ["none", "none"]
    assert "无法回答" in page and "未达候选阈值 0.300" in page
    assert '<tr class="shown">' not in page and "<td>1</td>" in page  # candidates listed, none offered
    assert "没有任何条目的问法" in ask(editor, "明天会下雪吗")


def test_a_draft_only_entry_is_found_by_the_draft_index_only(kb_app, editor, base, engines):
    engines()
    page = ask(editor, "电动汽车充电桩如何报装")
    assert outcomes(page) == ["answer", "none"]
    assert '<span class="badge draft">草稿</span>' in page
    live = ask(editor, "电动汽车充电桩如何报装", side="live")
    assert f'href="{edit_link(kb_app, base["charging"])}"' in live.split("线上的候选")[0]  # the draft card
    assert f'href="{edit_link(kb_app, base["charging"])}"' not in live.split("线上（市民现在得到的）")[1]


def test_an_edit_in_place_reaches_the_draft_index_at_once(kb_app, editor, base, engines):
    engines()
    question = "车位安个充电桩行不行"
    assert f"<mark>{question}</mark>" not in ask(editor, question)
    with kb_app.app_context():
        update_entry(db.session, base["charging"], {"similar": [question]})  # the same row, a new text
        db.session.commit()
    page = ask(editor, question)
    assert f'<span class="variant">相似问法 #1</span>\n      <span class="matched"><mark>{question}</mark>' in page
    assert outcomes(page)[0] == "answer"


@pytest.mark.parametrize(("question", "message"), [
    ("", "请输入要试问的问题"),
    ("   \n ", "请输入要试问的问题"),
    ("暖气" * 2500, "这个问题有 5000 个字"),
    ("😀😀🔥🙏", "没有可以匹配的文字"),
    ("<script>alert('x')</script>", "没有任何条目的问法"),
])
def test_bad_questions_get_a_message_and_no_error(editor, base, engines, question, message):
    engines()
    page = ask(editor, question)
    assert message in page
    assert "<script>alert" not in page
    if question.strip():
        assert str(escape(question))[:50] in page  # kept in the box, escaped


def test_html_in_a_question_is_escaped_where_it_matches(editor, base, engines):
    engines()
    page = ask(editor, "<b>暖气片不热咋整</b>")
    assert "&lt;b&gt;暖气片不热咋整&lt;/b&gt;" in page and "<b>暖气" not in page
    assert outcomes(page)[0] == "answer"


def test_no_question_yet_shows_the_form_only(editor, engines):
    engines()
    page = ask(editor, None)
    assert 'name="q"' in page and "请输入要试问的问题" not in page and "outcome-" not in page


def test_only_editors_may_try(kb_app, staff_client, engines):
    engines()
    assert staff_client("agent").get(URL, query_string={"q": "暖气"}).status_code == 403
    assert staff_client("admin").get(URL, query_string={"q": "暖气"}).status_code == 200
    anonymous = kb_app.test_client().get(URL)
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.headers["Location"]


def test_the_page_says_when_the_draft_index_is_still_warming(kb_app, editor, base, engines):
    engines()
    encoder = HeldEncoder()
    kb_app.extensions[EXTENSION] = new_draft_index(kb_app, EngineConfig(thresholds=THRESHOLDS), encoder=encoder)
    try:
        warming = ask(editor, "暖气片不热咋整")
        assert "语义模型还在加载" in warming and "仅字词 · 4 个条目" in warming  # lexical meanwhile
    finally:
        encoder.release.set()
    kb_app.extensions[EXTENSION].live.wait(10)
    ready = ask(editor, "暖气片不热咋整")
    assert "语义模型还在加载" not in ready and "语义 ×1.0" in ready
