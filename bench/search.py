"""The 微查询 engine at scale, with rank-bm25 run beside it in the same invocation:

(a) search p50/p99 at 17k and 100k entries (each: standard question, 2 similar questions, keywords =
    4 rows, and a short answer), for the full engine, its lexical channels alone, and rank-bm25's BM25Okapi over jieba
    tokens (the ratio is rank-bm25 / engine, p50);
(b) index build for 10k entries: cold (every sentence encoded, empty vector cache), unchanged (same
    entries, warm cache), one entry edited, and the lexical index alone (what LiveIndex serves first);
(c) worker memory: RSS of a fresh process before and after loading the engine with a 10k-entry index
    and answering 200 questions (warm cache), in a subprocess.
Corpora are made at run time from ../shared/data (taipei_faq questions and LCQMC dev index questions,
prefixed with district names for variety; answers: taipei_faq's, their first 200 characters); nothing
is written outside a temporary folder. At scale, sentence vectors of prefixed texts are composed from
the real vectors of their parts (the encoder itself is timed in (b) and at every query, which is
encoded for real).
Settings: BENCH_SEARCH_QUERIES (200), BENCH_SEARCH_BASELINE_QUERIES (20), BENCH_SEARCH_SIZES ("17000,100000"),
BENCH_SEARCH_PARTS ("build,memory,scale"; memory needs build's warm cache).
"""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from query.encoder import DiskCache, MemoryCache, UseEncoder
from query.engine import Engine
from query.entry import Entry
from query.evaluate import Bm25Baseline, percentile
from query.normalise import clean
from query.options import EngineConfig

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("BENCH_DATA_DIR", ROOT.parent / "shared" / "data"))
QUERIES = int(os.environ.get("BENCH_SEARCH_QUERIES", "200"))
BASELINE_QUERIES = int(os.environ.get("BENCH_SEARCH_BASELINE_QUERIES", "20"))
SIZES = [int(n) for n in os.environ.get("BENCH_SEARCH_SIZES", "17000,100000").split(",")]
PARTS = os.environ.get("BENCH_SEARCH_PARTS", "build,memory,scale").split(",")
ANSWERS: list[str] = []  # filled by sentences()
PLACES = ["", "市区", "和平区", "河西区", "南开区", "河北区", "红桥区", "东丽区", "西青区", "津南区", "北辰区",
          "武清区", "宝坻区", "滨海新区", "宁河区", "静海区", "蓟州区", "开发区", "高新区", "老城区", "新城区",
          "东城区", "西城区", "城关镇", "北关街道", "南关街道", "东关街道", "西关街道", "工业园区", "经济区"]


def _read(name: str):
    with open(DATA / name, encoding="utf-8") as handle:
        return json.load(handle)


def sentences() -> tuple[list[str], list[str]]:
    """(corpus sentences, query sentences), all from the evaluation data, distinct."""
    taipei, lcqmc = _read("taipei_faq.json"), _read("lcqmc_dev.json")
    ANSWERS[:] = [(item.get("answer") or "")[:200] for item in taipei]
    pool = list(dict.fromkeys([item["question"] for item in taipei] + lcqmc["index"]))
    questions = [item["q"] for item in _read("taipei_queries.json")]
    questions += [item["q"] for item in lcqmc["queries"]]
    return pool, questions[:QUERIES]


