"""Where a ticket happened, as detection counts it: district and street (from the words of its address,
matched against the Department tree), a grid cell (from its coordinates), and a place key (the
residential compound, site or road the address names) for same-event clusters.

Tickets carry no district/street column: citizens and agents write them into the address. A street's
short name (柳巷街道) names the street and its district; a district's short name (迎泽区) the district
only. Area codes: "city", "d<department id>", "s<department id>", "g<row>_<col>".
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reference.models import Department

CITY = "city"
# The end of a place's name in an address: 和平小区, 山大宿舍, 长风街工地 …; else a road: 坞城路.
COMPOUND = re.compile(r"小区|园|公寓|大厦|广场|苑|院|村|城|名都|府|公馆|湾|郡|工地|市场|医院|学校|中学|小学|宿舍")
ROAD = re.compile(r"大街|路|街|巷")
SEPARATOR = re.compile(r"\d+[号弄]?|与|交叉口|附近|对面|旁边|[\s\W_]+")
UNIT = re.compile(r"\d+\s*(?:号楼|栋|幢|单元|层|室)")
# A road before the compound's name is dropped (新建南路和平小区); a road name has 3+ characters, so
# 铁路东区公寓 stays whole.
CLAUSE = re.compile(r"[，,。.!！?？；;：:\s]")
LEADING_ROAD = re.compile(r"^.{2,}?(?:大街|路|街|巷)(?=.{3})")


@dataclass(frozen=True)
class Area:
    district_id: int | None
    street_id: int | None


class AreaIndex:
    """District and street names of the Department tree, longest first (柳巷街道 before 柳巷)."""

    def __init__(self, departments: list[Department]):
        self.names: dict[int, str] = {}
        self.full_names: dict[int, str] = {}
        self.parent: dict[int, int | None] = {}
        matchers: list[tuple[str, Department]] = []
        for department in departments:
            if department.kind not in ("district", "street"):
                continue
            self.names[department.id] = department.short_name
            self.parent[department.id] = department.parent_id
            for word in {department.short_name, department.name.removesuffix("办事处").removesuffix("人民政府")}:
                if len(word) >= 2:
                    matchers.append((word, department))
        self.kind = {department.id: department.kind for department in departments}
        self._matchers = sorted(matchers, key=lambda item: -len(item[0]))
        for department_id, parent_id in self.parent.items():
            parent_name = self.names.get(parent_id, "") if parent_id else ""
            self.full_names[department_id] = parent_name + self.names[department_id]

    @classmethod
    def from_session(cls, session: Session) -> AreaIndex:
        return cls(list(session.scalars(select(Department).where(Department.kind.in_(("district", "street"))))))

    def resolve(self, *texts: str) -> Area:
        district = street = None
        for text in texts:
            if not text:
                continue
            for word, department in self._matchers:
                if word not in text:
                    continue
                if department.kind == "street" and street is None:
                    street = department.id
                    district = district or department.parent_id
                elif department.kind == "district" and district is None:
                    district = department.id
            if street is not None:
                break
        return Area(district, street)

    def label(self, area: str) -> str:
        """The area code in words: 全市, 迎泽区, 迎泽区柳巷街道, 网格(37.865,112.552)附近."""
        if area == CITY:
            return "全市"
        if area.startswith(("d", "s")) and area[1:].isdigit():
            return self.full_names.get(int(area[1:]), "未知区域")
        if area.startswith("g"):
            lat, lon = grid_center(area)
            return f"网格({lat:.3f},{lon:.3f})附近"
        return "未知区域"

    def strip(self, text: str) -> str:
        for word, _department in self._matchers:
            text = text.replace(word, " ")
        return text


GRID_LAT = 0.009
GRID_LON = 0.0115


def grid_cell(latitude: float | None, longitude: float | None, lat_step: float = GRID_LAT,
              lon_step: float = GRID_LON) -> str | None:
    if latitude is None or longitude is None or not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    return f"g{math.floor(latitude / lat_step)}_{math.floor(longitude / lon_step)}"


def grid_center(cell: str, lat_step: float = GRID_LAT, lon_step: float = GRID_LON) -> tuple[float, float]:
    row, col = (int(part) for part in cell[1:].split("_"))
    return (row + 0.5) * lat_step, (col + 0.5) * lon_step


def neighbours(cell: str) -> list[str]:
    """The cell and the eight around it."""
    row, col = (int(part) for part in cell[1:].split("_"))
    return [f"g{row + dr}_{col + dc}" for dr in (-1, 0, 1) for dc in (-1, 0, 1)]


def place_key(address: str, index: AreaIndex | None = None) -> str | None:
    """The compound, site or road an address names (building, unit and room dropped), normalised;
    None when the address names none."""
    text = unicodedata.normalize("NFKC", address or "")
    if index is not None:
        text = index.strip(text)
    unit = UNIT.search(text)
    head = text[:unit.start()] if unit else text  # the place is named before its building and unit
    found = [(match, pattern is COMPOUND) for pattern in (COMPOUND, ROAD) for match in pattern.finditer(head)]
    # The suffix that ends last names the place whole: 华苑东区小区 (not 华苑), 西苑北路 (not 西苑).
    for match, trim in sorted(found, key=lambda pair: (-pair[0].end(), not pair[1]))[:1]:
        pieces = [piece for piece in SEPARATOR.split(text[:match.end()]) if piece]
        name = pieces[-1] if pieces else ""
        name = LEADING_ROAD.sub("", name) if trim else name
        if name == match.group(0) and len(pieces) > 1:  # 工地 alone: say where (长风街工地)
            name = pieces[-2] + name
        if len(name) >= 2:
            return name[:60]
    if unit:  # 龙城三期名都12号楼: whatever names the place before its building
        pieces = [piece for piece in SEPARATOR.split(head) if piece]
        if pieces and 2 <= len(pieces[-1]) <= 20:
            return pieces[-1]
    return None


def spoken_places(content: str, index: AreaIndex | None = None) -> list[str]:
    """The places a ticket's words may open with, longest first (迎春佳园新村19号楼整栋停暖 → 迎春佳园新村,
    迎春佳园): guesses for a ticket whose address names none, which the caller keeps only when some
    address names one of them too."""
    first = CLAUSE.split(unicodedata.normalize("NFKC", content or "").strip(), maxsplit=1)[0]
    ends = {match.end() for pattern in (COMPOUND, ROAD) for match in pattern.finditer(first)}
    names = {place_key(first[:end], index) for end in ends}
    return sorted((name for name in names if name), key=len, reverse=True)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(a)))
