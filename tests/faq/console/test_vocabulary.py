"""同义词与词典 in the editors' console: groups and dictionary words through the pages, errors beside
their fields with the input kept, every change bumping the knowledge-base version."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from core.db import db
from faq.index import index_counter
from faq.models import DictionaryWord, SynonymGroup
from faq.synonyms import add_dictionary_word, create_synonym_group
from tests.faq.console.conftest import form_token

PAGE = "/staff/faq/vocabulary"


def field_block(page: str, name: str) -> str:
    """The text of the form field (label, input, errors, hint) whose input is named `name`."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', page, re.S):
        if f'name="{name}"' in block:
            return html.unescape(block)
    raise AssertionError(f"no field {name} on the page")


def shown_words(page: str) -> list[str]:
    """The words listed in the synonym and dictionary tables, in order."""
    return re.findall(r'<span class="word[^"]*">([^<]+)</span>', page)


def rows(kb_app, model):
    with kb_app.app_context():
        return db.session.scalars(select(model).order_by(model.id)).all()


def counter(kb_app) -> int:
    with kb_app.app_context():
        return index_counter(db.session)


def seed(kb_app, make):
    with kb_app.app_context():
        row = make(db.session)
        db.session.commit()
        return row.id


def post(client, url: str, data: dict, *, page: str = PAGE):
    return client.post(url, data={"csrf_token": form_token(client, page), **data})


def test_page_shows_version_and_live_note(kb_app, editor):
    seed(kb_app, lambda session: create_synonym_group(session, ["暖气", "供暖"]))
    page = editor.get(PAGE)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "知识库当前版本：<strong>第 1 版</strong>" in text and "修改同义词" in text
    assert "几秒钟内" in text and 'class="active"' in text.split("同义词与词典</a>")[0].rsplit("<a", 1)[1]


