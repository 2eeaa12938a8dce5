"""The multi-month index: topic and outlet by month, weekly attention per topic and per named term,
before/after comparisons around a rule's effective date, links only to what was built, titled by range.

Report fixture: #10 (2024-09-05) and #11 say 《关于规范互联网贷款催收行为的通知》 takes effect 2024-11-01;
relevant articles: August 5, September 12, October 1 (#23), November none. 人民网 in August: #2 only
(#6 is signed 人民网记者).
"""

import csv
import io
import math

import pytest

from reports import multimonth, series
from tests.test_report import build_fixture_db


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    out = tmp_path_factory.mktemp("range")
    engine = build_fixture_db(out / "range.db")
    paths = series.build_range(engine, "2024-08", "2024-11", out, formats={"pdf"}, terms=("爆通讯录", "停息挂账"))
    return out, {p.name for p in paths}


def rows(out, name):
    return list(csv.reader(io.StringIO((out / "index-files" / name).read_text(encoding="utf-8-sig"))))


def test_index_is_titled_by_its_range_and_links_only_what_was_built(index):
    out, names = index
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>网贷催收舆情 · 2024年8月至2024年11月 多月汇总</h1>" in html and "月报 ·" not in html.split("</h1>")[0]
    assert 'href="report-2024-09.pdf"' in html and 'href="report-2024-09.html"' not in html
    assert "report-2024-09.pdf" in names and "report-2024-09.html" not in names
    assert {"topics-by-month.csv", "outlets-by-month.csv", "weekly-topics.csv", "weekly-terms.csv",
            "weekly-topics.png", "weekly-terms.png", "before-after-rules.csv"} <= names


def test_topic_and_outlet_by_month(index):
    out, _ = index
    topics = {r[0]: r for r in rows(out, "topics-by-month.csv")}
    assert topics["code"][:6] == ["code", "label", "2024-08", "2024-09", "2024-10", "2024-11"]
    assert topics["violent_collection"][2:6] == ["1", "5", "0", "0"]
    assert topics["violent_collection"][7] == "0.4167"  # 5 of September's 12
    outlets = {r[0]: r[1:] for r in rows(out, "outlets-by-month.csv")}
    assert outlets["人民网"] == ["1", "4", "0", "0"] and outlets["样例晚报"][1] == "3"  # 樣例晚報 merged


def test_weekly_attention_per_topic_and_term(index):
    out, _ = index
    terms = rows(out, "weekly-terms.csv")
    assert terms[0] == ["week", "爆通讯录", "停息挂账"] and terms[1][0] == "2024-07-29"  # the Monday of 2024-08-01's week
    weeks = {r[0]: r[1:] for r in terms[1:]}
    assert weeks["2024-08-26"] == ["1", "0"] and weeks["2024-09-02"] == ["2", "0"]  # #7 (9月1日, a Sunday); #8, #9
    assert sum(int(r[2]) for r in terms[1:]) == 0
    topics = rows(out, "weekly-topics.csv")
    assert "监管政策" in topics[0] and len(topics) == len(terms)


def test_before_and_after_a_rule(index):
    out, _ = index
    found = [r for r in rows(out, "before-after-rules.csv")[1:] if r[0] == "2024-11-01"]
    volume = next(r for r in found if r[2] == "volume_ratio")
    # four weeks either side: 10-04..10-31 (#23 of 10-01 is earlier) and 11-01..11-28: nothing to compare
    assert volume[1] == "《关于规范互联网贷款催收行为的通知》" and volume[3:5] == ["0", "0"]
    assert not [r for r in found if r[2] == "negative_share"]
    md_free = (out / "index.html").read_text(encoding="utf-8")
    assert "自 2024-11-01 起施行" in md_free and "95% 置信区间" in md_free


def test_intervals():
    ratio = multimonth.rate_ratio(20, 10)
    assert ratio["ratio"] == 2 and ratio["low"] == pytest.approx(2 * math.exp(-1.96 * math.sqrt(1 / 20 + 1 / 10)))
    assert ratio["low"] < 1 < ratio["high"]  # twice as many, but 20 against 10 cannot rule out chance
    change = multimonth.share_change(30, 60, 20, 60)
    assert change["diff"] == pytest.approx(1 / 6)
    spread = 1.96 * math.sqrt(0.5 * 0.5 / 60 + (1 / 3) * (2 / 3) / 60)
    assert (change["low"], change["high"]) == pytest.approx((1 / 6 - spread, 1 / 6 + spread))
    assert multimonth.share_change(1, 0, 1, 5) is None
