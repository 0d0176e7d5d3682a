import json

from query.evaluate import Bm25Baseline, load, main, percentile, run, score
from query.options import EngineConfig


def write(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


PAIRS = {
    "index": ["暖气不热怎么办", "公积金怎么提取", "社保怎么交", "户口怎么迁"],
    "queries": [{"q": "家里暖气不热", "gold": "暖气不热怎么办"}, {"q": "怎么取公积金", "gold": "公积金怎么提取"},
                {"q": "社保在哪交", "gold": "社保怎么交"}],
}
FAQ = [{"id": "A1", "question": "暖气不热怎么办", "keywords": ["供暖"]},
       {"id": "B2", "question": "公积金怎么提取", "keywords": []}]
QUERIES = [{"q": "供暖", "gold_id": "A1"}, {"q": "提取公积金", "gold_id": "B2"}]


def test_loaders(tmp_path):
    pairs = load(write(tmp_path / "pairs.json", PAIRS))
    assert [e.question for e in pairs.entries] == PAIRS["index"] and pairs.queries[0] == ("家里暖气不热", 1)
    faq = load(write(tmp_path / "q.json", QUERIES), write(tmp_path / "faq.json", FAQ))
    assert faq.entries[0].keywords == ("供暖",) and faq.queries == [("供暖", 1), ("提取公积金", 2)]
    assert faq.faq_ids == {1: "A1", 2: "B2"}


def test_metrics():
    ranked = {"a": [1, 2, 3], "b": [2, 1], "c": [5, 6, 7, 8]}
    figures = score(lambda q: (ranked[q], None), [("a", 1), ("b", 1), ("c", 9)])
    assert figures.top1_count == 1 and abs(figures.recall3 - 2 / 3) < 1e-9 and abs(figures.mrr10 - 0.5) < 1e-9
    assert percentile([1, 2, 3, 4], 50) in (2, 3) and percentile([], 99) == 0.0


def test_run_scores_engine_and_baseline(tmp_path):
    eval_set = load(write(tmp_path / "pairs.json", PAIRS))
    report = run(eval_set, EngineConfig(use_encoder=False), baseline=True)
    assert report["engine"]["top1_count"] == 3 and report["baseline"]["n"] == 3
    assert sum(report["engine"]["outcomes"].values()) == 3


def test_baseline_ranks_entries_by_best_row():
    eval_set_entries = load_entries()
    ranked, _ = Bm25Baseline(eval_set_entries).rank("公积金提取")
    assert ranked[0] == 2 and len(ranked) == len(set(ranked))


def load_entries():
    from query.entry import Entry

    return [Entry(1, "暖气不热怎么办"), Entry(2, "公积金怎么提取", similar=("公积金提取条件",))]


def test_command_line(tmp_path, capsys):
    path = write(tmp_path / "pairs.json", PAIRS)
    assert main([path, "--no-encoder", "--json", "--calibrate"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["reports"][0]["engine"]["n"] == 3
    assert set(output["calibration"]["thresholds"]) == {"answer", "margin", "choices"}
    assert main([path, "--no-encoder", "--baseline"]) == 0
    text = capsys.readouterr().out
    assert "top-1" in text and "baseline" in text


def test_fit_weights_from_the_command_line(tmp_path, capsys):
    path = write(tmp_path / "pairs.json", PAIRS)
    assert main([path, "--no-encoder", "--fit-weights", "--json"]) == 0
    output = json.loads(capsys.readouterr().out)
    weights = output["weights"]
    assert weights["encoder"] == weights["encoder_second"] == weights["encoder_rest"] == 0.0  # no encoder
    assert weights["bm25"] == 1.0  # the lead feature without the encoder, as the encoder's is with it
    assert output["weights_top1"]["pairs.json"] == 1.0
