import pytest

from submit.errors import InvalidSubmission
from submit.fields import (
    MAX_ATTACHMENTS,
    AttachmentIn,
    derive_title,
    normalise_phone,
    validate_submission,
)
from tests.submit.conftest import HEATING, HEATING_MIDDLE, submission

PNG_SHA = "ab" + "0" * 62
PNG = AttachmentIn(f"media/ab/{PNG_SHA}.png", PNG_SHA, 2048, "image/png", media_id="m-1")


def problems(session, **overrides) -> dict[str, list[str]]:
    with pytest.raises(InvalidSubmission) as failure:
        validate_submission(session, submission(**overrides))
    return failure.value.by_field()


@pytest.mark.parametrize(("typed", "stored"), [
    ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("+86 138-1234-5678", "13812345678"),
    ("008619912345678", "19912345678"), ("0351-7654321", "03517654321"), ("(0351)7654321", "03517654321"),
    ("010 1234 5678", "01012345678"),
])
def test_mainland_mobiles_and_landlines_are_kept_as_national_digits(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["7654321", "1381234567", "12345", "95588", "400-123-4567", "+852 6123 4567",
                                   "电话号码", ""])
def test_other_numbers_are_refused(typed):
    assert normalise_phone(typed) is None


def test_title_is_the_first_real_sentence():
    assert derive_title("您好！小区门口的路灯坏了一个月了。晚上很黑。") == "小区门口的路灯坏了一个月了"
    long = "楼上住户每天晚上十一点以后在家里装修敲打，噪声非常大，严重影响休息，多次沟通无果"
    assert derive_title(long) == long[:29] + "…" and len(derive_title(long)) == 30
    assert derive_title("暖气\n不热\n") == "暖气 不热"


def test_a_good_submission_is_cleaned(session):
    clean = validate_submission(session, submission(
        content="  您好。我家暖气片一直不热，\r\n室温只有十二度。\x00", name=" 张先生 ", phone="0351-7654321",
        latitude="37.85", longitude=112.55, location_label="坞城路88号", attachments=(PNG,)))
    assert clean.content == "您好。我家暖气片一直不热，\n室温只有十二度。"
    assert clean.title == "我家暖气片一直不热"  # greeting skipped, trailing comma dropped
    assert (clean.name, clean.phone, clean.latitude, clean.longitude) == ("张先生", "03517654321", 37.85, 112.55)
    assert clean.category.code == HEATING and clean.category.department.code == "RLJT"
    assert clean.request_type.time_limit_days == 15 and clean.attachments == (PNG,)


def test_every_bad_field_is_reported_at_once_in_chinese(session):
    found = problems(session, request_type="nope", category=HEATING_MIDDLE, content="暖气 不 热", name="",
                     phone="123", title="标" * 101, attachments=(PNG,) * (MAX_ATTACHMENTS + 1))
    assert set(found) == {"request_type", "category", "content", "name", "phone", "title", "attachments"}
    assert "细分类" in found["category"][0] and "至少 10 个字" in found["content"][0]
    assert "现有 4 个字" in found["content"][0] and "区号" in found["phone"][0]


def test_content_length_bounds(session):
    assert validate_submission(session, submission(content="一二三四五 六七八九十")).content == "一二三四五 六七八九十"
    assert "content" in problems(session, content="一二三四五 六七八九")
    assert "最多" in problems(session, content="长" * 20_001)["content"][0]


def test_location_is_required_only_where_the_type_needs_it(session):
    assert "address" in problems(session, address="")
    assert validate_submission(session, submission(address="", latitude=37.8, longitude=112.5)).latitude == 37.8
    assert validate_submission(session, submission(request_type="suggestion", address="")).address == ""
    assert "location" in problems(session, latitude=37.8)
    assert "location" in problems(session, latitude=97.0, longitude=112.5)
    assert "location" in problems(session, latitude="北纬", longitude=112.5)
    assert "address" in problems(session, address="路" * 201)


@pytest.mark.parametrize("field", [{"category": ""}, {"category": "999999"}, {"request_type": ""},
                                   {"name": "名" * 21}])
def test_missing_or_unknown_choices(session, field):
    assert set(problems(session, **field)) == set(field)


def test_stored_files_only(session):
    forged = AttachmentIn("../../etc/passwd", PNG_SHA, 10, "image/png")
    assert "attachments" in problems(session, attachments=(forged,))
    mismatched = AttachmentIn(f"media/cd/{PNG_SHA}.png", PNG_SHA, 10, "image/png")
    assert "attachments" in problems(session, attachments=(mismatched,))
