"""One-line plain-Chinese summaries of signals, e.g.
"迎泽区柳巷街道 供热·暖气不热 3天内 14件，是近4周同期平均的4.6倍"."""
from __future__ import annotations

from reference.models import Category

WINDOW_WORDS = {1: "1天内", 3: "3天内", 7: "7天内"}


def category_label(category: Category | None) -> str:
    """供热·暖气不热 (the leaf with its parent), or the leaf alone at the top."""
    if category is None:
        return "未分类"
    return f"{category.parent.name}·{category.name}" if category.parent else category.name


def window_words(days: float) -> str:
    return WINDOW_WORDS.get(int(days), f"{days:g}天内") if float(days).is_integer() else f"{days:g}天内"


def against_baseline(observed: int, baseline_mean: float | None, weeks: int) -> str:
    if baseline_mean is None:
        return "此前没有同类记录"
    if baseline_mean < 0.5:
        return f"近{weeks}周同期几乎没有（平均{baseline_mean:.1f}件）"
    return f"是近{weeks}周同期平均的{observed / baseline_mean:.1f}倍"


def spike_summary(area_name: str, category: Category | None, window: int, tickets: int, citizens: int,
                  baseline_mean: float | None, weeks: int) -> str:
    who = f"（{citizens}位市民）" if citizens != tickets else ""
    return (f"{area_name} {category_label(category)} {window_words(window)} {tickets}件{who}，"
            f"{against_baseline(citizens, baseline_mean, weeks)}")


def cluster_summary(place: str, area_name: str, category: Category | None, days: float, tickets: int,
                    citizens: int) -> str:
    where = f"{area_name}{place}" if area_name and place and place not in area_name else (place or area_name)
    return (f"{where} {category_label(category)} {window_words(days)} {citizens}位市民反映同一事件"
            f"（{tickets}件，三天三单）")


def rising_summary(term: str, source: str, window: int, citizens: int, baseline_mean: float | None,
                   baseline_days: int, unanswered: int = 0) -> str:
    where = "微查询提问" if source == "question" else "工单"
    per_day = citizens / window
    if baseline_mean is None or baseline_mean * window < 0.5:
        trend = f"此前{baseline_days}天几乎没有"
    else:
        trend = f"是前{baseline_days}天日均的{per_day / baseline_mean:.1f}倍"
    tail = f"，其中{unanswered}人没有得到答复" if unanswered else ""
    return f"“{term}” {where}{window_words(window)} {citizens}人次，{trend}{tail}"
