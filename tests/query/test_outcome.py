from query.options import Thresholds
from query.outcome import Observation, decide, fit_thresholds
from query.results import ANSWER, CHOICES, NONE, Hit

T = Thresholds(answer=0.8, margin=0.1, choices=0.5)


def hits(*scores):
    return [Hit(i, f"q{i}", "question", {"fused": s}) for i, s in enumerate(scores, start=1)]


def test_decide():
    assert decide(hits(0.9, 0.5), T)[0] == ANSWER
    assert decide(hits(0.9), T) == (ANSWER, hits(0.9)[:1])
    outcome, shown = decide(hits(0.9, 0.85, 0.6, 0.55), T)  # close second: not confident
    assert outcome == CHOICES and [h.entry_id for h in shown] == [1, 2, 3]
    outcome, shown = decide(hits(0.6, 0.2, 0.1), T)
    assert outcome == CHOICES and [h.entry_id for h in shown] == [1, 2]  # at least two
    assert decide(hits(0.4, 0.3), T) == (NONE, [])
    assert decide([], T) == (NONE, [])


def test_fit_thresholds_meets_the_precision_asked():
    observations = (
        [Observation(0.95, 0.5, True, True, True)] * 90  # clear and right
        + [Observation(0.95, 0.5, False, True, True)] * 2  # clear and wrong
        + [Observation(0.75, 0.7, True, True, True)] * 50  # right but close
        + [Observation(0.72, 0.70, False, True, True)] * 30  # wrong and close
        + [Observation(0.4, 0.3, False, False, False)] * 60  # no answer in the index
    )
    calibration = fit_thresholds(observations, precision=0.97)
    t = calibration.thresholds
    assert calibration.answer_precision >= 0.97
    assert calibration.answered == 142 and 0.72 < t.answer <= 0.75  # the close but right ones too
    assert 0.4 < t.choices <= 0.72
    assert calibration.unanswerable_to_none == 1.0


def test_fit_thresholds_never_answers_when_nothing_is_precise_enough():
    observations = [Observation(0.9, 0.1, i % 2 == 0, True, True) for i in range(40)]
    assert fit_thresholds(observations).answered == 0


def test_observe_treats_a_missing_gold_as_no_answer():
    from query.calibrate import observe
    from query.engine import Engine
    from query.entry import Entry
    from query.options import EngineConfig

    engine = Engine.build([Entry(1, "暖气不热怎么办"), Entry(2, "公积金怎么提取")], EngineConfig(use_encoder=False))
    first, second = observe(engine, [("暖气不热怎么办", 1), ("火星移民", None)])
    assert first.answerable and first.top_correct and first.gold_in_top3
    assert not second.answerable and not second.top_correct
