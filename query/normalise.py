"""Text normalisation applied alike to what is indexed and to what citizens ask.

Two levels:
- `clean(text)`: the sentence as a reader sees it, for the sentence encoder: cut to MAX_INPUT_CHARS,
  NFKC, URLs and tags removed, Simplified, lower case, numerals as digits, whitespace collapsed;
  punctuation is kept (the encoder was trained on punctuated text: dropping it cost 5 of 31
  taipei_queries at top-1 in our measurement).
- `normalise(text)`: `clean` and then punctuation folded, for the lexical channels.

`normalise(text)` returns a lower-case Simplified Chinese string in which
- full-width letters, digits and punctuation are half-width (Unicode NFKC);
- URLs and HTML/XML tags are removed (they never match a knowledge-base question);
- Traditional characters are Simplified (OpenCC t2s tables, offline);
- Chinese numerals are Arabic where a number is meant: before a unit (三岁, 两个月, 二胎),
  after 第 (第二套), and digit-by-digit strings (一二三四五 → 12345);
- every run of punctuation, symbols (emoji included), control characters and whitespace is one
  space; a decimal point or colon between two digits is kept (1.5, 8:30).
It never raises on str input and returns "" for text with nothing left to match.
"""
from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

# Work on at most this many characters of raw input: a 5,000-character paste is cut first.
MAX_INPUT_CHARS = 2000

_URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\uff01-\uff5e\u4e00-\u9fff]*", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_SPACES = re.compile(r" {2,}")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SCALES = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SCALES) + "".join(_BIG)
# Units after which a Chinese numeral is a number. Longer units first (the regex tries them in order).
_UNITS = (
    "个工作日|工作日|个小时|小时|分钟|周岁|年级|个月|个人|平方米|平米|公里|公斤|万元|"
    "岁|个|月|年|天|日|号|点|楼|层|栋|幢|单元|室|套|次|胎|孩|级|元|块|倍|折|人|口|户|项|条|张|周|期|批|名|位|辆"
)
_NUMERAL_RUN = re.compile(
    rf"(第)?([{_NUMERAL_CHARS}]+)(?=({_UNITS}))|(第)([{_NUMERAL_CHARS}]+)|([零〇一二三四五六七八九]{{3,}})"
)
# Runs that look numeric but are words (十分 = very, 万一 = in case, 千万 = by all means).
_NOT_NUMBERS = {"十分", "万一", "千万", "一一", "万分", "百分"}


def _parse_numeral(run: str) -> int | None:
    """Value of a Chinese numeral such as 三, 十二, 二十五, 一百零八, 三万五千; None if malformed."""
    total, section, digit = 0, 0, None
    for ch in run:
        if ch in _DIGITS:
            if digit:
                return None  # two digits in a row (一二) inside a counted number
            digit = _DIGITS[ch]
        elif ch in _SCALES:
            section += (1 if digit is None else digit) * _SCALES[ch]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            if section == 0:
                return None
            total += section * _BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def _numeral_to_arabic(match: re.Match) -> str:
    if match.group(6):  # 一二三四五: read digit by digit
        return "".join(str(_DIGITS[c]) for c in match.group(6))
    prefix = match.group(1) or match.group(4) or ""
    run = match.group(2) or match.group(5)
    if run in _NOT_NUMBERS and not prefix:
        return match.group(0)
    value = _parse_numeral(run)
    return match.group(0) if value is None else f"{prefix}{value}"


def chinese_numerals_to_arabic(text: str) -> str:
    if not any(c in _NUMERAL_CHARS for c in text):
        return text
    return _NUMERAL_RUN.sub(_numeral_to_arabic, text)


@lru_cache(maxsize=1)
def _t2s():
    """(converter, set of characters that are Traditional-only), loaded once per process."""
    from opencc import OpenCC

    converter = OpenCC("t2s")
    import opencc as package

    table = os.path.join(os.path.dirname(package.__file__), "dictionary", "TSCharacters.txt")
    traditional = set()
    with open(table, encoding="utf-8") as handle:
        for line in handle:
            source, _, targets = line.rstrip("\n").partition("\t")
            if source and source not in targets.split():
                traditional.add(source)
    return converter, frozenset(traditional)


def to_simplified(text: str) -> str:
    converter, traditional = _t2s()
    if not any(c in traditional for c in text):
        return text  # the usual case, ≈ 30× cheaper than converting
    return converter.convert(text)


def _kept(ch: str) -> bool:
    """Letters and digits (CJK included) are kept; punctuation, symbols, marks, controls, spaces are not."""
    return unicodedata.category(ch)[0] in "LN"


# Every Basic Multilingual Plane character that folds to a space, except . and : (kept between digits).
_FOLD_TABLE = {code: " " for code in range(0x10000) if code not in (0x2E, 0x3A) and not _kept(chr(code))}
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # emoji and rarer scripts: decided one by one
_LONE_MARK = re.compile(r"(?<![0-9])[.:]|[.:](?![0-9])")


def _fold(text: str) -> str:
    text = text.translate(_FOLD_TABLE)
    if not text.isascii():
        text = _ASTRAL.sub(lambda m: m.group(0) if _kept(m.group(0)) else " ", text)
    if "." in text or ":" in text:
        text = _LONE_MARK.sub(" ", text)  # 1.5 and 8:30 keep theirs
    return _SPACES.sub(" ", text).strip()


_WHITESPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text[:MAX_INPUT_CHARS])
    text = _TAG.sub(" ", _URL.sub(" ", text))
    text = chinese_numerals_to_arabic(to_simplified(text).lower())
    return _WHITESPACE.sub(" ", text).strip()


def fold(cleaned: str) -> str:
    """The lexical form of a `clean` text: punctuation, symbols and spaces folded to single spaces."""
    return _fold(cleaned)


def normalise(text: str) -> str:
    return _fold(clean(text))
