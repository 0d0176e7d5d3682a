"""Detection pinned on fixed synthetic tickets made through create_ticket: an event fires once (a
cluster, with the street's spike folded into the same alert), and the negative cases do not fire."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.db import db, utcnow
from stats.insight.models import Alert, AlertEvidence, InsightCount, InsightTicket
from submit import workflow as wf
from tests.stats.insight.conftest import PASSWORD
from tests.stats.insight.support import QUIET_TEXT, background, burst, detect, staff, ticket
from tests.support import sign_in


def alerts(session) -> list[Alert]:
    return list(session.scalars(select(Alert).order_by(Alert.id)))


def evidence_of(session, alert: Alert) -> set[int]:
    return set(session.scalars(select(AlertEvidence.ticket_id).where(AlertEvidence.alert_id == alert.id)))


def test_an_event_of_six_citizens_raises_one_alert_with_its_tickets_and_summary(session):
    now = utcnow()
    background(session, days=28, now=now, street="迎泽区文庙街道")  # history elsewhere: 柳巷 is quiet
    event = burst(session, 6, at=now - timedelta(hours=1))
    session.commit()
    report = detect(session, now=now)
    assert report.tickets == len(event) + 6
    found = alerts(session)
    assert len(found) == 1, [alert.summary for alert in found]
    alert = found[0]
    assert {ticket.id for ticket in event} <= evidence_of(session, alert)
    assert alert.kind == "cluster" and alert.observed == 6
    assert alert.summary.startswith("迎泽区柳巷街道和平小区 供热·暖气不热 3天内 6位市民反映同一事件")
    related = alert.numbers["related"]  # the street's spike fired too, and joined the same alert
    assert any(text.startswith("迎泽区柳巷街道 供热·暖气不热 1天内 6件") for text in related.values()), related


def test_the_same_event_growing_grows_its_alert_instead_of_raising_another(session):
    now = utcnow()
    background(session, days=28, now=now)
    first = burst(session, 5, at=now - timedelta(hours=3))
    session.commit()
    detect(session, now=now - timedelta(hours=2))
    (alert,) = alerts(session)
    more = burst(session, 4, at=now - timedelta(minutes=5), first_citizen=100)
    session.commit()
    report = detect(session, now=now)
    assert report.raised == [] and alert.id in report.grown
    session.refresh(alert)
    assert len(alerts(session)) == 1
    assert alert.grown == 1 and alert.observed == 9
    assert {ticket.id for ticket in first + more} <= evidence_of(session, alert)
    assert any(line["added"] == 4 for line in alert.history)


def test_no_history_and_two_tickets_raise_nothing_and_an_empty_database_runs(session):
    report = detect(session)
    assert (report.tickets, report.raised) == (0, [])
    now = utcnow()
    ticket(session, citizen=1, at=now - timedelta(hours=2), address="晋源区义井街道 新地块", category="050302",
           content="新地块工地晚上十一点还在施工，噪音很大。")
    ticket(session, citizen=2, at=now - timedelta(hours=1), address="晋源区义井街道 新地块", category="050302",
           content="新地块工地晚上十一点还在施工，噪音很大。")
    session.commit()
    report = detect(session, now=now)
    assert report.tickets == 2 and alerts(session) == []


def test_a_burst_from_one_citizen_counts_once(session):
    now = utcnow()
    background(session, days=28, now=now)
    for n in range(8):
        ticket(session, citizen=7, at=now - timedelta(minutes=10 * n))
    session.commit()
    detect(session, now=now)
    assert alerts(session) == []
    street_today = session.scalar(select(func.max(InsightCount.citizens)).where(InsightCount.area.like("s%")))
    assert street_today == 1


def test_tickets_marked_invalid_are_left_out_and_a_later_invalid_is_taken_back(session):
    now = utcnow()
    spam = burst(session, 6, at=now - timedelta(hours=2))
    supervisor = staff(session, "supervisor")
    for item in spam[:4]:
        wf.mark_invalid(session, item, actor=supervisor, reason="广告")
    session.commit()
    detect(session, now=now)
    assert alerts(session) == []
    city = select(func.sum(InsightCount.citizens)).where(InsightCount.area == "city")
    assert session.scalar(city) == 2
    for item in spam[4:]:
        wf.mark_invalid(session, item, actor=supervisor, reason="广告")
    session.commit()
    report = detect(session, now=now)
    assert report.tickets == 0 and report.invalidated == 2
    assert session.scalar(city) is None  # recounted: nothing valid is left
    assert session.scalar(select(func.count()).where(InsightTicket.valid)) == 0


def test_a_clock_ahead_is_not_believed_and_breaks_nothing(session):
    now = utcnow()
    ahead = ticket(session, citizen=1, at=now + timedelta(days=3))
    session.commit()
    report = detect(session, now=now)
    assert report.tickets == 1
    fact = session.get(InsightTicket, ahead.id)
    assert abs((fact.at.replace(tzinfo=None) - ahead.created_at.replace(tzinfo=None)).total_seconds()) < 1


def test_incremental_runs_read_only_what_is_new_and_match_a_full_rebuild(session):
    now = utcnow()
    background(session, days=21, now=now)
    burst(session, 3, at=now - timedelta(days=1))
    session.commit()
    detect(session, now=now - timedelta(hours=12))
    burst(session, 3, at=now, first_citizen=50)
    session.commit()
    assert detect(session, now=now).tickets == 3
    assert detect(session, now=now).tickets == 0
    counts = sorted(session.execute(select(InsightCount.category_id, InsightCount.area, InsightCount.day,
                                           InsightCount.citizens)).all())
    rebuilt = detect(session, now=now, full=True)
    assert rebuilt.tickets == 10
    assert sorted(session.execute(select(InsightCount.category_id, InsightCount.area, InsightCount.day,
                                         InsightCount.citizens)).all()) == counts


def test_a_busy_place_needs_more_than_three_to_be_unusual(session):
    """三天三单 at a place that always has such tickets is its normal: the place test holds it back."""
    now = utcnow()
    for week in range(1, 5):
        for n in range(4):
            ticket(session, citizen=900 + week * 10 + n, at=now - timedelta(days=7 * week + n))
    three = burst(session, 3, at=now - timedelta(hours=1), first_citizen=300)
    session.commit()
    detect(session, now=now)
    assert not any({item.id for item in three} & evidence_of(session, alert) for alert in alerts(session))
    assert session.scalar(select(func.count()).select_from(InsightTicket)) == 19


def test_an_event_and_its_growth_on_both_databases(insight_any_app):
    """The same detection on SQLite and on PostgreSQL (+ Redis for the job's lock)."""
    with insight_any_app.app_context():
        session = db.session
        now = utcnow()
        background(session, days=28, now=now, street="迎泽区文庙街道")
        burst(session, 5, at=now - timedelta(hours=3))
        session.commit()
        detect(session, now=now - timedelta(hours=2))
        burst(session, 3, at=now - timedelta(minutes=5), first_citizen=100)
        session.commit()
        detect(session, now=now)
        (alert,) = alerts(session)
        assert (alert.kind, alert.observed, alert.grown) == ("cluster", 8, 1)
        assert len(evidence_of(session, alert)) == 8
    client = insight_any_app.test_client()
    sign_in(client, "analyst", PASSWORD)
    for url in ("/staff/insight/", f"/staff/insight/alerts/{alert.id}", "/staff/insight/briefing.md"):
        assert client.get(url).status_code == 200, url


def test_a_ticket_without_a_place_in_its_address_joins_the_place_its_words_name(session):
    """Citizens often give only the street and say the compound in their words; only a place some
    address names counts (小区 in "小区暖气不热" is no place)."""
    now = utcnow()
    background(session, days=28, now=now, street="迎泽区文庙街道")
    named = burst(session, 3, at=now - timedelta(hours=2))
    spoken = burst(session, 2, at=now - timedelta(hours=1), first_citizen=10, address="迎泽区柳巷街道")
    vague = ticket(session, citizen=20, at=now - timedelta(minutes=30), address="迎泽区柳巷街道",
                   content="小区暖气不热，室温只有十二度，已经三天了。")
    session.commit()
    detect(session, now=now)
    places = dict(session.execute(select(InsightTicket.ticket_id, InsightTicket.place)).all())
    assert {places[item.id] for item in named + spoken} == {"和平小区"} and places[vague.id] is None
    found = alerts(session)
    assert len(found) == 1 and found[0].observed == 5
    assert {item.id for item in named + spoken} <= evidence_of(session, found[0])


def test_everyday_complaints_worded_otherwise_do_not_hide_a_new_event(session):
    """和平小区 complains of heating every few days in other words; five citizens saying the same new
    thing in one day are an event (against all heating tickets there, 5 would be only p ≈ 10⁻³)."""
    now = utcnow()
    for day in range(2, 28, 3):
        ticket(session, citizen=700 + day, at=now - timedelta(days=day), content=QUIET_TEXT)
    event = burst(session, 5, at=now - timedelta(hours=1))
    session.commit()
    detect(session, now=now)
    found = [alert for alert in alerts(session) if alert.kind == "cluster"]
    assert len(found) == 1 and {item.id for item in event} <= evidence_of(session, found[0])
    numbers = found[0].numbers
    assert numbers["p_value"] <= 1e-4 and (numbers["alike_before"], numbers["others_before"]) == (0, 9), numbers
    assert found[0].p_value == numbers["p_value"] and round(found[0].expected, 3) == numbers["expected"]


def test_three_alike_by_chance_at_a_place_with_many_such_tickets_are_its_everyday(session):
    now = utcnow()
    for day in range(2, 28):
        for n in range(2):
            ticket(session, citizen=700 + day * 2 + n, at=now - timedelta(days=day, hours=n), content=QUIET_TEXT)
    three = burst(session, 3, at=now - timedelta(hours=1), first_citizen=300)
    session.commit()
    detect(session, now=now)
    assert not any({item.id for item in three} & evidence_of(session, alert) for alert in alerts(session))


def test_a_place_name_of_two_districts_does_not_gather_tickets_that_say_neither(session):
    """和平小区 in 迎泽区 and in 小店区: tickets that give only "和平小区" (no district, no map point)
    could be either, so they join neither; each district's own tickets stay apart."""
    now = utcnow()
    background(session, days=28, now=now, street="迎泽区文庙街道")
    here = burst(session, 3, at=now - timedelta(hours=3))
    there = burst(session, 2, at=now - timedelta(hours=2), first_citizen=10, address="小店区坞城街道 和平小区2号楼")
    vague = burst(session, 3, at=now - timedelta(hours=1), first_citizen=20, address="和平小区5号楼")
    session.commit()
    detect(session, now=now)
    found = [alert for alert in alerts(session) if alert.kind == "cluster"]
    assert len(found) == 1 and found[0].observed == 3, [alert.summary for alert in found]
    assert evidence_of(session, found[0]) == {item.id for item in here}
    assert not {item.id for item in there + vague} & evidence_of(session, found[0])
