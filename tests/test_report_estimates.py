"""The report's shares corrected for the tagger's measured errors, with 90 % intervals.

The fixture database (tests/test_report.py) gets models whose recorded confusion counts are known; the
report must print what reports.quantify gives for them, leave a class with too few validation texts
uncorrected, and explain the method. The counts the shipped models carry must be those
analysis.confusion measures on our real holdouts.
"""

import csv
import json

import pytest

from analysis import confusion
from analysis.keyed_labels import texts_available
from analysis.runner import record_models
from analysis.train_topics import COLLECTION_TEXTS, REAL_POSTS_CSV
from reports import monthly, quantify, text
from tests.test_report import build_fixture_db

CONFUSION = {"relevant": [80, 20, 10, 90], "topic:violent_collection": [30, 10, 5, 200],
             "topic:regulation": [5, 1, 1, 100]}  # regulation: 6 positives, too few to correct
NEGATIVE = [40, 10, 5, 45]
ON = "测试用留出集（200 篇）"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("estimates")
    engine = build_fixture_db(root / "report.db")
    record_models(engine, [
        {"name": "sentiment", "version": "s-1", "measured_on": "测试集",
         "metrics": {"holdout macro-F1": 0.8, "confusion": {"negative": NEGATIVE}, "confusion_on": ON}},
        {"name": "topics", "version": "t-1", "measured_on": "测试集",
         "metrics": {"holdout micro-F1": 0.8, "confusion": CONFUSION, "confusion_on": ON}}])
    monthly.build(engine, "2024-09", root)
    engine.dispose()
    with (root / "report-2024-09-files" / "estimates.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["key"]: r for r in csv.DictReader(fh)}
    return (root / "report-2024-09.md").read_text(encoding="utf-8"), rows


def expected(now: list[bool], before: list[bool], cells: list[int], key: str) -> dict:
    from reports.estimates import _estimate

    return _estimate(key, key, now, before, cells)


def printed(row: dict) -> tuple[dict, dict, dict]:
    """The share, last month's share and the change of an estimates.csv row, as the templates get them."""
    share = {"adjusted": float(row["share"]), "low": float(row["low"]), "high": float(row["high"])}
    prev = {"adjusted": float(row["prev_share"]), "low": float(row["prev_low"]), "high": float(row["prev_high"])}
    change = {"adjusted": float(row["change"]), "low": float(row["change_low"]), "high": float(row["change_high"]),
              "significant": row["change_significant"] == "1"}
    return share, prev, change


def close_to(row: dict, e: dict) -> bool:
    """The report's figures (rounded to 4 places in the CSV) against an independent computation from the
    counts alone (the bootstrap depends on the counts, not on the order of the articles)."""
    share, prev, change = printed(row)
    pairs = ((share, e), (prev, e["prev"]), (change, e["change"]))
    return all(got[k] == pytest.approx(want[k], abs=1e-4) for got, want in pairs for k in ("adjusted", "low", "high"))


def test_relevant_share_is_corrected_beside_the_raw_one(report):
    md, rows = report
    # September: 12 relevant of 16 analysed; August: 5 of 6 (tests/test_report.py's fixture)
    e = expected([True] * 12 + [False] * 4, [True] * 5 + [False], CONFUSION["relevant"], "relevant")
    assert e["adjusted"] == pytest.approx(quantify.adjust(12 / 16, 0.8, 0.1))  # (0.75 - 0.1) / 0.7
    assert e["low"] <= e["adjusted"] <= e["high"] and e["high"] - e["low"] > 0.05
    assert rows["relevant"]["n"] == "16" and rows["relevant"]["count"] == "12" and close_to(rows["relevant"], e)
    share, prev, change = printed(rows["relevant"])
    row = f"| 相关占比（误差修正，90%区间） | {text.estimate(share)} | {text.estimate(prev)} | " \
          f"{text.estimate_change(change)} |"
    assert row in md


def test_negative_share_and_its_change_are_stated_with_their_interval(report):
    md, rows = report
    e = expected([True] * 8 + [False] * 4, [True] * 2 + [False] * 3, NEGATIVE, "negative")
    assert close_to(rows["negative"], e)
    share, prev, change = printed(rows["negative"])
    assert f"误差修正后，负面报道占相关文章 {text.estimate(share)}，上月 {text.estimate(prev)}；" \
           f"变化 {text.estimate_change(change, True)}。括号内为 90% 区间。" in md
    assert not change["significant"] and change["low"] < 0 < change["high"]  # 8 of 12 against 2 of 5


def test_a_topic_is_corrected_only_with_enough_validation_texts(report):
    md, rows = report
    e = expected([True] * 5 + [False] * 7, [True] + [False] * 4, CONFUSION["topic:violent_collection"],
                 "topic:violent_collection")
    assert close_to(rows["topic:violent_collection"], e)
    share, _, _ = printed(rows["topic:violent_collection"])
    assert f"| 暴力催收与骚扰 | 5 | 41.7% | 20.0% | +21.7 个百分点 | {text.estimate(share)} |" in md
    assert "| 监管政策 | 2 | 16.7% | 40.0% | -23.3 个百分点 | 未修正 |" in md
    assert rows["topic:regulation"]["corrected"] == "0" and rows["topic:regulation"]["share"] == ""
    assert "“未修正”的话题在人工标注留出集中正例或反例不足 20 篇" in md


def test_the_appendix_explains_the_method_and_the_set(report):
    md, _ = report
    appendix = md.split("## 附录")[1]
    assert f"按模型在{ON}上实测的真阳性率与假阳性率" in appendix
    assert "调整后分类计数法" in appendix and "90% 区间由自助法" in appendix


def test_measure_counts_each_class_on_the_labelled_texts():
    items = [{"title": "暴力催收", "text": "某网贷平台催收员爆通讯录、辱骂借款人亲友，警方已立案调查。",
              "relevant": True, "topics": ["violent_collection"], "sentiment": "negative"},
             {"text": "今天天气晴朗，市民到公园赏花，气温二十度左右。", "relevant": False, "topics": [],
              "sentiment": "neutral"}]
    counts = confusion.measure(items)
    assert sum(counts["relevant"]) == 2 and counts["relevant"][3] == 1  # the weather is a true negative
    assert sum(counts["negative"]) == 1  # negative and topics only over the texts labelled relevant
    assert all(sum(v) == 1 for k, v in counts.items() if k.startswith("topic:"))


@pytest.mark.skipif(not (texts_available(COLLECTION_TEXTS) and texts_available(REAL_POSTS_CSV)),
                    reason="the labelled texts are read from ../shared")
def test_shipped_confusion_is_what_the_holdouts_give():
    """After retraining, ``python -m analysis.confusion --write`` must be re-run."""
    counts = confusion.measure()
    shipped = json.loads(confusion.METRICS.read_text(encoding="utf-8"))
    assert shipped["topics"]["metrics"]["confusion"] == {k: v for k, v in counts.items() if k != "negative"}
    assert shipped["sentiment"]["metrics"]["confusion"] == {"negative": counts["negative"]}
