"""Evaluation of the engine on labelled question sets, with a plain BM25 baseline scored in the same run.

    python -m query.evaluate FILE [FILE ...] [--faq FAQFILE] [--json] [--baseline] [--calibrate]
                             [--no-encoder] [--limit N] [--cache DIR]

Formats (both in ../shared/data): `{"index": [questions], "queries": [{"q", "gold"}]}`, gold being one
string of the index (each index question becomes an entry); or a list of `{"q", "gold_id"}` whose
entries come from `--faq` (a list of `{"id", "question", "keywords", "answer"}`, e.g. taipei_faq.json).
Figures: top-1, recall@3, MRR@10, n, p50/p99 ms per query, and the outcomes (how many confident
answers, and how many of those were right). `--calibrate` fits the outcome thresholds on the sets
given (query.calibrate) and prints them. Nothing here is copied anywhere: files are read at run time.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from query.engine import Engine
from query.entry import Entry
from query.options import EngineConfig
from query.results import ANSWER


@dataclass
class EvalSet:
    name: str
    entries: list[Entry]
    queries: list[tuple[str, int | None]]  # (question, gold entry id; None: the index has no answer)
    faq_ids: dict[int, str] = field(default_factory=dict)  # entry id → the file's own id (taipei)
    kind: str = "pairs"  # "kb": a development set of a knowledge base (query.calibrate treats it apart)
    synonyms: tuple | None = None  # a knowledge base's own synonym groups and dictionary words (None: the command's)
    user_words: tuple | None = None

    def config(self, config: EngineConfig) -> EngineConfig:
        """`config` (the command's: encoder, weights, thresholds) with this set's own synonyms and words."""
        if self.synonyms is None and self.user_words is None:
            return config
        return replace(config, synonyms=self.synonyms or (), user_words=self.user_words or ())


def load_pairs(path: str) -> EvalSet:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    ids = {}
    for question in data["index"]:
        ids.setdefault(question, len(ids) + 1)
    entries = [Entry(id=i, question=q) for q, i in ids.items()]
    queries = [(item["q"], ids[item["gold"]]) for item in data["queries"]]
    return EvalSet(_name(path), entries, queries)


def load_faq(faq_path: str, queries_path: str) -> EvalSet:
    with open(faq_path, encoding="utf-8") as handle:
        faq = json.load(handle)
    with open(queries_path, encoding="utf-8") as handle:
        items = json.load(handle)
    ids = {item["id"]: n for n, item in enumerate(faq, start=1)}
    entries = [
        Entry(id=ids[item["id"]], question=item["question"], keywords=tuple(item.get("keywords") or ()),
              answer=item.get("answer") or "")
        for item in faq
    ]
    queries = [(item["q"], ids[item["gold_id"]]) for item in items]
    return EvalSet(_name(queries_path), entries, queries, {n: i for i, n in ids.items()})


def load(path: str, faq: str | None = None) -> EvalSet:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if isinstance(data, dict) and "index" in data:
        return load_pairs(path)
    if faq is None:
        raise SystemExit(f"{path}: queries with gold_id need --faq FAQFILE")
    return load_faq(faq, path)


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


@dataclass
class Figures:
    n: int = 0
    top1: float = 0.0
    top1_count: int = 0
    recall3: float = 0.0
    mrr10: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    outcomes: dict[str, int] = field(default_factory=dict)
    answers_right: int = 0
    out_of_scope: int = 0  # questions without an answer in the index (not in n)
    out_of_scope_answered: int = 0  # of those, how many got a confident answer (always wrong)

    @property
    def answer_precision(self) -> float | None:  # an answer to a question without one counts as wrong
        answered = self.outcomes.get(ANSWER, 0)
        return self.answers_right / answered if answered else None


def score(rank: Callable[[str], tuple[list[int], str | None]], queries: Sequence[tuple[str, int | None]]) -> Figures:
    """`rank(question)` → (entry ids best first, outcome or None). Ranking figures count the questions
    with a gold entry; the outcomes count every question."""
    figures = Figures(n=sum(gold is not None for _, gold in queries))
    latencies = []
    top1 = recall3 = 0
    reciprocal = 0.0
    for question, gold in queries:
        started = time.perf_counter()
        ranked, outcome = rank(question)
        latencies.append((time.perf_counter() - started) * 1000)
        if gold is None:
            figures.out_of_scope += 1
            figures.out_of_scope_answered += outcome == ANSWER
        if ranked[:1] == [gold]:
            top1 += 1
        recall3 += gold in ranked[:3]
        if gold in ranked[:10]:
            reciprocal += 1 / (ranked.index(gold) + 1)
        if outcome is not None:
            figures.outcomes[outcome] = figures.outcomes.get(outcome, 0) + 1
            figures.answers_right += outcome == ANSWER and ranked[:1] == [gold]
    n = max(figures.n, 1)
    figures.top1, figures.top1_count = top1 / n, top1
    figures.recall3, figures.mrr10 = recall3 / n, reciprocal / n
    figures.p50_ms, figures.p99_ms = percentile(latencies, 50), percentile(latencies, 99)
    return figures


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def engine_ranker(engine: Engine) -> Callable[[str], tuple[list[int], str]]:
    def rank(question: str) -> tuple[list[int], str]:
        result = engine.search(question, limit=10)
        return [hit.entry_id for hit in result.hits], result.outcome

    return rank


class Bm25Baseline:
    """rank-bm25's BM25Okapi over jieba tokens of the raw texts, the same rows as the engine, best row per entry."""

    def __init__(self, entries: Sequence[Entry]):
        import warnings

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
            warnings.filterwarnings("ignore", message="invalid escape sequence")
            import jieba
            from rank_bm25 import BM25Okapi
        jieba.setLogLevel(60)
        self._cut = jieba.lcut
        self.row_entry: list[int] = []
        documents = []
        for entry in entries:
            for text in [entry.question, *entry.similar, " ".join(entry.keywords)]:
                tokens = [t for t in self._cut(text) if t.strip()]
                if tokens:
                    documents.append(tokens)
                    self.row_entry.append(entry.id)
        self.bm25 = BM25Okapi(documents)

    def rank(self, question: str) -> tuple[list[int], None]:
        scores = self.bm25.get_scores([t for t in self._cut(question) if t.strip()])
        ranked: list[int] = []
        for row in sorted(range(len(scores)), key=scores.__getitem__, reverse=True):
            if self.row_entry[row] not in ranked:
                ranked.append(self.row_entry[row])
                if len(ranked) == 10:
                    break
        return ranked, None


def run(eval_set: EvalSet, config: EngineConfig, cache=None, baseline: bool = False, limit: int | None = None) -> dict:
    """Build a fresh engine from the set's entries with `config` and score it (and the baseline)."""
    queries = eval_set.queries[:limit] if limit else eval_set.queries
    engine = Engine.build(eval_set.entries, eval_set.config(config), cache=cache)
    report = {"set": eval_set.name, "entries": len(eval_set.entries), "rows": engine.stats["rows"],
              "build_seconds": round(engine.stats["seconds"]["total"], 2), "encoded": engine.stats["encoded"],
              "engine": as_dict(score(engine_ranker(engine), queries))}
    if baseline:
        started = time.perf_counter()
        reference = Bm25Baseline(eval_set.entries)
        report["baseline_build_seconds"] = round(time.perf_counter() - started, 2)
        report["baseline"] = as_dict(score(reference.rank, queries))
    return report


def as_dict(figures: Figures) -> dict:
    """Figures as plain JSON-able values (rounded)."""
    return {"n": figures.n, "top1": round(figures.top1, 4), "top1_count": figures.top1_count,
            "recall3": round(figures.recall3, 4), "mrr10": round(figures.mrr10, 4),
            "p50_ms": round(figures.p50_ms, 2), "p99_ms": round(figures.p99_ms, 2), "outcomes": figures.outcomes,
            "answer_precision": None if figures.answer_precision is None else round(figures.answer_precision, 4),
            "out_of_scope": figures.out_of_scope, "out_of_scope_answered": figures.out_of_scope_answered}


_as_dict = as_dict  # the name faq/evaluation.py imports


def format_report(report: dict) -> str:
    lines = [f"{report['set']}: {report['engine']['n']} queries, {report['entries']} entries ({report['rows']} rows); "
             f"build {report['build_seconds']} s, {report['encoded']} texts encoded"]
    for name in ("engine", "baseline"):
        if name not in report:
            continue
        f = report[name]
        lines.append(f"  {name:9} top-1 {f['top1']:.3f} ({f['top1_count']}/{f['n']})  R@3 {f['recall3']:.3f}  "
                     f"MRR@10 {f['mrr10']:.3f}  p50 {f['p50_ms']:.2f} ms  p99 {f['p99_ms']:.2f} ms")
        if f["outcomes"]:
            precision = f["answer_precision"]
            right = "—" if precision is None else f"{precision:.1%} right"
            counts = ", ".join(f"{k} {v}" for k, v in sorted(f["outcomes"].items()))
            scope = (f"; without an answer in the index: {f['out_of_scope']}, confidently answered "
                     f"{f['out_of_scope_answered']}") if f.get("out_of_scope") else ""
            lines.append(f"  {'':9} outcomes: {counts}; confident answers {right}{scope}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, config: EngineConfig | None = None, sets: Sequence[EvalSet] = ()) -> int:
    """The command line; `sets` are evaluated first, before the FILEs (`flask faq eval --kb` passes the
    served knowledge base with its development questions)."""
    parser = argparse.ArgumentParser(prog="python -m query.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*" if sets else "+", metavar="FILE")
    parser.add_argument("--faq", help="entries for query files in the gold_id format (taipei_faq.json)")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--baseline", action="store_true", help="also score rank-bm25 over jieba tokens")
    parser.add_argument("--fit-weights", action="store_true", help="fit the fused score's weights first and print them")
    parser.add_argument("--calibrate", action="store_true", help="fit the outcome thresholds and print them")
    parser.add_argument("--precision", type=float, default=0.97, help="answer precision to calibrate for")
    parser.add_argument("--no-encoder", action="store_true", help="lexical channels only")
    parser.add_argument("--limit", type=int, help="score only the first N queries of each file")
    parser.add_argument("--cache", metavar="DIR", help="keep sentence vectors in DIR/vectors.sqlite across runs")
    args = parser.parse_args(argv)
    config = config or EngineConfig()
    if args.no_encoder:
        config = replace(config, use_encoder=False, weights=None, thresholds=None)
    cache = None
    if args.cache:
        from query.encoder import DiskCache

        cache = DiskCache(args.cache)
    sets = [*sets, *(load(path, args.faq) for path in args.files)]
    output: dict = {}
    if args.fit_weights:
        from query.calibrate import fit_weights

        weights, rates = fit_weights(sets, config, cache=cache, limit=args.limit)
        config = replace(config, weights=weights)
        output["weights"] = weights
        output["weights_top1"] = dict(zip([s.name for s in sets], rates, strict=True))
    reports = [run(s, config, cache=cache, baseline=args.baseline, limit=args.limit) for s in sets]
    output["reports"] = reports
    if args.calibrate:
        from query.calibrate import calibrate, format_calibration

        calibration = calibrate(sets, config, cache=cache, precision=args.precision, limit=args.limit)
        output["calibration"] = calibration
    if args.json:
        json.dump(output, sys.stdout, ensure_ascii=False, indent=1, default=_jsonable)
        print()
    else:
        if args.fit_weights:
            rates = ", ".join(f"{name} {rate:.3f}" for name, rate in output["weights_top1"].items())
            print(f"fitted {output['weights']} (top-1: {rates})")
        print("\n".join(format_report(report) for report in reports))
        if args.calibrate:
            print(format_calibration(output["calibration"]))
    return 0


def _jsonable(value):
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value):
        return asdict(value)
    raise TypeError(type(value))


if __name__ == "__main__":
    sys.exit(main())
