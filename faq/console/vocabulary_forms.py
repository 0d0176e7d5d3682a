"""Forms of the synonyms and dictionary page, and how their text boxes become service arguments.

Validation of the words themselves stays in faq.synonyms (one source of truth); these forms only
carry CSRF, bound the input and map a service error to the field it is about.
"""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

# A word may contain no space (faq.synonyms refuses it), so any of these separates two words.
WORD_SEPARATORS = re.compile(r"[\s,，、;；|]+")


def split_words(text: str | None) -> list[str]:
    """The words of a text box: one a line, or separated by spaces, commas, 、, ; or |."""
    return [word for word in WORD_SEPARATORS.split(text or "") if word]


class SynonymGroupForm(FlaskForm):
    words = TextAreaField("同义词", validators=[Length(max=2000, message="同义词最多填写 2000 字")],
                          description="每行一个词，或用空格、逗号、顿号、| 分隔；一个词只能在一个同义词组里")
    note = StringField("备注", validators=[Length(max=200, message="备注最多 200 字")],
                       description="可不填，说明这组词的用途")


class DictionaryWordEditForm(FlaskForm):
    frequency = StringField("词频", validators=[Length(max=12, message="词频应为正整数")],
                            description="正整数，可不填；越大越倾向于切成这个词")
    pos = StringField("词性", validators=[Length(max=20, message="词性应为 1–8 个英文字母（如 n、v、nz）")],
                      description="英文字母，可不填，如 n（名词）、v（动词）、nz（专有名词）")


class DictionaryWordForm(DictionaryWordEditForm):
    word = StringField("词语", validators=[Length(max=100, message="词语最多 30 字")],
                       description="不含空格，最多 30 字")


class ConfirmForm(FlaskForm):
    """A delete button: nothing but the CSRF token."""


def dictionary_error_field(message: str) -> str:
    """The dictionary form field an InvalidVocabulary message is about; faq.synonyms starts each
    message with the field's name (词频…, 词性…; anything else is about the word)."""
    if message.startswith("词频"):
        return "frequency"
    if message.startswith("词性"):
        return "pos"
    return "word"
