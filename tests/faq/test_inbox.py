"""The unanswered-question inbox, votes, grouping by similarity and drafts from a group."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import utcnow
from faq.errors import InvalidEntry
from faq.inbox import (
    draft_from_group,
    group_unanswered,
    hash_openid,
    normalize_question,
    record_unanswered,
    record_vote,
    vote_counts,
)
from faq.models import FaqVote, UnansweredQuestion
from tests.faq.conftest import published_entry

OPENID = "oABCD1234567890openid"


def test_questions_are_stored_without_the_openid(any_session):
    session = any_session
    digest = hash_openid(OPENID, "secret")
    assert digest == hash_openid(OPENID, "secret") != hash_openid(OPENID, "other-secret")
    row = record_unanswered(session, "  暖气\x00不热，怎么办？<script>x</script> ", openid_hash=digest, best_score=0.31)
    session.commit()
    assert row.text == "暖气不热，怎么办？<script>x</script>"  # plain text, escaped where it is shown
    assert row.normalized == "暖气不热怎么办scriptxscript"
    assert row.outcome == "none" and row.channel == "wechat" and row.best_score == pytest.approx(0.31)
    stored = [value for record in session.scalars(select(UnansweredQuestion)) for value in vars(record).values()]
    assert not any(OPENID in str(value) for value in stored)
    assert record_unanswered(session, " \n ") is None and record_unanswered(session, "？！。") is None
    assert len(record_unanswered(session, "长" * 5000).text) == 500
    with pytest.raises(ValueError):
        record_unanswered(session, "问题", outcome="maybe")


def test_normalisation_folds_width_case_and_punctuation():
    assert normalize_question("ＡＢＣ　１２３，Ｗｉ-Ｆｉ！") == "abc123wifi"


def test_votes_one_per_citizen_and_unhelpful_ones_reach_the_inbox(any_session):
    session = any_session
    entry = published_entry(session)
    citizen = hash_openid(OPENID, "secret")
    record_vote(session, entry.id, True, openid_hash=citizen)
    record_vote(session, entry.id, False, openid_hash=citizen, question="暖气不热但是家里有老人咋办")
    record_vote(session, entry.id, True)
    record_vote(session, entry.id, True)
    session.commit()
    assert vote_counts(session) == {entry.id: (2, 1)}
    assert vote_counts(session, [entry.id + 1]) == {}
    mine = session.scalar(select(FaqVote).where(FaqVote.openid_hash == citizen))
    assert mine.helpful is False and mine.version == 1
    inbox = session.scalars(select(UnansweredQuestion)).all()
    assert [(row.outcome, row.entry_id, row.text) for row in inbox] == [
        ("unhelpful", entry.id, "暖气不热但是家里有老人咋办")]


def _ask(session, text, times=1, ago=timedelta(0)):
    for _ in range(times):
        row = record_unanswered(session, text)
        row.created_at = utcnow() - ago


def test_grouping_clusters_similar_wordings(session):
    _ask(session, "暖气不热怎么办", 3, ago=timedelta(days=2))
    _ask(session, "暖气片不热咋整", 2)
    _ask(session, "暖气不热！！", 1, ago=timedelta(days=1))
    _ask(session, "灵活就业社保能晚点交吗", 2, ago=timedelta(days=3))
    _ask(session, "灵活就业的社保可以缓交吗", 1, ago=timedelta(days=3))
    _ask(session, "公积金怎么提取", 1, ago=timedelta(days=40))
    session.commit()

    groups = group_unanswered(session)
    assert [(group.question, group.count) for group in groups] == [
        ("暖气不热怎么办", 6), ("灵活就业社保能晚点交吗", 3), ("公积金怎么提取", 1)]
    heating = groups[0]
    assert heating.questions[0] == ("暖气不热怎么办", 3) and len(heating.questions) == 3
    assert heating.last_seen > heating.first_seen and heating.outcomes == {"none": 6}
    recent = group_unanswered(session, since=utcnow() - timedelta(days=7))
    assert [group.question for group in recent] == ["暖气不热怎么办", "灵活就业社保能晚点交吗"]


def test_a_group_becomes_a_draft_and_leaves_the_inbox(session):
    _ask(session, "暖气不热怎么办", 2)
    _ask(session, "暖气片不热咋整")
    _ask(session, "暖气不热怎么办<br>")  # not usable as a question: left out of the draft
    group = group_unanswered(session)[0]
    assert group.count == 4
    entry = draft_from_group(session, group.ids, fields={"category": "010101"})
    assert entry.status == "draft" and entry.question == "暖气不热怎么办"
    assert entry.similar == ["暖气片不热咋整"] and entry.category.code == "010101"
    assert group_unanswered(session) == []
    assert len(group_unanswered(session, include_handled=True)) == 1
    with pytest.raises(InvalidEntry):
        draft_from_group(session, [999_999])
