"""微查询 H5 pages on the demo knowledge base."""
from sqlalchemy import func, select

from core.db import db
from faq.models import FaqVote, UnansweredQuestion
from stats.insight.models import QuestionLog
from tests.support import csrf_token_from


def test_search_answers_on_submit(kb_app, served):
    entry = next(iter(served.values()))
    html = kb_app.test_client().get("/h5/faq/", query_string={"q": entry.question}).get_data(as_text=True)
    assert "为您找到的答案" in html and entry.question in html
    with kb_app.app_context():  # logged for 未诉先办's rising topics, by a hash of the visitor
        row = db.session.scalar(select(QuestionLog).where(QuestionLog.text == entry.question,
                                                          QuestionLog.channel == "h5"))
        assert row is not None and row.outcome == "answer" and row.entry_id == entry.id and row.openid_hash


def test_search_without_an_answer_says_so_and_is_logged(kb_app):
    client = kb_app.test_client()
    html = client.get("/h5/faq/", query_string={"q": "<b>火星</b>移民签证"}).get_data(as_text=True)
    assert "暂时没有找到" in html and "&lt;b&gt;火星&lt;/b&gt;" in html and "<b>火星</b>" not in html
    with kb_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UnansweredQuestion)
                                 .where(UnansweredQuestion.channel == "h5")) >= 1


def test_suggestions_as_you_type(kb_app):
    items = kb_app.test_client().get("/h5/faq/suggest", query_string={"q": "暖气"}).get_json()["items"]
    assert items and all(item["url"].startswith("/h5/faq/") for item in items)
    assert kb_app.test_client().get("/h5/faq/suggest", query_string={"q": "  "}).get_json() == {"items": []}


def test_entry_page_shows_the_long_answer_policies_and_takes_one_vote(kb_app, served):
    entry = next(e for e in served.values() if e.policies)
    client = kb_app.test_client()
    html = client.get(f"/h5/faq/{entry.id}").get_data(as_text=True)
    assert entry.question in html and "政策依据" in html and entry.policies[0].title in html
    response = client.post(f"/h5/faq/{entry.id}/vote", data={"csrf_token": csrf_token_from(html), "helpful": "0"})
    assert response.status_code == 302
    assert "您已评价：没用" in client.get(f"/h5/faq/{entry.id}").get_data(as_text=True)
    with kb_app.app_context():
        vote = db.session.scalar(select(FaqVote).where(FaqVote.entry_id == entry.id))
        assert vote is not None and vote.helpful is False
    assert client.post(f"/h5/faq/{entry.id}/vote", data={"helpful": "1"}).status_code == 400  # no CSRF token


def test_unknown_entry_is_404(kb_app):
    assert kb_app.test_client().get("/h5/faq/999999").status_code == 404


def test_category_browsing(kb_app, served):
    entry = next(e for e in served.values() if e.category_code)
    html = kb_app.test_client().get(f"/h5/faq/category/{entry.category_code[:2]}").get_data(as_text=True)
    assert entry.question in html


def test_an_expired_policy_is_marked(kb_app):
    client = kb_app.test_client()
    listing = client.get("/h5/policies/").get_data(as_text=True)
    assert "已失效" in listing
    html = client.get("/h5/policies/taiyuan-lockdown-living-supplies").get_data(as_text=True)
    assert "已失效" in html and "不再作为办事依据" in html
    assert client.get("/h5/policies/no-such-policy").status_code == 404
