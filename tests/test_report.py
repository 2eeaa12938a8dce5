"""The monthly report, built from a small fixed database (tests/fixtures/report/articles.json).

Expected figures for 2024-09 (derived by hand from the fixture):
15 articles (ids 7-21; 21 not analysed), 12 relevant (80.0%), 9 stories, 4 sources, 5 outlets;
2024-08: 6 articles, 5 relevant (83.3%), 4 stories.
Topics among the 12 relevant: 暴力催收与骚扰 5 (41.7%, August 1 of 5 = 20.0%), 监管政策 2 (16.7%, August 40.0%).
Sentiment: negative 8 (66.7%; August 40.0%), neutral 3 (25.0%), positive 1 (8.3%).
Peak days (relevant): 9月3日 2, 9月5日 2, 9月12日 3.

Set LENDWATCH_UPDATE_GOLDEN=1 to rewrite the golden Markdown after an intended change.
"""

import json
import logging
import os
import re
import warnings
from pathlib import Path

import pytest
from sqlalchemy import insert

from lendwatch import schema, store
from reports import charts, monthly

FIXTURES = Path(__file__).parent / "fixtures" / "report"
GOLDEN = FIXTURES / "report-2024-09.md"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def build_fixture_db(path: Path):
    """An SQLite database holding the fixture articles and their analyses."""
    engine = store.connect(f"sqlite:///{path}")
    items = json.loads((FIXTURES / "articles.json").read_text(encoding="utf-8"))["articles"]
    with engine.begin() as conn:
        for item in items:
            text = f"{item['title']}。正文（测试用虚构文本）。"
            conn.execute(insert(schema.articles).values(
                id=item["id"], canonical_url=item["url"], url=item["url"], source=item["source"],
                title=item["title"], published_at=item["published_at"], author=item.get("author"),
                text=text, text_hash=store.sha256(text), extraction_version="test-1",
                first_seen_at="2024-10-02T00:00:00+00:00", updated_at="2024-10-02T00:00:00+00:00",
                extra={"outlet": item["outlet"]} if "outlet" in item else {}))
            tags = item.get("analysis")
            if tags:
                conn.execute(insert(schema.analyses).values(
                    article_id=item["id"], model_version=tags.get("model", "tagger-0.3"),
                    lexicon_version="lexicon-2024.09", text_hash=store.sha256(text),
                    relevant=tags["relevant"], topics=tags["topics"], sentiment=tags["sentiment"],
                    p_negative=tags["p_negative"], entities={"lenders": []},
                    evidence=tags.get("evidence", {}), story_id=tags["story_id"],
                    analyzed_at="2024-10-02T01:00:00+00:00"))
    return engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return build_fixture_db(tmp_path_factory.mktemp("db") / "report.db")


