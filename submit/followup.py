"""回访: the citizen's (or an agent's phone call's) rating of a handled ticket, and 重办 on request.

A rating answers 是否解决 and 满意度 for one handling round (Ticket.round): one per round, whoever
gives it (the citizen in chat or H5, or an agent who phoned). 解决率 and 满意率 count TicketRating rows.
An unsatisfied or unsolved answer offers the citizen 重办 (reopen_by_citizen), which sends the ticket
back to the hotline's queue as a new round. Functions write in the caller's transaction; the caller
commits.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import utcnow
from faq.errors import FieldError
from staff.models import StaffUser
from submit.errors import FieldErrors, SubmitError
from submit.models import RATING_SATISFACTION, RATING_SOLVED, RATING_SOURCES, Ticket, TicketEvent, TicketRating
from submit.workflow import Citizen, reopen, transition
from submit.workflow_config import workflow
from submit.workflow_deadlines import aware

SOLVED = {"solved": "已解决", "partly": "部分解决", "unsolved": "未解决"}
SATISFACTION = {"very_satisfied": "非常满意", "satisfied": "满意", "basic": "基本满意",
                "dissatisfied": "不满意", "very_dissatisfied": "非常不满意"}
SOURCES = {"wechat": "微信", "h5": "网页", "phone": "电话回访"}
UNSATISFIED = frozenset({"dissatisfied", "very_dissatisfied"})
MAX_COMMENT = 500
PHONE_ROLES = ("admin", "agent", "supervisor")
assert tuple(SOLVED) == RATING_SOLVED and tuple(SATISFACTION) == RATING_SATISFACTION
assert tuple(SOURCES) == RATING_SOURCES


class InvalidRating(SubmitError, FieldErrors):
    """A rating that cannot be taken: bad answers (by field: solved, satisfaction, comment, source) or a
    ticket not waiting for one (field "ticket"). Messages are Chinese."""


class ReopenRefused(SubmitError):
    """重办 is not open to this citizen for this ticket now (message in Chinese)."""


def rating_states() -> frozenset[str]:
    """Statuses in which a ticket waits for its rating (workflow.yaml follow_up.rating_states)."""
    return workflow().rating_states


def current_rating(ticket: Ticket) -> TicketRating | None:
    """The rating of the ticket's current round, if given."""
    return next((rating for rating in ticket.ratings if rating.round == ticket.round), None)


def awaiting_rating(ticket: Ticket) -> bool:
    """Closed (or in 回访) and not yet rated in this round."""
    return ticket.status in rating_states() and current_rating(ticket) is None


def offers_reopen(rating: TicketRating | None) -> bool:
    """An unsatisfied (不满意/非常不满意) or unsolved (未解决) answer offers 重办."""
    return rating is not None and (rating.satisfaction in UNSATISFIED or rating.solved == "unsolved")


def _check_answers(solved: str, satisfaction: str, comment: str, source: str, by: StaffUser | None) -> str:
    errors = []
    if solved not in SOLVED:
        errors.append(FieldError("solved", "请选择是否解决：已解决、部分解决或未解决"))
    if satisfaction not in SATISFACTION:
        errors.append(FieldError("satisfaction", "请选择满意度：非常满意、满意、基本满意、不满意或非常不满意"))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors.append(FieldError("comment", f"意见请不要超过 {MAX_COMMENT} 字（现在 {len(comment)} 字）"))
    if source not in SOURCES:
        raise ValueError(f"unknown rating source {source!r}")
    if source == "phone" and (by is None or by.role not in PHONE_ROLES):
        raise ValueError("a phone rating is recorded by an agent, a supervisor or an admin (by=...)")
    if errors:
        raise InvalidRating(errors)
    return comment


def rating_words(rating: TicketRating) -> str:
    return f"{SOLVED[rating.solved]}，{SATISFACTION[rating.satisfaction]}"


def rated_event(rating: TicketRating, status: str, by: StaffUser | None) -> dict:
    """The `rated` event that records `rating` (given by `by`, or by the citizen) on a ticket in `status`:
    every column but the ticket and the moment."""
    words = rating_words(rating)
    return {"kind": "rated", "actor_kind": "staff" if by else "citizen", "actor_staff_id": by.id if by else None,
            "actor_role": by.role if by else "", "from_status": status, "to_status": status, "public": True,
            "note": f"{SOURCES[rating.source]}评价：{words}" if rating.source == "phone" else f"您的评价：{words}",
            "reason": rating.comment, "data": {"source": rating.source, "solved": rating.solved,
                                               "satisfaction": rating.satisfaction, "round": rating.round}}


