"""Terms of tickets and questions for rising topics: the 微查询 engine's words (query.tokenise on
query.normalise), without fillers, numbers and one-character words."""
from __future__ import annotations

import re

from faq.inbox import FILLERS

MAX_TERMS = 24
MAX_TERM = 16
STOP_WORDS = """希望 处理 问题 反映 已经 尽快 解决 相关 部门 相关部门 没有 现在 一直 还是 就是 这个 那个 我们 他们
你们 非常 特别 情况 时候 多次 一下 麻烦 谢谢 感谢 市民 目前 导致 严重 影响 可以 能够 进行 要求 请求 核实 给予 联系
今天 昨天 每天 晚上 早上 几天 好几天 一个 两个 时间 小时 工作人员 有关 单位 反应 投诉 举报 咨询 建议 求助 号楼 单元 街道
小区 只有 我家 家里 居民"""
STOP = frozenset(STOP_WORDS.split())
NUMBERISH = re.compile(r"^[\d.:\-a-z]+$")
_tokeniser = None


def tokeniser():
    global _tokeniser
    if _tokeniser is None:
        from query.tokenise import Tokeniser

        _tokeniser = Tokeniser()
    return _tokeniser


def terms_of(text: str, limit: int = MAX_TERMS) -> list[str]:
    """Distinct content words of a text, in order of first use."""
    from query.normalise import normalise

    seen: dict[str, None] = {}
    for word in tokeniser().words(normalise(text or "")):
        if (2 <= len(word) <= MAX_TERM and word not in STOP and not NUMBERISH.match(word)
                and not FILLERS.fullmatch(word)):
            seen.setdefault(word, None)
            if len(seen) >= limit:
                break
    return list(seen)


def ticket_terms(title: str, content: str) -> list[str]:
    return terms_of(f"{title or ''} {content or ''}")