def test_synonym_group_create_edit_delete(kb_app, editor):
    response = post(editor, f"{PAGE}/groups", {"group-words": "暖气 供暖，采暖\n暖气", "group-note": "供热季"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/faq/vocabulary#synonyms")
    [group] = rows(kb_app, SynonymGroup)
    assert (group.words, group.note) == (["暖气", "供暖", "采暖"], "供热季")
    assert counter(kb_app) == 1
    page = editor.get(PAGE).get_data(as_text=True)
    assert "已新增同义词组：暖气、供暖、采暖" in page and "editor 测试" in page and "供热季" in page

    edit = f"{PAGE}/groups/{group.id}/edit"
    assert "暖气\n供暖\n采暖" in html.unescape(editor.get(edit).get_data(as_text=True))
    response = post(editor, edit, {"words": "暖气|供暖|采暖|供热", "note": ""}, page=edit)
    assert response.status_code == 302
    [group] = rows(kb_app, SynonymGroup)
    assert (group.words, group.note) == (["暖气", "供暖", "采暖", "供热"], "")
    assert counter(kb_app) == 2

    delete = f"{PAGE}/groups/{group.id}/delete"
    confirm = editor.get(delete).get_data(as_text=True)
    assert "确定删除同义词组「<strong>暖气、供暖、采暖、供热</strong>」" in confirm
    assert rows(kb_app, SynonymGroup) != []  # asking deletes nothing
    assert editor.post(delete, data={"csrf_token": form_token(editor, delete)}).status_code == 302
    assert rows(kb_app, SynonymGroup) == [] and counter(kb_app) == 3
    assert editor.get(delete).status_code == 404


def test_duplicate_word_is_shown_beside_the_field_with_the_input_kept(kb_app, editor):
    seed(kb_app, lambda session: create_synonym_group(session, ["暖气", "供暖"]))
    other = seed(kb_app, lambda session: create_synonym_group(session, ["社保", "社会保险"]))
    before = counter(kb_app)
    page = post(editor, f"{PAGE}/groups", {"group-words": "集中供热\n供暖", "group-note": "我的备注"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    words = field_block(text, "group-words")
    assert "「供暖」已在另一个同义词组（暖气、供暖）中" in words and "集中供热\n供暖" in words
    assert 'value="我的备注"' in field_block(text, "group-note")
    assert len(rows(kb_app, SynonymGroup)) == 2 and counter(kb_app) == before

    edit = f"{PAGE}/groups/{other}/edit"
    page = post(editor, edit, {"words": "社保 暖气", "note": "x"}, page=edit).get_data(as_text=True)
    assert "「暖气」已在另一个同义词组" in field_block(page, "words") and "社保 暖气" in field_block(page, "words")
    assert rows(kb_app, SynonymGroup)[1].words == ["社保", "社会保险"] and counter(kb_app) == before

    page = post(editor, f"{PAGE}/groups", {"group-words": "孤词"}).get_data(as_text=True)
    assert "至少要有两个不同的词" in field_block(page, "group-words")


def test_dictionary_word_create_edit_delete_with_errors(kb_app, editor):
    response = post(editor, f"{PAGE}/words", {"word-word": "灵活就业", "word-frequency": "200", "word-pos": "n"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#dictionary")
    [row] = rows(kb_app, DictionaryWord)
    assert (row.word, row.frequency, row.pos, counter(kb_app)) == ("灵活就业", 200, "n", 1)

    cases = [({"word-word": "灵活就业"}, "word-word", "词典里已有「灵活就业」"),
             ({"word-word": "供热站", "word-frequency": "很多"}, "word-frequency", "词频「很多」应为正整数"),
             ({"word-word": "供热站", "word-pos": "名词"}, "word-pos", "词性「名词」应为"),
             ({"word-word": "供热 站"}, "word-word", "不能包含空格"),
             ({"word-word": "   "}, "word-word", "词语不能为空")]
    for data, field, message in cases:
        text = post(editor, f"{PAGE}/words", data).get_data(as_text=True)
        block = field_block(text, field)
        assert message in block, (data, block)
        assert f'value="{data[field]}"' in block or not data[field].strip()
    assert len(rows(kb_app, DictionaryWord)) == 1 and counter(kb_app) == 1

    edit = f"{PAGE}/words/{row.id}/edit"
    page = post(editor, edit, {"frequency": "0", "pos": "v"}, page=edit).get_data(as_text=True)
    assert "词频应为正整数" in field_block(page, "frequency") and 'value="v"' in field_block(page, "pos")
    assert post(editor, edit, {"frequency": "", "pos": "nz"}, page=edit).status_code == 302
    [row] = rows(kb_app, DictionaryWord)
    assert (row.frequency, row.pos, counter(kb_app)) == (None, "nz", 2)

    delete = f"{PAGE}/words/{row.id}/delete"
    assert "确定删除词典词「<strong>灵活就业</strong>」" in editor.get(delete).get_data(as_text=True)
    assert editor.post(delete, data={"csrf_token": form_token(editor, delete)}).status_code == 302
    assert rows(kb_app, DictionaryWord) == [] and counter(kb_app) == 3


def test_filter_finds_a_word_among_many(kb_app, editor):
    seed(kb_app, lambda session: create_synonym_group(session, ["暖气", "供暖"], note="供热"))
    seed(kb_app, lambda session: create_synonym_group(session, ["社保", "社会保险"]))
    for word in ("灵活就业", "供暖季", "居住证"):
        seed(kb_app, lambda session, word=word: add_dictionary_word(session, word))
    text = editor.get(PAGE, query_string={"q": "供暖"}).get_data(as_text=True)
    assert "同义词组 1 个，词典词 1 个" in text
    assert shown_words(text) == ["暖气", "供暖", "供暖季"]
    assert shown_words(editor.get(PAGE).get_data(as_text=True)) == ["暖气", "供暖", "社保", "社会保险", "供暖季",
                                                                    "居住证", "灵活就业"]


def test_missing_csrf_is_refused(kb_app, editor):
    group = seed(kb_app, lambda session: create_synonym_group(session, ["暖气", "供暖"]))
    for url, data in [(f"{PAGE}/groups", {"group-words": "社保 社会保险"}),
                      (f"{PAGE}/words", {"word-word": "灵活就业"}),
                      (f"{PAGE}/groups/{group}/delete", {})]:
        response = editor.post(url, data=data)
        assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    assert [row.words for row in rows(kb_app, SynonymGroup)] == [["暖气", "供暖"]]
    assert rows(kb_app, DictionaryWord) == [] and counter(kb_app) == 1


@pytest.mark.parametrize("url", [PAGE, f"{PAGE}/groups/1/edit", f"{PAGE}/groups/1/delete", f"{PAGE}/words/1/edit"])
def test_only_editors(kb_app, staff_client, url):
    seed(kb_app, lambda session: create_synonym_group(session, ["暖气", "供暖"]))
    seed(kb_app, lambda session: add_dictionary_word(session, "灵活就业"))
    assert_editors_only(kb_app, staff_client, url)


def assert_editors_only(kb_app, staff_client, url: str) -> None:
    """An agent gets 403, an admin the page, an anonymous visitor the sign-in page."""
    assert staff_client("agent").get(url).status_code == 403
    assert staff_client("admin").get(url).status_code == 200
    anonymous = kb_app.test_client().get(url)
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.headers["Location"]


def test_agent_cannot_change_anything(kb_app, staff_client):
    agent = staff_client("agent")
    token = form_token(agent, "/staff/")
    assert agent.post(f"{PAGE}/groups", data={"csrf_token": token, "group-words": "暖气 供暖"}).status_code == 403
    assert rows(kb_app, SynonymGroup) == [] and counter(kb_app) == 0
