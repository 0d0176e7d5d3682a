"""知识条目 list: access, search, every filter, counts, pages, and a fixed number of queries per page."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from core.dates import china_today
from core.db import db
from faq.console.listing import PER_PAGE
from faq.inbox import record_vote
from faq.service import archive, create_entry, get_entry, update_entry
from staff.models import StaffUser
from tests.faq.conftest import entry_fields, make_policy, published_entry
from tests.faq.console.conftest import form_token

LIST = "/staff/faq/"


def form_data(token: str, **overrides) -> dict:
    """The edit form as a browser posts it, from entry_fields() (lists as the form writes them)."""
    fields = entry_fields(**overrides)
    data = {name: value for name, value in fields.items() if name not in ("similar", "keywords", "policies")}
    data.update(csrf_token=token, similar="\n".join(fields["similar"]), keywords=" ".join(fields["keywords"]),
                policies=list(fields.get("policies", [])))
    return data


def keys_on(html: str) -> list[str]:
    """Entry keys in the order the list shows them."""
    return re.findall(r"<code>([a-z0-9_-]+)</code>", html)


def add(kb_app, maker, *args, **fields):
    """Run a service factory in the app and commit; returns the entry id."""
    with kb_app.app_context():
        entry = maker(db.session, *args, **fields) if args else maker(db.session, **fields)
        db.session.commit()
        return entry.id


def draft(kb_app, **overrides) -> int:
    with kb_app.app_context():
        entry = create_entry(db.session, entry_fields(**overrides))
        db.session.commit()
        return entry.id


def published(kb_app, **overrides) -> int:
    with kb_app.app_context():
        entry = published_entry(db.session, **overrides)
        db.session.commit()
        return entry.id


@pytest.mark.parametrize("url", [LIST, "/staff/faq/new", "/staff/faq/1", "/staff/faq/1/history"])
def test_anonymous_visitors_are_sent_to_sign_in(kb_app, url):
    response = kb_app.test_client().get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize(("method", "url"), [("get", LIST), ("get", "/staff/faq/new"), ("get", "/staff/faq/1"),
                                             ("get", "/staff/faq/1/history"), ("post", "/staff/faq/1/archive"),
                                             ("post", "/staff/faq/1/publish")])
def test_agents_may_not_open_or_change_entries(kb_app, staff_client, method, url):
    entry_id = published(kb_app)
    agent = staff_client("agent")
    token = form_token(agent, "/staff/")  # a valid token: the refusal is the role's, not CSRF's
    response = getattr(agent, method)(url.replace("/1", f"/{entry_id}"), data={"csrf_token": token})
    assert response.status_code == 403
    with kb_app.app_context():
        from faq.models import FaqEntry
        assert db.session.get(FaqEntry, entry_id).status == "published"


def test_admins_may_open_the_list(kb_app, staff_client):
    assert staff_client("admin").get(LIST).status_code == 200


def test_a_row_shows_question_category_status_votes_and_who_changed_it(kb_app, editor):
    entry_id = published(kb_app)
    with kb_app.app_context():
        for n, helpful in enumerate([True, True, True, False]):
            record_vote(db.session, entry_id, helpful, openid_hash=f"citizen-{n}")
        db.session.commit()
    html = editor.get(LIST).get_data(as_text=True)
    assert "暖气不热怎么办" in html
    assert '<span title="城乡建设 → 供热 → 暖气不热">暖气不热</span>' in html
    assert '<span class="badge published">已发布</span>' in html
    assert '<span class="helpful">3</span> / <span class="unhelpful">1</span>' in html
    assert f'href="/h5/faq/{entry_id}"' in html
    # an editor's change names them
    editor.post(f"/staff/faq/{entry_id}/unpublish", data={"csrf_token": form_token(editor, LIST)})
    html = editor.get(LIST).get_data(as_text=True)
    assert "editor 测试" in html
    assert f'href="/h5/faq/{entry_id}"' not in html  # a draft has no public page


@pytest.mark.parametrize(("term", "found"), [
    ("暖气不热", "heating-cold"),  # standard question
    ("温度低找谁", "heating-cold"),  # a similar question only
    ("HEATING", "heating-cold"),  # the key, any case
    ("集中供热", "heating-cold"),  # a keyword only
    ("公积金", "fund"),
    ("100%", None),  # LIKE wildcards are literal
])
def test_search_looks_in_question_similar_questions_key_and_keywords(kb_app, editor, term, found):
    draft(kb_app, keywords=["集中供热"])
    draft(kb_app, key="fund", question="公积金怎么提取", similar=["取公积金要啥材料"], keywords=["住房"])
    keys = keys_on(editor.get(LIST, query_string={"q": term}).get_data(as_text=True))
    assert keys == ([found] if found else [])


def test_several_words_must_all_match(kb_app, editor):
    draft(kb_app)
    draft(kb_app, key="heating-fee", question="暖气费怎么交", similar=[], keywords=[])
    assert keys_on(editor.get(LIST, query_string={"q": "暖气 温度"}).get_data(as_text=True)) == ["heating-cold"]
    assert sorted(keys_on(editor.get(LIST, query_string={"q": "暖气"}).get_data(as_text=True))) == [
        "heating-cold", "heating-fee"]


def test_status_filter_and_counts_per_status(kb_app, editor):
    draft(kb_app, key="a-draft")
    published(kb_app, key="live-one")
    published(kb_app, key="live-two")
    add(kb_app, archive, draft(kb_app, key="old-one"))
    html = editor.get(LIST).get_data(as_text=True)
    counts = dict(re.findall(r'data-status="(\w+)">(\d+)<', html))
    assert counts == {"draft": "1", "published": "2", "archived": "1"}
    assert sorted(keys_on(editor.get(LIST, query_string={"status": "published"}).get_data(as_text=True))) == [
        "live-one", "live-two"]
    assert keys_on(editor.get(LIST, query_string={"status": "archived"}).get_data(as_text=True)) == ["old-one"]
    # counts follow the other filters
    html = editor.get(LIST, query_string={"q": "live-one"}).get_data(as_text=True)
    assert dict(re.findall(r'data-status="(\w+)">(\d+)<', html)) == {"draft": "0", "published": "1", "archived": "0"}


def test_category_filter_takes_the_whole_subtree(kb_app, editor):
    draft(kb_app, key="cold", category="010101")  # 城乡建设 → 供热 → 暖气不热
    draft(kb_app, key="other", category=None)
    assert keys_on(editor.get(LIST, query_string={"category": "010101"}).get_data(as_text=True)) == ["cold"]
    assert keys_on(editor.get(LIST, query_string={"category": "01"}).get_data(as_text=True)) == ["cold"]
    assert keys_on(editor.get(LIST, query_string={"category": "02"}).get_data(as_text=True)) == []
    assert sorted(keys_on(editor.get(LIST, query_string={"category": "nonsense"}).get_data(as_text=True))) == [
        "cold", "other"]  # an unknown code filters nothing


def test_department_filter(kb_app, editor):
    draft(kb_app, key="by-default")  # the category's default unit, RLJT
    draft(kb_app, key="other-unit", department="SZJJ")
    assert keys_on(editor.get(LIST, query_string={"department": "RLJT"}).get_data(as_text=True)) == ["by-default"]
    assert keys_on(editor.get(LIST, query_string={"department": "SZJJ"}).get_data(as_text=True)) == ["other-unit"]


def test_pending_filter_finds_published_entries_edited_since(kb_app, editor):
    changed = published(kb_app, key="changed")
    published(kb_app, key="unchanged")
    draft(kb_app, key="a-draft")
    with kb_app.app_context():  # only a similar question changes: no column of the entry row does
        update_entry(db.session, changed, {"similar": ["暖气片冰凉"]})
        db.session.commit()
    html = editor.get(LIST, query_string={"pending": "1"}).get_data(as_text=True)
    assert keys_on(html) == ["changed"]
    assert "有未发布修改" in html
    assert "有未发布修改</span>" not in editor.get(LIST, query_string={"q": "unchanged"}).get_data(as_text=True)


def test_withheld_filter_names_the_expired_policies(kb_app, editor):
    with kb_app.app_context():
        make_policy(db.session, "epidemic", effective=date(2020, 2, 1), expires=date(2022, 12, 31),
                    title="疫情期间临时规定")
        make_policy(db.session, "heating-rules")
        db.session.commit()
    published(kb_app, key="withheld", policies=["epidemic"])
    published(kb_app, key="backed", policies=["epidemic", "heating-rules"])
    html = editor.get(LIST, query_string={"withheld": "1"}).get_data(as_text=True)
    assert keys_on(html) == ["withheld"]
    assert re.search(r'class="badge warning"[^>]*>停止提供：引用政策已失效（疫情期间临时规定 并政发〔2024〕1号）', html)
    full = editor.get(LIST).get_data(as_text=True)
    assert full.count("停止提供：引用政策已失效") == 1
    with kb_app.app_context():
        withheld_id = get_entry(db.session, "withheld").id
    edit_page = editor.get(f"/staff/faq/{withheld_id}").get_data(as_text=True)
    assert "停止提供：引用政策已失效（疫情期间临时规定" in edit_page


def test_pages_keep_the_filters(kb_app, editor):
    with kb_app.app_context():
        for n in range(PER_PAGE + 5):
            create_entry(db.session, entry_fields(key=f"cold-{n:02d}", question=f"暖气问题 {n}", similar=[]))
        create_entry(db.session, entry_fields(key="unrelated", question="公积金怎么提取", similar=[], keywords=[]))
        db.session.commit()
    first = editor.get(LIST, query_string={"q": "暖气", "sort": "oldest"}).get_data(as_text=True)
    assert keys_on(first) == [f"cold-{n:02d}" for n in range(PER_PAGE)]
    assert "共 35 条，第 1 / 2 页" in first
    link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "q=%E6%9A%96%E6%B0%94" in link and "sort=oldest" in link and "page=2" in link
    second = editor.get(link).get_data(as_text=True)
    assert keys_on(second) == [f"cold-{n:02d}" for n in range(PER_PAGE, PER_PAGE + 5)]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # a page past the end shows the last one
    assert keys_on(editor.get(LIST, query_string={"q": "暖气", "page": "99", "sort": "oldest"}).get_data(
        as_text=True)) == keys_on(second)


def test_newest_change_first_by_default(kb_app, editor):
    first = draft(kb_app, key="first")
    draft(kb_app, key="second")
    assert keys_on(editor.get(LIST).get_data(as_text=True)) == ["second", "first"]
    with kb_app.app_context():
        update_entry(db.session, first, {"question": "暖气不热怎么报修"})
        db.session.commit()
    assert keys_on(editor.get(LIST).get_data(as_text=True)) == ["first", "second"]
    assert keys_on(editor.get(LIST, query_string={"sort": "oldest"}).get_data(as_text=True)) == ["second", "first"]


@pytest.mark.parametrize("args", [{"page": "abc"}, {"page": "-1"}, {"status": "deleted"}, {"sort": "random"},
                                  {"q": "x" * 5000}, {"category": "'; DROP TABLE faq_entry; --"}])
def test_nonsense_in_the_query_string_is_ignored(kb_app, editor, args):
    draft(kb_app)
    response = editor.get(LIST, query_string=args)
    assert response.status_code == 200


def _count_queries(kb_app, editor, url) -> int:
    statements = []
    with kb_app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert editor.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def _pending_rows(kb_app, prefix: str, count: int) -> None:
    """Published entries, half citing an expired policy, each voted on and changed since by an editor."""
    with kb_app.app_context():
        by = db.session.scalar(select(StaffUser.id).where(StaffUser.username == "editor1"))
        for n in range(count):
            entry = published_entry(db.session, key=f"{prefix}-{n}", policies=["epidemic"] if n % 2 else [])
            record_vote(db.session, entry.id, True, openid_hash=f"{prefix}{n}")
            update_entry(db.session, entry.id, {"similar": [f"变了 {n}"]}, by=by)
        db.session.commit()


def test_a_page_costs_the_same_queries_for_2_rows_or_30(kb_app, editor):
    with kb_app.app_context():
        make_policy(db.session, "epidemic", effective=date(2020, 2, 1), expires=china_today() - timedelta(days=1))
        db.session.commit()
    _pending_rows(kb_app, "few", 2)
    few = _count_queries(kb_app, editor, LIST + "?pending=1")
    _pending_rows(kb_app, "many", PER_PAGE)
    page = editor.get(LIST + "?pending=1").get_data(as_text=True)
    assert len(keys_on(page)) == PER_PAGE and "editor 测试" in page and "停止提供" in page
    assert _count_queries(kb_app, editor, LIST + "?pending=1") == few