def rate_ticket(session: Session, ticket: Ticket, *, solved: str, satisfaction: str, comment: str = "",
                source: str, by: StaffUser | None = None) -> TicketRating:
    """Record the rating of the ticket's current round and its event.

    source: "wechat" or "h5" (the citizen; the caller has checked the ticket is theirs) or "phone" (an
    agent's 回访 call; by = the agent). Raises InvalidRating: bad answers, or the ticket is not waiting
    for a rating (field "ticket": not closed yet, or already rated — also when another rating of this
    round is committed at the same moment; the session is then rolled back). ValueError: caller mistakes.
    """
    comment = _check_answers(solved, satisfaction, comment, source, by)
    if ticket.status not in rating_states():
        raise InvalidRating([FieldError("ticket", "工单办结后才能评价")])
    if current_rating(ticket) is not None:
        raise InvalidRating([FieldError("ticket", "这件工单您已经评价过了，谢谢")])
    now = utcnow()
    rating = TicketRating(ticket=ticket, round=ticket.round, source=source, solved=solved,
                          satisfaction=satisfaction, comment=comment, staff_id=by.id if by else None, created_at=now)
    session.add(rating)
    session.add(TicketEvent(ticket=ticket, **rated_event(rating, ticket.status, by), at=now))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise InvalidRating([FieldError("ticket", "这件工单您已经评价过了，谢谢")]) from None
    return rating


def reopen_by_citizen(session: Session, ticket: Ticket, *, openid: str, reason: str = "") -> Ticket:
    """重办 asked by the citizen after an unsatisfied or unsolved rating of this round: the ticket goes
    back to the hotline's queue (status reopened, a new round and deadline), event and notice recorded.

    Raises ReopenRefused (not their ticket, no such rating, too late) or the workflow's errors."""
    if not openid or ticket.citizen_openid != openid:
        raise ReopenRefused("只能对您本人的工单申请重办")
    rating = current_rating(ticket)
    refusal = reopen_refusal(ticket, rating)
    if refusal:
        raise ReopenRefused(refusal)
    reopen(session, ticket, actor=Citizen(openid), reason=reason.strip(), rating=rating)
    return ticket


def reopen_refusal(ticket: Ticket, rating: TicketRating | None) -> str | None:
    """Why the ticket's citizen may not ask for 重办 now (None: they may), in their words."""
    if ticket.status == "reopened":
        return "您已申请重办，12345 会重新安排办理"
    if ticket.status not in rating_states():
        return "工单答复后才能申请重办"
    if not offers_reopen(rating):
        return "只有评价为未解决或不满意的工单可以申请重办"
    limit = workflow().limits.citizen_reopen_within_days
    if ticket.closed_at is not None and (utcnow() - aware(ticket.closed_at)).days >= limit:
        return f"工单办结已超过 {limit} 天，不能再申请重办；如有需要请重新提交诉求或拨打 12345"
    return None



def record_follow_up_call(session: Session, ticket: Ticket, *, actor: StaffUser, reached: bool,
                          solved: str | None = None, satisfaction: str | None = None,
                          comment: str = "") -> TicketRating | None:
    """电话回访 by an agent: the call's outcome (reached or not) as an event and, when the citizen was
    reached and answered, their rating (source "phone", counted like the citizen's own). Returns it.

    Raises the workflow's errors (role, state) or InvalidRating (answers, or the round already rated)."""
    answered = reached and bool(solved or satisfaction)
    if answered:
        _check_answers(solved or "", satisfaction or "", comment, "phone", actor)
        if current_rating(ticket) is not None:
            raise InvalidRating([FieldError("ticket", "本轮办理已有评价，不能重复记录")])
    transition(session, ticket, "follow_up_call", actor=actor, reason=comment.strip() if not answered else "",
               reached=reached, rated=answered)
    if not answered:
        return None
    return rate_ticket(session, ticket, solved=solved, satisfaction=satisfaction, comment=comment, source="phone",
                       by=actor)
