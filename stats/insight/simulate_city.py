"""The simulated city: its places (compounds, roads, construction sites per street, with coordinates),
its categories (the leaf categories of the database with weights) and the words of its tickets."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reference.models import Category, Department
from stats.insight import simulate_data as data

PLACES_PER_STREET = {"compound": 150, "road": 12, "site": 4}


@dataclass(frozen=True)
class Place:
    kind: str
    name: str
    district: str  # short names
    street: str
    latitude: float
    longitude: float

    def address(self, rng: random.Random) -> str:
        """How a citizen or agent writes it: with district and street, with the street only, bare, or not at all."""
        detail = f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元" if self.kind == "compound" else ""
        roll = rng.random()
        if roll < 0.6:
            return f"{self.district}{self.street} {self.name}{detail}"
        if roll < 0.8:
            return f"{self.street}{self.name}{detail}"
        if roll < 0.95:
            return f"{self.name}{detail}"
        return ""


@dataclass(frozen=True)
class SimCategory:
    code: str
    name: str
    keywords: tuple[str, ...]
    weight: float
    place_kind: str  # compound, road, site, none
    heating: bool
    parent_code: str


def _model(code: str) -> tuple[float, str]:
    for length in range(len(code), 0, -1):
        if code[:length] in data.CATEGORY_MODEL:
            return data.CATEGORY_MODEL[code[:length]]
    return 1.0, "none"


class City:
    def __init__(self, session: Session, seed: int):
        rng = random.Random(seed * 31 + 5)
        leaves = [category for category in session.scalars(select(Category).where(Category.active))
                  if not category.children]
        self.categories: list[SimCategory] = []
        for category in sorted(leaves, key=lambda item: item.code):
            weight, kind = _model(category.code)
            self.categories.append(SimCategory(
                category.code, category.name, tuple(category.keywords or (category.name,)),
                weight * math.exp(rng.gauss(0, 0.7)), kind, category.code.startswith(data.HEATING),
                category.parent.code if category.parent else category.code))
        self.base_weight = sum(category.weight for category in self.categories)
        self.places: dict[str, list[list[Place]]] = {kind: [] for kind in PLACES_PER_STREET}
        self.district_weights: list[float] = []
        self._build_places(session, rng)

    def _build_places(self, session: Session, rng: random.Random) -> None:
        districts = list(session.scalars(select(Department).where(Department.kind == "district")
                                         .order_by(Department.code)))
        names = [head + middle + tail for head in data.NAME_HEADS for middle in data.COMPOUND_MIDDLES
                 for tail in data.COMPOUND_TAILS]
        names = iter(rng.sample(names, len(names)))
        for district in districts:
            lat, lon, weight = data.DISTRICTS.get(district.code, (*data.CITY_CENTRE, 0.5))
            streets = [child for child in district.children if child.kind == "street"] or [district]
            by_kind: dict[str, list[Place]] = {kind: [] for kind in PLACES_PER_STREET}
            # Road and site names are unique within a district (a city repeats them across districts).
            roads = iter(rng.sample([head + tail for head in data.NAME_HEADS for tail in data.ROAD_TAILS],
                                    len(data.NAME_HEADS) * len(data.ROAD_TAILS)))
            sites = iter(rng.sample([head + tail for head in data.NAME_HEADS for tail in data.SITE_TAILS],
                                    len(data.NAME_HEADS) * len(data.SITE_TAILS)))
            for street in streets:
                s_lat, s_lon = lat + rng.gauss(0, 0.012), lon + rng.gauss(0, 0.012)
                street_name = street.short_name if street.kind == "street" else ""
                for kind, count in PLACES_PER_STREET.items():
                    for n in range(count):
                        if kind == "compound":
                            name = next(names, f"{street.short_name[:2]}{n}号院")
                        elif kind == "road":
                            name = next(roads)
                        else:
                            name = next(sites)
                        by_kind[kind].append(Place(kind, name, district.short_name, street_name,
                                                   s_lat + rng.gauss(0, 0.004), s_lon + rng.gauss(0, 0.004)))
            for kind, places in by_kind.items():
                self.places[kind].append(places)
            self.district_weights.append(weight)

    def place_for(self, rng: random.Random, category: SimCategory) -> Place | None:
        if category.place_kind == "none" or not self.district_weights:
            return None
        district = rng.choices(range(len(self.district_weights)), weights=self.district_weights)[0]
        return rng.choice(self.places[category.place_kind][district])

    def sibling(self, rng: random.Random, category: SimCategory) -> SimCategory:
        siblings = [other for other in self.categories if other.parent_code == category.parent_code]
        return rng.choice(siblings)

    def category(self, code: str) -> SimCategory:
        return next(category for category in self.categories if category.code == code)

    @staticmethod
    def text(rng: random.Random, category: SimCategory, place: Place | None, keyword: str | None = None,
             story: str | None = None) -> str:
        words = keyword or rng.choice(category.keywords)
        if rng.random() < 0.4:
            words += rng.choice(("", "的情况", "问题", "很严重"))
        detail = rng.choice(data.DETAILS).format(dur=rng.choice(data.DURATIONS))
        ask = rng.choice(data.ASKS)
        if story:
            return f"{story}，{detail}，{ask}。"
        if place is None:
            return rng.choice(data.TEMPLATES_NONE).format(kw=words, detail=detail, ask=ask)
        return rng.choice(data.TEMPLATES_AT).format(where=place.name, kw=words, detail=detail, ask=ask)
