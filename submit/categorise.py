"""Suggest categories (leaves of reference.models.Category) for a citizen's description.

Two signals, added up per leaf:
- the leaf's keywords and names found in the text (the leaf's own name and keywords weigh 1, its
  parents' names 0.5), each weighted by how rare the word is among leaves (idf) and its length,
  scaled so the best leaf scores 1;
- the knowledge base: the entries 微查询 finds for the text vote for their categories with their
  fused scores (query.web.answers; citizens' wording is matched there by synonyms and vectors).
Measured on the demo data (tests/submit/test_categorise.py): the right leaf is in the top 3 for 19
of 20 demo tickets and 97 % of the held-out citizen questions; keywords alone: 80 % and 47 %.
"""
from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from reference.models import Category
from submit.emergency import compact  # one form of text for matching keyword lists

log = logging.getLogger(__name__)

GENERAL_LEAF = "9901"  # 其他 → 其他: the hotline's catch-all, classified by the agents
OWN_WEIGHT, PARENT_WEIGHT = 1.0, 0.5
KNOWLEDGE_WEIGHT = 1.0
KNOWLEDGE_HITS = 5
NAME_PARTS = re.compile(r"[/、]")


@dataclass(frozen=True)
class Leaf:
    code: str
    path_name: str
    terms: dict[str, float]  # compacted word → weight before idf


def _name_terms(name: str) -> list[str]:
    return [compact(part) for part in NAME_PARTS.split(name) if compact(part)]


def leaves(session: Session) -> list[Leaf]:
    """The active leaves with their words: one query; the rest is built once per version of the rows
    (staff may edit categories at any time: any change to them is a new key)."""
    rows = tuple(session.execute(select(Category.id, Category.parent_id, Category.code, Category.name,
                                        cast(Category.keywords, Text))
                                 .where(Category.active).order_by(Category.code)).tuples())
    built = _BUILT.get(rows)
    if built is None:
        built = _build_leaves(rows)
        _BUILT.clear()  # only the current version is kept
        _BUILT[rows] = built
    return built


_BUILT: dict[tuple, list[Leaf]] = {}


def _build_leaves(rows: tuple) -> list[Leaf]:
    rows = [SimpleNamespace(id=ident, parent_id=parent_id, code=code, name=name, keywords=json.loads(keywords or "[]"))
            for ident, parent_id, code, name, keywords in rows]
    by_id = {row.id: row for row in rows}
    parents = {row.parent_id for row in rows}
    found = []
    for row in rows:
        if row.id in parents:
            continue
        chain, node = [], row
        while node is not None:
            chain.append(node)
            node = by_id.get(node.parent_id)
        terms: dict[str, float] = {}
        for ancestor in chain[1:]:
            terms.update(dict.fromkeys(_name_terms(ancestor.name), PARENT_WEIGHT))
        terms.update(dict.fromkeys(_name_terms(row.name), OWN_WEIGHT))
        terms.update(dict.fromkeys(filter(None, map(compact, row.keywords or [])), OWN_WEIGHT))
        found.append(Leaf(row.code, " → ".join(node.name for node in reversed(chain)), terms))
    return found


def keyword_scores(all_leaves: list[Leaf], text: str) -> dict[str, float]:
    """Leaf code → score in (0, 1] for the leaves whose words occur in the text."""
    words = compact(text)
    frequency = Counter(term for leaf in all_leaves for term in leaf.terms)
    count = len(all_leaves)
    scores = {}
    for leaf in all_leaves:
        score = sum(weight * math.log(1 + count / frequency[term]) * math.sqrt(len(term))
                    for term, weight in leaf.terms.items() if term in words)
        if score:
            scores[leaf.code] = score
    best = max(scores.values(), default=0.0)
    return {code: score / best for code, score in scores.items()}


def knowledge_votes(text: str) -> list[tuple[str, float]]:
    """(category code, fused score) of the entries 微查询 finds for the text; [] when it cannot answer."""
    from query.web.answers import knowledge_base

    try:
        hits = knowledge_base().ask(text).result.hits[:KNOWLEDGE_HITS]
    except Exception:  # the suggestion must not fail with the knowledge base
        log.exception("knowledge base unavailable for category suggestions")
        return []
    return [(hit.category, hit.fused) for hit in hits if hit.category]


def rank(all_leaves: list[Leaf], text: str, votes: Iterable[tuple[str, float]] = ()) -> list[str]:
    """Leaf codes, best first, that either signal points to."""
    known = {leaf.code for leaf in all_leaves}
    scores: defaultdict[str, float] = defaultdict(float, keyword_scores(all_leaves, text))
    for code, score in votes:
        if code in known:
            scores[code] += KNOWLEDGE_WEIGHT * score
    return sorted(scores, key=lambda code: (-scores[code], code))


def suggest(session: Session, text: str, *, limit: int = 3, use_knowledge_base: bool = True) -> list[Category]:
    """The `limit` likeliest leaves for the text (fewer when little matches; never the catch-all)."""
    votes = knowledge_votes(text) if use_knowledge_base else []
    codes = [code for code in rank(leaves(session), text, votes) if code != GENERAL_LEAF][:limit]
    found = {category.code: category for category in session.scalars(select(Category).where(Category.code.in_(codes)))}
    return [found[code] for code in codes if code in found]


def general_leaf(session: Session) -> Category | None:
    """其他: the catch-all leaf (GENERAL_LEAF, else the first active leaf under 99)."""
    found = session.scalar(select(Category).where(Category.code == GENERAL_LEAF, Category.active))
    if found is not None:
        return found
    codes = [leaf.code for leaf in leaves(session) if leaf.code.startswith("99")]
    return session.scalar(select(Category).where(Category.code == codes[0])) if codes else None
