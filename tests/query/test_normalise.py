import pytest

from query.normalise import chinese_numerals_to_arabic, clean, normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ｈｅｌｌｏ，ＷＯＲＬＤ！１２３", "hello world 123"),  # full-width → half-width, lower case
        ("交通違規簡訊服務常見問答", "交通违规简讯服务常见问答"),  # Traditional → Simplified
        ("暖气片不热咋整？！", "暖气片不热咋整"),  # punctuation folded
        ("  暖气 \t\n 不热  ", "暖气 不热"),  # whitespace folded
        ("三岁以下孩子", "3岁以下孩子"),  # a numeral before a unit
        ("第二套房贷款", "第2套房贷款"),  # after 第
        ("拨打一二三四五", "拨打12345"),  # digit by digit
        ("两个月", "2个月"),
        ("一百零八个", "108个"),
        ("三万五千元", "35000元"),
        ("十一月一号", "11月1号"),
        ("十分感谢", "十分感谢"),  # words that only look like numbers stay
        ("万一下雨", "万一下雨"),
        ("一些人", "一些人"),
        ("利率1.5%，8:30上班", "利率1.5 8:30上班"),  # decimal point and time kept
        ("https://www.example.gov.cn/a?b=1 打不开", "打不开"),  # URLs removed
        ("<script>alert(1)</script>暖气", "alert 1 暖气"),  # tags removed
        ("'; DROP TABLE faq;--", "drop table faq"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "😀😀🎉", "🙏🏻", "？？？", "……", "\u200b\u200d"])
def test_nothing_left_to_match(raw):
    assert normalise(raw) == ""


def test_long_paste_is_cut_and_fast():
    import time

    started = time.perf_counter()
    out = normalise("我要投诉物业" * 1000)
    assert len(out) <= 2000
    assert time.perf_counter() - started < 0.5


def test_clean_keeps_punctuation_for_the_encoder():
    assert clean("暖气不热？ 怎么办！") == "暖气不热? 怎么办!"


def test_numerals_leave_plain_text_alone():
    assert chinese_numerals_to_arabic("供暖期室内温度不达标") == "供暖期室内温度不达标"
