"""Fixed synthetic tickets and questions for the detection tests, made through the real services."""
from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from sqlalchemy import select

from core.db import utcnow
from staff.models import StaffUser
from stats.insight.detect import RunReport, run_detection
from stats.insight.models import QuestionLog
from stats.insight.params import Params
from submit.fields import Submission
from submit.service import create_ticket

HEATING = "010101"  # 供热 · 暖气不热
NOISE = "050302"  # 噪声污染 · 夜间施工
PLACE = "迎泽区柳巷街道 和平小区{n}号楼"
SECRET = b"insight-tests"
_keys = count(1)


EVENT_TEXT = "和平小区整栋楼暖气不热，室温只有十二度，已经三天了，希望尽快处理。"
QUIET_TEXT = "家里暖气片上面热下面凉，想问问供热公司什么时候来排气。"


def ticket(session, *, citizen: int, at: datetime, category: str = HEATING, address: str | None = None,
           content: str = EVENT_TEXT, latitude=None, longitude=None, channel: str = "wechat"):
    """One ticket of citizen number `citizen` (openid and phone derived from it), received at `at`."""
    submission = Submission(request_type="complaint", category=category, content=content, name="王先生",
                            phone=f"1380000{citizen:04d}",
                            openid=f"o-insight-{citizen}" if channel != "phone" else None,
                            address=address if address is not None else PLACE.format(n=citizen % 20 + 1),
                            latitude=latitude, longitude=longitude)
    return create_ticket(session, submission, channel=channel, idempotency_key=f"insight-test:{next(_keys)}",
                         received_at=at)


def burst(session, size: int, *, at: datetime, first_citizen: int = 1, **fields) -> list:
    """`size` tickets from distinct citizens, ten minutes apart, ending at `at`."""
    return [ticket(session, citizen=first_citizen + n, at=at - timedelta(minutes=10 * (size - n)), **fields)
            for n in range(size)]


def background(session, *, days: int, per_week: int = 2, now: datetime | None = None, street: str = "迎泽区柳巷街道",
               **fields) -> list:
    """A quiet history: `per_week` tickets a week at other places of the street, for `days` days (weeks
    at days, days − 7, … down to 14 days ago)."""
    now = now or utcnow()
    made = []
    for day in range(days, 7, -7):
        for n in range(per_week):
            made.append(ticket(session, citizen=5000 + day * 10 + n, at=now - timedelta(days=day - n),
                               address=f"{street} 背景{day}{n}号院", content=QUIET_TEXT, **fields))
    return made


def question(session, text: str, *, citizen: int, at: datetime, answered: bool = True):
    """A question in the light log (answered) or the unanswered inbox."""
    from faq.inbox import normalize_question, record_unanswered

    if not answered:
        row = record_unanswered(session, text, openid_hash=f"hash-{citizen}")
        row.created_at = at
        return row
    row = QuestionLog(text=text, normalized=normalize_question(text), openid_hash=f"hash-{citizen}",
                      channel="wechat", outcome="answer", created_at=at)
    session.add(row)
    session.flush()
    return row


def detect(session, *, now: datetime | None = None, full: bool = False, **params) -> RunReport:
    report = run_detection(session, secret=SECRET, now=now or utcnow(), full=full, params=Params(**params))
    session.commit()
    return report


def staff(session, role: str) -> StaffUser:
    return session.scalar(select(StaffUser).where(StaffUser.username == role))
