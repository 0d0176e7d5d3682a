"""Personal data on the media seat's pages and exports is always masked (PIPL): no names, openids or
phones; phone and ID numbers inside a citizen's words are masked; an address shows only its place
(compound, site or road), never the building, unit or room."""
from __future__ import annotations

import re

from core.privacy import mask_phone
from stats.insight.areas import AreaIndex, place_key

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
LONG_DIGITS = re.compile(r"(?<!\d)\d{7,}(?!\d)")  # account, card or other numbers


def mask_text(text: str) -> str:
    text = ID_NUMBER.sub("******************", text or "")
    text = MOBILE.sub(lambda match: mask_phone(match.group(0)), text)
    text = LANDLINE.sub(lambda match: match.group(0)[:4] + "****", text)
    return LONG_DIGITS.sub(lambda match: match.group(0)[:2] + "*" * (len(match.group(0)) - 2), text)


def masked_place(address: str, location_label: str = "", index: AreaIndex | None = None) -> str:
    """The place only; with the area index, district and street names are read off first, so
    "柳巷街道和平小区" and "迎泽区柳巷街道 和平小区" are both 和平小区."""
    return (place_key(address, index) or place_key(location_label, index)
            or ("（未填写）" if not address else "（已隐去）"))
