"""The pieces detection stands on: the negative-binomial tail, place names from addresses, masking."""
from __future__ import annotations

import math

import pytest

from stats.insight.areas import AreaIndex, grid_cell, neighbours, place_key, spoken_places
from stats.insight.masking import mask_text, masked_place
from stats.insight.tails import nb_upper_tail, upper_tail


def brute_tail(k: int, shape: float, mean: float) -> float:
    q = shape / (shape + mean)
    below = sum(math.exp(math.lgamma(j + shape) - math.lgamma(shape) - math.lgamma(j + 1) + shape * math.log(q)
                         + j * math.log1p(-q)) for j in range(k))
    return 1 - below


@pytest.mark.parametrize("k, shape, mean", [(3, 0.1, 0.1), (5, 2, 1), (10, 5, 3), (1, 1, 1), (30, 50, 15)])
def test_the_tail_matches_the_sum_of_the_mass_below(k, shape, mean):
    assert nb_upper_tail(k, shape, mean) == pytest.approx(brute_tail(k, shape, mean), rel=1e-6, abs=1e-12)


def test_a_long_quiet_history_makes_few_citizens_unusual_and_no_history_does_not():
    quiet = upper_tail(5, 0, 4, prior_mean=0.2, prior_weight=0.1)
    unknown = upper_tail(5, 0, 0, prior_mean=0.2, prior_weight=0.1)
    busy = upper_tail(5, 12, 4, prior_mean=0.2, prior_weight=0.1)
    assert quiet.p_value < 1e-5 < busy.p_value and quiet.p_value < unknown.p_value
    assert upper_tail(60, 150, 4, prior_mean=0, prior_weight=0, max_shape=50).p_value > \
        upper_tail(60, 150, 4, prior_mean=0, prior_weight=0).p_value  # overdispersion widens the tail


@pytest.mark.parametrize("address, place", [
    ("迎泽区柳巷街道 新建南路 和平小区 3号楼2单元301", "和平小区"),
    ("华苑东区小区12号楼3单元", "华苑东区小区"),  # the whole name, not 华苑
    ("西苑北路", "西苑北路"),
    ("铁路东区公寓27号楼5单元", "铁路东区公寓"),
    ("龙城三期名都12号楼", "龙城三期名都"),  # no known ending: what names it before the building
    ("小店区 坞城路88号 山大宿舍", "山大宿舍"),
    ("滨河东路与长风街交叉口工地", "长风街工地"),
    ("家里暖气不热", None),
    ("", None),
])
def test_the_place_an_address_names(address, place):
    assert place_key(address) == place


@pytest.mark.parametrize("content, places", [("柳溪新居名都4号楼和26号楼都停水，三天了", ["柳溪新居名都"]),
                                             ("迎春佳园新村这几天大面积延迟供暖", ["迎春佳园新村", "迎春佳园"]),
                                             ("双塔南路学校门口占道", ["双塔南路学校", "双塔南路"]),
                                             ("家里暖气不热，和平小区的都这样", []), ("", [])])
def test_the_places_a_ticket_s_words_may_open_with(content, places):
    assert spoken_places(content) == places


def test_areas_from_the_words_of_an_address(session):
    index = AreaIndex.from_session(session)
    street = index.resolve("迎泽区柳巷街道 和平小区")
    assert index.label(f"s{street.street_id}") == "迎泽区柳巷街道" and index.label(f"d{street.district_id}") == "迎泽区"
    only_street = index.resolve("柳巷街道和平小区")
    assert (only_street.street_id, only_street.district_id) == (street.street_id, street.district_id)
    assert index.resolve("和平小区3号楼").district_id is None
    assert index.label("city") == "全市" and index.label(grid_cell(37.86, 112.55)).startswith("网格(37.8")
    assert len(neighbours("g1_1")) == 9 and grid_cell(None, None) is None


def test_what_analysts_see_is_masked():
    text = mask_text("我电话13912345678，座机0351-4567890，身份证140105199001011234，卡号6222021234567890")
    assert "139****5678" in text and "0351-4567890" not in text and "140105199001011234" not in text
    assert "6222021234567890" not in text
    assert masked_place("迎泽区柳巷街道 和平小区3号楼2单元301") == "和平小区"
    assert masked_place("") == "（未填写）" and masked_place("我家楼下") == "（已隐去）"


def test_a_place_is_named_the_same_however_the_area_is_written(session):
    index = AreaIndex.from_session(session)
    written = ["迎泽区柳巷街道 和平小区3号楼", "柳巷街道和平小区5号楼", "迎泽区柳巷街道和平小区", "和平小区2号楼"]
    assert {masked_place(address, "", index) for address in written} == {"和平小区"}
