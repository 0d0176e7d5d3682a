import math

import numpy as np

from query.bm25 import BM25Index

DOCS = [
    ["暖气", "不", "热", "怎么办"],
    ["供暖", "期", "室内", "温度", "不", "达标"],
    ["社保", "能", "晚点", "交", "吗"],
    ["暖气", "费", "怎么", "交"],
    ["公积金", "提取"],
    ["公积金", "贷款", "额度"],
]


def reference_scores(docs, query, k1=1.2, b=0.75):
    """Okapi BM25 with Lucene's idf, written out term by term."""
    n = len(docs)
    average = sum(map(len, docs)) / n
    scores = []
    for doc in docs:
        total = 0.0
        for term in query:
            df = sum(term in d for d in docs)
            tf = doc.count(term)
            if df and tf:
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                total += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / average))
        scores.append(total)
    return scores


def test_scores_equal_the_formula():
    index = BM25Index(DOCS)
    for query in (["暖气", "怎么", "交"], ["公积金"], ["不", "不", "热"], ["没有", "的词"]):
        assert np.allclose(index.scores(query), reference_scores(DOCS, query), atol=1e-5)


def test_every_matching_row_scores_above_zero_even_in_a_tiny_index():
    index = BM25Index([["暖气", "不热"], ["暖气", "收费"]])
    assert (index.scores(["暖气"]) > 0).all()


def test_empty_index_and_empty_query():
    assert BM25Index([]).scores(["暖气"]).shape == (0,)
    assert not BM25Index(DOCS).scores([]).any()


def test_max_score_bounds_every_row():
    index = BM25Index(DOCS)
    query = ["暖气", "交", "公积金"]
    assert index.scores(query).max() <= index.max_score(query) + 1e-6


def test_matched_mass_is_the_idf_of_the_distinct_query_terms_a_row_has():
    index = BM25Index(DOCS)
    query = ["暖气", "怎么", "交", "交", "火星"]  # a repeated term counts once; an unknown one nowhere
    _, mass = index.scores_and_mass(query)
    n = len(DOCS)
    for row, doc in enumerate(DOCS):
        expected = sum(math.log(1 + (n - df + 0.5) / (df + 0.5))
                       for term in set(query) if term in doc for df in [sum(term in d for d in DOCS)])
        assert math.isclose(mass[row], expected, rel_tol=1e-5), (row, mass[row], expected)
    assert np.allclose(index.row_mass, [sum(index.idf_of(t) for t in set(doc)) for doc in DOCS], rtol=1e-5)
    assert index.idf_of("火星") > max(index.idf_of(t) for doc in DOCS for t in doc)  # rarer than anything indexed
