"""Rising questions (answered and unanswered) become an alert with their questions; a failed run is
counted and shown on /healthz without taking the node out of service, and the next good run clears it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.db import db, utcnow
from stats.insight import jobs
from stats.insight.models import Alert, AlertEvidence, InsightState, QuestionLog
from stats.insight.questions import log_question
from tests.stats.insight.support import detect, question


def quiet_weeks(session, now) -> None:
    """Three weeks of everyday questions: the history a new worry is measured against."""
    for day in range(1, 22):
        for n in range(3):
            question(session, "公积金怎么提取", citizen=day * 10 + n, at=now - timedelta(days=day, hours=n))


def test_a_new_worry_asked_by_many_becomes_a_rising_alert_with_its_questions(session):
    now = utcnow()
    quiet_weeks(session, now)
    asked = [question(session, wording, citizen=500 + n, at=now - timedelta(hours=n % 20), answered=n % 3 != 0)
             for n, wording in enumerate(["消费券怎么领取", "请问消费券在哪里领", "第二批消费券什么时候发"] * 5)]
    session.commit()
    detect(session, now=now)
    rising = session.scalars(select(Alert).where(Alert.kind == "rising")).all()
    assert [alert.term for alert in rising] == ["消费"], [alert.summary for alert in rising]
    alert = rising[0]
    assert alert.observed == 15
    assert "其中5人没有得到答复" in alert.summary
    sources = set(session.execute(select(AlertEvidence.question_source, AlertEvidence.question_id)
                                  .where(AlertEvidence.alert_id == alert.id)).all())
    expected = {("unanswered" if n % 3 == 0 else "log", row.id) for n, row in enumerate(asked)}
    assert sources == expected
    assert not any("公积金" in item.term for item in rising)


def test_the_same_citizen_asking_again_counts_once(session):
    now = utcnow()
    quiet_weeks(session, now)
    for n in range(15):
        question(session, "消费券怎么领取", citizen=42, at=now - timedelta(minutes=n))
    session.commit()
    detect(session, now=now)
    assert session.scalars(select(Alert)).all() == []


def test_the_light_log_keeps_answered_questions_without_the_openid(session):
    row = log_question(session, "  请问\x00消费券怎么领？ ", outcome="answer", channel="wechat", openid_hash="h-1")
    assert (row.text, row.normalized, row.outcome) == ("请问消费券怎么领？", "请问消费券怎么领", "answer")
    assert row.openid_hash == "h-1"
    assert log_question(session, " ？ ", outcome="answer", channel="h5") is None
    with pytest.raises(IntegrityError):  # the CHECK constraint refuses other outcomes
        log_question(session, "社保怎么交", outcome="none", channel="h5")


def test_the_light_log_is_kept_a_year(session):
    now = utcnow()
    old = log_question(session, "去年的问题", outcome="answer", channel="h5")
    kept = log_question(session, "上个月的问题", outcome="choices", channel="h5")
    old.created_at, kept.created_at = now - timedelta(days=366), now - timedelta(days=30)
    session.commit()
    old_id, kept_id = old.id, kept.id
    detect(session, now=now)
    assert session.get(QuestionLog, old_id) is None and session.get(QuestionLog, kept_id) is not None


def test_a_failed_run_is_counted_reported_and_cleared(insight_app, monkeypatch):
    client = insight_app.test_client()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    with insight_app.app_context():
        monkeypatch.setattr(jobs, "run_detection", broken)
        with pytest.raises(RuntimeError):
            jobs.run_once()
        with pytest.raises(RuntimeError):
            jobs.run_once()
        assert db.session.get(InsightState, "detector").failures == 2
    health = client.get("/healthz")
    assert health.status_code == 200  # advisory: the node stays in service
    part = health.get_json()["checks"]["insight"]
    assert part["ok"] is False and part["failures"] == 2 and "database went away" in part["error"]
    monkeypatch.undo()
    with insight_app.app_context():
        assert jobs.run_once() is not None
    part = client.get("/healthz").get_json()["checks"]["insight"]
    assert part["ok"] is True and part["failures"] == 0 and part["last_ok_at"]


def test_the_periodic_job_retries_and_skips_while_another_run_holds_the_lock(insight_app):
    assert jobs.detect_insight.retries == 2
    with insight_app.app_context():
        from core.state import state

        assert state.add(jobs.LOCK, "1", 60)
        assert jobs.run_once() is None
        state.delete(jobs.LOCK)
        assert jobs.run_once() is not None


def test_words_of_one_topic_grow_one_alert(session):
    now = utcnow()
    quiet_weeks(session, now)
    for n in range(60):  # one topic; a fifth of it also says 家电 and 登记
        wording = "家电以旧换新到哪里登记" if n % 5 == 0 else "以旧换新怎么申请"
        question(session, wording, citizen=700 + n, at=now - timedelta(hours=n % 20))
    session.commit()
    detect(session, now=now)
    rising = session.scalars(select(Alert).where(Alert.kind == "rising")).all()
    assert len(rising) == 1, [alert.summary for alert in rising]
    related = rising[0].numbers["related"]
    assert rising[0].term == "以旧换新" and {"rising:question:家电", "rising:question:登记"} <= set(related)