@pytest.fixture(scope="module")
def built(engine, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    paths = monthly.build(engine, "2024-09", out)
    return out, paths


def without_generated(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if monthly.GENERATED_PREFIX not in line)


def read(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def test_writes_the_contracted_files(built):
    out, paths = built
    names = {p.relative_to(out).as_posix() for p in paths}
    assert {"report-2024-09.md", "report-2024-09.html", "report-2024-09-files/daily-volume.png",
            "report-2024-09-files/topics.png", "report-2024-09-files/topics.csv",
            "report-2024-09-files/articles.csv"} <= names
    assert all(p.exists() for p in paths)
    assert paths[0].name == "report-2024-09.md"


def test_overview_counts(built):
    md = read(built[0], "report-2024-09.md")
    assert md.startswith("# 网贷催收舆情月报 · 2024年9月\n")
    assert "| 声量（文章数） | 15 | 6 | +9（+150.0%） |" in md
    assert "| 相关文章 | 12 | 5 | +7（+140.0%） |" in md
    assert "| 相关占比 | 80.0% | 83.3% | -3.3 个百分点 |" in md
    assert "| 报道事件（相关，转载归并） | 9 | 4 | +5 |" in md
    assert "| 采集来源 | 4 |" in md
    assert "| 发布方（媒体/机构） | 5 |" in md
    assert "本月有 1 篇文章尚未分析（编号 #21）" in md
    assert "相关报道的峰值日：9月3日（2 篇）、9月5日（2 篇）、9月12日（3 篇）。" in md
    assert "库中共有文章 23 篇（已分析 21 篇）" in md
    assert "另有 1 篇无发布时间" in md


def test_lead_has_key_numbers(built):
    md = read(built[0], "report-2024-09.md")
    lead = md.split("## 导语\n\n")[1].split("\n")[0]
    for part in ("15 篇", "12 篇（占 80.0%）", "9 个报道事件", "增加 9 篇", "“暴力催收与骚扰”", "5 篇相关报道（占 41.7%）",
                 "负面报道占 66.7%", "上升 26.7 个百分点"):
        assert part in lead


def test_topics_in_chinese_with_change(built):
    md = read(built[0], "report-2024-09.md")
    assert "| 暴力催收与骚扰 | 5 | 41.7% | 20.0% | +21.7 个百分点 |" in md
    assert "| 监管政策 | 2 | 16.7% | 40.0% | -23.3 个百分点 |" in md
    assert "| 金融教育与风险提示 | 0 | 0.0% | 20.0% | -20.0 个百分点 |" in md
    assert "violent_collection" not in md.split("## 附录")[0]
    assert "- 暴力催收与骚扰（5）：#7、#8、#9、#14、#20" in md


def test_sentiment_and_most_negative(built):
    md = read(built[0], "report-2024-09.md")
    assert "| 负面 | 8 | 66.7% | 40.0% | +26.7 个百分点 |" in md
    assert "| 中性 | 3 | 25.0% | 40.0% | -15.0 个百分点 |" in md
    assert "| 正面 | 1 | 8.3% | 20.0% | -11.7 个百分点 |" in md
    section = md.split("### 负面程度最高的报道")[1].split("## 四")[0]
    ids = re.findall(r"（#(\d+)）", section)
    assert ids == ["7", "13", "19", "20", "8"]
    assert "> 证据：“催收人员每天拨打数十个电话辱骂借款人。”“还把P过的图片发给通讯录里的亲友。”" in section
    assert "> 证据：“借款一万元，到手只有七千元，年化利率远超36%。”" in section
    assert "> 证据：“交了三千元“服务费”后，所谓的代理人就失联了。”" not in section  # 0.81 is 6th


def test_top_stories_ranked_and_linked(built):
    md = read(built[0], "report-2024-09.md")
    section = md.split("## 四、重点文章")[1].split("## 附录")[0]
    rows = [line for line in section.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) == 9
    assert rows[0].startswith("| 1 | [“爆通讯录”式催收再现：借款人亲友不堪其扰](https://www.chinanews.com.cn/sh/2024/09-01/1007.shtml) | 中国新闻网 | 9月1日 | 3 | 0.95 |")
    assert rows[1].startswith("| 2 | [关于规范互联网贷款催收行为的通知]")
    # a story whose origin (id 5) is in August is shown by its September article
    assert any("“代理退息”骗局" in row and "| 1 | 0.81 |" in row for row in rows)
    # Markdown table syntax in a title is escaped
    assert "逾期之后 \\| 一位大学生的\\[还款\\]困境" in md


def test_appendix_methods_and_sources(built):
    md = read(built[0], "report-2024-09.md")
    appendix = md.split("## 附录·方法说明")[1]
    assert "| tagger-0.3 | lexicon-2024.09 | 13 |" in appendix
    assert "| tagger-0.2 | lexicon-2024.09 | 1 |" in appendix
    assert "| chinanews | 6 | 5 | 3 | 0 |" in appendix
    assert "| sandbox | 3 | 3 | 3 | 3 |" in appendix
    assert "本月有 3 篇来自样例站点" in appendix
    assert "虚构" in appendix


def test_charts_are_valid_pngs(built):
    out = built[0] / "report-2024-09-files"
    for name in ("daily-volume.png", "topics.png"):
        data = (out / name).read_bytes()
        assert data.startswith(PNG_MAGIC)
        width = int.from_bytes(data[16:20], "big")
        assert width >= 900  # 6.8 in at 150 dpi: print size
    md = read(built[0], "report-2024-09.md")
    assert "![2024年9月每日声量](report-2024-09-files/daily-volume.png)" in md


def test_csv_tables(built):
    out = built[0] / "report-2024-09-files"
    topics = (out / "topics.csv").read_text(encoding="utf-8-sig").splitlines()
    assert topics[0] == "code,label,articles,share,prev_articles,prev_share,article_ids"
    assert topics[1] == "violent_collection,暴力催收与骚扰,5,0.4167,1,0.2000,7 8 9 14 20"
    daily = (out / "daily.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(daily) == 31 and "2024-09-12,3,3" in daily
    articles = (out / "articles.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(articles) == 16


def test_html_is_self_contained(built):
    html = read(built[0], "report-2024-09.html")
    assert 'src="http' not in html and "src='http" not in html
    assert "<link" not in html and "@import" not in html and "<script" not in html
    assert html.count('src="data:image/png;base64,') == 2
    assert '<a href="https://www.chinanews.com.cn/sh/2024/09-01/1007.shtml">“爆通讯录”式催收再现：借款人亲友不堪其扰</a>' in html
    assert "逾期之后 | 一位大学生的[还款]困境" in html
    assert '<tr id="a7">' in html and 'href="#a7"' in html
    assert "暴力催收与骚扰" in html


def test_markdown_matches_golden(built):
    md = without_generated(read(built[0], "report-2024-09.md"))
    if os.environ.get("LENDWATCH_UPDATE_GOLDEN"):
        GOLDEN.write_text(md + "\n", encoding="utf-8")
    assert md + "\n" == GOLDEN.read_text(encoding="utf-8")


def test_builds_are_deterministic(engine, built, tmp_path):
    first = built[0]
    monthly.build(engine, "2024-09", tmp_path)
    for name in ("report-2024-09.md", "report-2024-09.html"):
        assert without_generated(read(first, name)) == without_generated(read(tmp_path, name))
    for path in sorted((first / "report-2024-09-files").iterdir()):
        assert path.read_bytes() == (tmp_path / "report-2024-09-files" / path.name).read_bytes(), path.name


def test_generated_line_is_the_only_difference(built):
    md = read(built[0], "report-2024-09.md")
    assert sum(monthly.GENERATED_PREFIX in line for line in md.splitlines()) == 1


@pytest.mark.parametrize("month", ["2024-13", "202409", "2024-9", "24-09", "2024-00", "", "2024-09-01"])
def test_malformed_month_is_refused(engine, tmp_path, month):
    with pytest.raises(ValueError, match="YYYY-MM"):
        monthly.build(engine, month, tmp_path)
    assert not list(tmp_path.iterdir())


def test_unknown_format_is_refused(engine, tmp_path):
    with pytest.raises(ValueError, match="pdf"):
        monthly.build(engine, "2024-09", tmp_path, formats={"pdf"})


def test_only_requested_formats(engine, tmp_path):
    paths = monthly.build(engine, "2024-09", tmp_path, formats={"html"})
    assert paths[0].name == "report-2024-09.html"
    assert not (tmp_path / "report-2024-09.md").exists()


def test_empty_month_gives_short_report(engine, tmp_path):
    paths = monthly.build(engine, "2024-07", tmp_path)
    assert [p.name for p in paths] == ["report-2024-07.md", "report-2024-07.html"]
    md = (tmp_path / "report-2024-07.md").read_text(encoding="utf-8")
    assert "# 网贷催收舆情月报 · 2024年7月" in md
    assert "没有发布时间落在该月的文章" in md
    assert len(md.splitlines()) < 10
    assert "没有发布时间落在该月的文章" in (tmp_path / "report-2024-07.html").read_text(encoding="utf-8")


def test_month_bounds_are_local(engine, tmp_path):
    """23:59 on the last day belongs to the month; 00:05 on the 1st of the next does not."""
    monthly.build(engine, "2024-10", tmp_path, formats={"md"})
    md = (tmp_path / "report-2024-10.md").read_text(encoding="utf-8")
    assert "| 声量（文章数） | 1 | 15 | -14（-93.3%） |" in md


def test_no_previous_month_means_no_comparison(engine, tmp_path):
    monthly.build(engine, "2024-08", tmp_path, formats={"md"})
    md = (tmp_path / "report-2024-08.md").read_text(encoding="utf-8")
    assert "上月（2024年7月）库中没有文章，本期不作环比。" in md
    assert "| 声量（文章数） | 6 | — | — |" in md


def test_chinese_chart_has_no_missing_glyphs(caplog):
    days = [{"day": d, "label": f"9月{d}日", "total": d % 4, "relevant": d % 3} for d in range(1, 31)]
    topics = [{"label": label, "count": 3, "share": 0.3, "prev_count": 1, "prev_share": 0.1}
              for label in ("暴力催收与骚扰", "反催收与代理维权黑产", "借款人心理与社会影响")]
    with caplog.at_level(logging.WARNING), warnings.catch_warnings():
        warnings.simplefilter("error")
        pngs = [charts.daily_volume(days, days[:3], "2024年9月 每日声量 −1"),
                charts.topic_shares(topics, "热点话题占比", previous_label="2024年8月")]
    assert all(p.startswith(PNG_MAGIC) for p in pngs)
    assert not [r for r in caplog.records if "missing" in r.getMessage().lower()]


def test_missing_glyph_check_is_not_vacuous():
    """A glyph the bundled font lacks does raise, so the test above would catch a font regression."""
    days = [{"day": d, "label": f"9月{d}日", "total": 1, "relevant": 1} for d in range(1, 31)]
    with warnings.catch_warnings(), pytest.raises(UserWarning, match="missing"):
        warnings.simplefilter("error")
        charts.daily_volume(days, [], "\U0001F600")
