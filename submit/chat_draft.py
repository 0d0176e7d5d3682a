"""The submission being written in chat: the dialogue's data, and which parts of the form it has."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from reference.models import RequestType
from submit.chat_flow import DialogueData
from submit.fields import Submission

ENQUIRY = "enquiry"


@dataclass
class Draft(DialogueData):
    request_type: str = ""  # RequestType.code
    type_name: str = ""
    needs_location: bool = False
    content: str = ""
    short: str = ""  # a description too short so far, kept until the next message completes it
    asked_knowledge_base: bool = False  # a 咨询 has been put to 微查询
    enquiry_ids: list[int] = field(default_factory=list)  # the entries 微查询 offered
    suggestions: list[str] = field(default_factory=list)  # category codes offered, best first
    category: str = ""
    category_name: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_label: str = ""
    place_skipped: bool = False
    photos: list[str] = field(default_factory=list)  # WeChat media ids, downloads started
    photos_done: bool = False
    photo_waits: int = 0  # 确认 answered "still saving" this many times
    name: str = ""
    phone: str = ""
    confidential: bool | None = None
    last_name: str = ""  # from the citizen's previous ticket, offered again
    last_phone: str = ""
    duplicate_of: str = ""  # the number of a ticket with the same content sent minutes ago (submit.guards)
    not_duplicate: bool = False  # the citizen said this one is not a duplicate of it

    @property
    def has_place(self) -> bool:
        return bool(self.address) or self.latitude is not None

    def set_type(self, request_type: RequestType) -> None:
        self.request_type, self.type_name = request_type.code, request_type.name
        self.needs_location = request_type.needs_location

    def set_content(self, content: str) -> None:
        """New words: the category must be chosen again from new suggestions."""
        self.content, self.short = content, ""
        self.suggestions, self.category, self.category_name = [], "", ""

    def submission(self, openid: str, attachments: tuple = ()) -> Submission:
        return Submission(request_type=self.request_type, category=self.category, content=self.content,
                          name=self.name, phone=self.phone, address=self.address, latitude=self.latitude,
                          longitude=self.longitude, location_label=self.location_label, openid=openid,
                          confidential=bool(self.confidential), attachments=attachments)


def request_types(session: Session) -> list[RequestType]:
    return list(session.scalars(select(RequestType).where(RequestType.active)
                                .order_by(RequestType.sort, RequestType.id)))


def request_type(session: Session, code: str) -> RequestType | None:
    return session.scalar(select(RequestType).where(RequestType.code == code, RequestType.active))


# What each part of the form needs to count as answered (the dialogue asks the first one that is not).
FILLED = {
    "type": lambda draft: bool(draft.request_type),
    "describe": lambda draft: bool(draft.content),
    "category": lambda draft: bool(draft.category),
    "place": lambda draft: draft.has_place or (draft.place_skipped and not draft.needs_location),
    "photos": lambda draft: draft.photos_done,
    "name": lambda draft: bool(draft.name),
    "phone": lambda draft: bool(draft.phone),
    "confidential": lambda draft: draft.confidential is not None,
}
FORM = list(FILLED)
