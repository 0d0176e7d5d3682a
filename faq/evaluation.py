"""Evaluating 微查询 on the served knowledge base with a held-out set whose gold is an entry key
(bench/data/demo_heldout.json): ranking figures on the answerable questions, and for every question
whether the outcome was right (a confident answer must be the gold entry; a question the knowledge
base does not answer, gold null, must get no confident answer)."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from core.dates import china_today
from faq.index import ServedKnowledgeBase, served_entries
from query.engine import Engine
from query.evaluate import EvalSet, as_dict, engine_ranker, score
from query.options import EngineConfig
from query.results import ANSWER


def production_config(served: ServedKnowledgeBase) -> EngineConfig:
    """The engine configuration the service uses: the editors' synonyms and dictionary."""
    return EngineConfig(synonyms=served.synonyms, user_words=served.dictionary)


def kb_eval_set(session: Session, path: Path) -> EvalSet:
    """FILE's questions (gold: an entry key or null) against the served knowledge base, for
    `python -m query.evaluate`'s fitting (a development set; never the held-out one)."""
    served = served_entries(session, china_today())
    ids = {entry.key: entry.id for entry in served.display.values()}
    queries = json.loads(path.read_text(encoding="utf-8"))["queries"]
    return EvalSet(path.name, served.entries, [(q["q"], ids.get(q["gold"])) for q in queries
                                               if q["gold"] is None or q["gold"] in ids], kind="kb",
                   synonyms=tuple(served.synonyms), user_words=tuple(served.dictionary))


def evaluate_heldout(session: Session, path: Path, cache=None) -> dict:
    served = served_entries(session, china_today())
    ids = {entry.key: entry.id for entry in served.display.values()}
    queries = json.loads(path.read_text(encoding="utf-8"))["queries"]
    skipped = sorted({q["gold"] for q in queries if q["gold"] is not None and q["gold"] not in ids})
    queries = [q for q in queries if q["gold"] is None or q["gold"] in ids]
    engine = Engine.build(served.entries, production_config(served), cache=cache)
    answerable = [(q["q"], ids[q["gold"]]) for q in queries if q["gold"] is not None]
    answered = right = declined = out_of_scope = 0
    for item in queries:
        result = engine.search(item["q"])
        gold = ids.get(item["gold"]) if item["gold"] is not None else None
        out_of_scope += gold is None
        declined += gold is None and result.outcome != ANSWER
        if result.outcome == ANSWER:
            answered += 1
            right += result.shown[0].entry_id == gold
    return {"set": path.name, "served_entries": len(served.entries), "questions": len(queries),
            "ranking": as_dict(score(engine_ranker(engine), answerable)),
            "confident_answers": answered, "confident_right": right,
            "confident_precision": round(right / answered, 4) if answered else None,
            "out_of_scope": out_of_scope, "out_of_scope_declined": declined, "gold_not_served": skipped}


def format_heldout(report: dict) -> str:
    r, precision = report["ranking"], report["confident_precision"]
    lines = [f"{report['set']}: {report['questions']} questions, {report['served_entries']} served entries",
             f"  answerable {r['n']}: top-1 {r['top1']:.3f} ({r['top1_count']}/{r['n']})  R@3 {r['recall3']:.3f}  "
             f"MRR@10 {r['mrr10']:.3f}  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms",
             f"  confident answers {report['confident_answers']}, right {report['confident_right']} "
             f"({'—' if precision is None else f'{precision:.1%}'}); not in the knowledge base: "
             f"{report['out_of_scope_declined']}/{report['out_of_scope']} got no confident answer"]
    if report["gold_not_served"]:
        lines.append(f"  gold entries not served today (skipped): {', '.join(report['gold_not_served'])}")
    return "\n".join(lines)
