"""The entry form: what the editor typed (kept as typed, to show again beside any error) and the
fields it means for the services (faq.fields names). CSRF is checked by the app's CSRFProtect."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from faq.models import FaqEntry
from faq.versions import snapshot

TEXT_FIELDS = ("key", "question", "similar", "keywords", "answer", "answer_long", "category", "department",
               "valid_from", "valid_until")
KEYWORD_SPLIT = re.compile(r"[\s,，、;；|]+")
MAX_INPUT = 40_000  # longer than any field allows: the services say what is too long
ACTIONS = ("save", "preview", "publish")


@dataclass
class EntryForm:
    values: dict[str, str] = field(default_factory=lambda: dict.fromkeys(TEXT_FIELDS, ""))
    policies: list[str] = field(default_factory=list)
    seen: str = ""  # editing.edit_stamp of the copy the form was drawn from
    latest: str = ""  # after a refused stale save: the current copy's stamp (to overwrite it knowingly)
    note: str = ""  # the publish note
    action: str = "save"
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_entry(cls, entry: FaqEntry, seen: str) -> EntryForm:
        snap = snapshot(entry)
        values = {name: snap.get(name) or "" for name in TEXT_FIELDS}
        values["similar"] = "\n".join(snap["similar"])
        values["keywords"] = " ".join(snap["keywords"])
        return cls(values, list(snap["policies"]), seen=seen)

    @classmethod
    def from_request(cls, form: MultiDict) -> EntryForm:
        action = form.get("action", "save")
        return cls(values={name: form.get(name, "")[:MAX_INPUT] for name in TEXT_FIELDS},
                   policies=[slug[:80] for slug in form.getlist("policies")][:200],
                   seen=(form.get("overwrite") or form.get("seen", ""))[:64], note=form.get("note", "")[:200],
                   action=action if action in ACTIONS else "save")

    def fields(self, *, with_key: bool) -> dict:
        """The values for validate_fields / create_entry / update_entry (the key only for a new entry)."""
        data: dict[str, object] = {name: self.values[name] for name in TEXT_FIELDS if name != "key"}
        data["keywords"] = [word for word in KEYWORD_SPLIT.split(self.values["keywords"]) if word]
        data["policies"] = list(self.policies)
        if with_key:
            data["key"] = self.values["key"]
        return data