def make_entries(count: int, pool: list[str]) -> list[Entry]:
    import rjieba

    size, entries = len(pool), []
    for i in range(count):
        place, base = PLACES[(i // size) % len(PLACES)], pool[i % size]
        similar = tuple(PLACES[(i // size + k) % len(PLACES)] + pool[(i * 31 + k * 977) % size] for k in (1, 2))
        words = sorted((w for w in rjieba.cut(base) if len(w) > 1), key=len, reverse=True)[:2]
        answer = ANSWERS[i % len(ANSWERS)] if ANSWERS else ""
        entries.append(Entry(i + 1, place + base, similar=similar, keywords=tuple(words), answer=answer))
    return entries


class ComposedEncoder:
    """Real vectors for corpus sentences and places; a prefixed text gets its parts' composed vector.
    Any other text (every query) is encoded for real."""

    name = "bench-composed"

    def __init__(self, real: UseEncoder, pool: list[str]):
        self.real = real
        cleaned = list(dict.fromkeys(clean(text) for text in pool))
        places = [clean(p) for p in PLACES if p]
        vectors = real.encode(cleaned + places)
        self.base = dict(zip(cleaned, vectors[: len(cleaned)], strict=True))
        self.place = dict(zip(places, vectors[len(cleaned) :], strict=True))

    def load(self):
        self.real.load()

    def encode(self, texts):
        out, unknown = np.empty((len(texts), 512), dtype=np.float32), []
        for i, text in enumerate(texts):
            vector = self.base.get(text)
            if vector is None:
                for place, place_vector in self.place.items():
                    if text.startswith(place) and text[len(place) :] in self.base:
                        vector = self.base[text[len(place) :]] + 0.3 * place_vector
                        break
            if vector is None:
                unknown.append(i)
            else:
                out[i] = vector / np.linalg.norm(vector)
        if unknown:
            out[unknown] = self.real.encode([texts[i] for i in unknown])
        return out


def timed(function, questions) -> tuple[float, float]:
    for question in questions[:10]:
        function(question)  # warm-up
    latencies = []
    for question in questions:
        started = time.perf_counter()
        function(question)
        latencies.append((time.perf_counter() - started) * 1000)
    return percentile(latencies, 50), percentile(latencies, 99)


def search_at_scale(pool, questions, encoder) -> None:
    print(f"  (a) search latency, {len(questions)} questions (rank-bm25: the first {BASELINE_QUERIES})")
    for size in SIZES:
        entries = make_entries(size, pool)
        started = time.perf_counter()
        engine = Engine.build(entries, EngineConfig(), cache=MemoryCache(), encoder=encoder)
        built = time.perf_counter() - started
        full = timed(engine.search, questions)
        rows = engine.stats["rows"]
        del engine
        gc.collect()
        lexical = timed(Engine.build(entries, EngineConfig(use_encoder=False)).search, questions)
        gc.collect()
        started = time.perf_counter()
        baseline = Bm25Baseline(entries)
        baseline_built = time.perf_counter() - started
        reference = timed(baseline.rank, questions[:BASELINE_QUERIES])
        del baseline
        gc.collect()
        print(f"  {size:>7} entries ({rows} rows): build {built:.1f} s (vectors composed),"
              f" rank-bm25 build {baseline_built:.1f} s")
        for name, (p50, p99) in (("engine (full)", full), ("engine, lexical only", lexical), ("rank-bm25", reference)):
            print(f"    {name:22} p50 {p50:8.2f} ms  p99 {p99:8.2f} ms  rank-bm25/this {reference[0] / p50:7.1f}×")


def build_times(pool, folder: str) -> None:
    entries = make_entries(10_000, pool)
    encoder = UseEncoder()
    encoder.load()
    config = EngineConfig()
    print("  (b) index build, 10,000 entries (40,000 rows; 30,000 sentences to encode)")
    cache = DiskCache(folder)
    edited = [Entry(1, "暖气片不热找谁修", similar=entries[0].similar)] + entries[1:]
    for label, batch in (("cold (empty cache)", entries), ("unchanged (warm cache)", entries),
                         ("one entry edited", edited)):
        started = time.perf_counter()
        engine = Engine.build(batch, config, cache=cache, encoder=encoder)
        seconds = {k: round(v, 2) for k, v in engine.stats["seconds"].items()}
        print(f"    {label:24} {time.perf_counter() - started:6.2f} s  encoded {engine.stats['encoded']:>6}  {seconds}")
    started = time.perf_counter()
    Engine.build(entries, EngineConfig(use_encoder=False))
    print(f"    {'lexical index alone':24} {time.perf_counter() - started:6.2f} s")


_RSS_SCRIPT = r"""
import json, sys, time
def rss(field="VmRSS"):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
before = rss()
sys.path.insert(0, sys.argv[1])
from query.encoder import DiskCache
from query.engine import Engine
from query.entry import Entry
from query.options import EngineConfig
with open(sys.argv[2] + "/entries.json", encoding="utf-8") as handle:
    data = json.load(handle)
entries = [Entry(e["id"], e["question"], tuple(e["similar"]), tuple(e["keywords"]), answer=e["answer"])
           for e in data["entries"]]
loaded = rss()
engine = Engine.build(entries, EngineConfig(), cache=DiskCache(sys.argv[2]))
built = rss()
for q in data["questions"]:
    engine.search(q)
print(json.dumps({"before": before, "loaded": loaded, "built": built, "searched": rss(), "peak": rss("VmHWM"),
                  "encoded": engine.stats["encoded"]}))
"""


def memory(pool, questions, folder: str) -> None:
    entries = [{"id": e.id, "question": e.question, "similar": e.similar, "keywords": e.keywords, "answer": e.answer}
               for e in make_entries(10_000, pool)]
    with open(os.path.join(folder, "entries.json"), "w", encoding="utf-8") as handle:
        json.dump({"entries": entries, "questions": questions}, handle, ensure_ascii=False)
    out = subprocess.run([sys.executable, "-c", _RSS_SCRIPT, str(ROOT), folder], capture_output=True, text=True,
                         check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    m = json.loads(out.stdout.strip().splitlines()[-1])
    print("  (c) worker memory, 10,000-entry index (warm vector cache), RSS in MB")
    print(f"    fresh interpreter {m['before']:.0f}; entries read {m['loaded']:.0f}; engine built (encoder, rjieba,"
          f" index) {m['built']:.0f}; after {len(questions)} searches {m['searched']:.0f}; peak {m['peak']:.0f}"
          f" (texts encoded: {m['encoded']}; growth from entries read: {m['searched'] - m['loaded']:.0f})")


def main() -> None:
    pool, questions = sentences()
    print(f"  corpus: {len(pool)} distinct sentences (taipei_faq + LCQMC dev index) × {len(PLACES)} district prefixes")
    with tempfile.TemporaryDirectory(prefix="bench-search-") as folder:
        if "build" in PARTS:
            build_times(pool, folder)
        if "memory" in PARTS:
            memory(pool, questions, folder)
        if "scale" in PARTS:
            search_at_scale(pool, questions, ComposedEncoder(UseEncoder(), pool))


if __name__ == "__main__":
    main()
