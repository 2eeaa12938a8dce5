"""The monthly report, built from a small fixed database (tests/fixtures/report/articles.json).

Expected figures for 2024-09 (derived by hand from the fixture):
17 articles (ids 7-21, 24-25; 21 not analysed), 12 relevant (70.6%), 9 stories, 5 sources, 6 outlets;
2024-08: 6 articles, 5 relevant (83.3%), 4 stories.
Topics among the 12 relevant: 暴力催收与骚扰 5 (41.7%, August 1 of 5 = 20.0%), 监管政策 2 (16.7%, August 40.0%).
Sentiment: negative 8 (66.7%; August 40.0%), neutral 3 (25.0%), positive 1 (8.3%).
Peak days (relevant; the three highest counts, ties kept, at least 2 a day; one rule for 一 and 七):
9月3日 2, 9月5日 2, 9月12日 3; 9月12日 is 3 against a trailing 7-day mean of 2/7 (9月5日-11日) = 10.5 times.
Stories: 9 (#5 is an August story with a September repost). Complaints' outlet: 黑猫投诉 (#25's author 匿名 is not).
Rising terms: none reaches z ≥ 1 with 12 articles against 5 (smoothed log-odds).
Policy: #10 (文号 金规〔2024〕99号, 国家金融监督管理总局, story 10 with #11) says it takes effect
2024-11-01, and so does #11; enforcement: #14 (公安机关, 示例市). Complaints: #24 示例贷 3000 元 已回复,
#25 样例花 500 元 no status: total 3,500, median 1,750. Lenders named: 示例贷 in #7 and #14.

Set LENDWATCH_UPDATE_GOLDEN=1 to rewrite the golden Markdown after an intended change.
"""

import json
import logging
import math
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from sqlalchemy import insert

from analysis.runner import record_models
from lendwatch import db, schema
from lendwatch.records import sha256
from reports import charts, monthly

FIXTURES = Path(__file__).parent / "fixtures" / "report"
GOLDEN = FIXTURES / "report-2024-09.md"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def build_fixture_db(path: Path | str):
    """A database (an SQLite file, or a URL) holding the fixture articles and their analyses."""
    engine = db.connect(path if "://" in str(path) else f"sqlite:///{path}")
    db.migrate(engine)
    items = json.loads((FIXTURES / "articles.json").read_text(encoding="utf-8"))["articles"]
    with engine.begin() as conn:
        for item in items:
            text = item.get("text") or f"{item['title']}。正文（测试用虚构文本）。"
            extra = dict(item.get("extra", {}), **({"outlet": item["outlet"]} if "outlet" in item else {}))
            conn.execute(insert(schema.articles).values(
                id=item["id"], canonical_url=item["url"], url=item["url"], source=item["source"],
                title=item["title"], published_at=item["published_at"], author=item.get("author"),
                text=text, text_hash=sha256(text), extraction_version="test-1",
                first_seen_at="2024-10-02T00:00:00+00:00", updated_at="2024-10-02T00:00:00+00:00",
                extra=extra))
            if "complaint" in item:
                conn.execute(insert(schema.complaints).values(article_id=item["id"], timeline=[], **item["complaint"]))
            tags = item.get("analysis")
            if tags:
                conn.execute(insert(schema.analyses).values(
                    article_id=item["id"], model_version=tags.get("model", "tagger-0.3"),
                    lexicon_version="lexicon-2024.09", text_hash=sha256(text),
                    relevant=tags["relevant"], topics=tags["topics"], sentiment=tags["sentiment"],
                    p_negative=tags["p_negative"], entities=item.get("entities", {"lenders": []}),
                    evidence=tags.get("evidence", {}), story_id=tags["story_id"],
                    analyzed_at="2024-10-02T01:00:00+00:00"))
    record_models(engine, [{"name": "sentiment", "version": "test-sent-1",
                            "metrics": {"validation macro-F1": 0.9}, "measured_on": "测试集"},
                           {"name": "topics", "version": "test-lex-1",
                            "metrics": {"holdout micro-F1": 0.86}, "measured_on": "留出集"}])
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


def test_postgresql_gives_the_same_report(built, pg_url, tmp_path):
    out, _ = built
    engine = build_fixture_db(pg_url)
    monthly.build(engine, "2024-09", tmp_path, formats=("md",))
    engine.dispose()
    assert without_generated(read(tmp_path, "report-2024-09.md")) == without_generated(read(out, "report-2024-09.md"))
    for table in ("topics.csv", "articles.csv"):
        name = f"report-2024-09-files/{table}"
        assert read(tmp_path, name) == read(out, name), name


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
    assert "| 声量（文章数） | 17 | 6 | +11（+183.3%） |" in md
    assert "| 相关文章 | 12 | 5 | +7（+140.0%） |" in md
    assert "| 相关占比 | 70.6% | 83.3% | -12.7 个百分点 |" in md
    assert "| 报道事件（相关，转载归并） | 9 | 4 | +5 |" in md
    assert "| 采集来源 | 5 |" in md
    assert "| 发布方（媒体/机构） | 6 |" in md
    assert "去年同月库中没有文章，本期不作同比。" in md
    assert "本月有 1 篇文章尚未分析（编号 #21）" in md
    # a repost's peak day is labelled with its story's origin (published 9月1日)
    assert "- ① 9月3日：2 篇，主要报道[《“爆通讯录”式催收再现：借款人亲友不堪其扰》](https://www.chinanews.com.cn/sh/2024/09-01/1007.shtml)" in md
    assert "- ② 9月5日：2 篇，主要报道[《关于规范互联网贷款催收行为的通知》]" in md
    assert "- ③ 9月12日：3 篇，主要报道[《借一万到手七千：砍头息网贷调查（样例）》]" in md
    assert "库中共有文章 25 篇（已分析 23 篇）" in md
    assert "投诉记录 2 条" in md
    assert "另有 1 篇无发布时间" in md


def test_lead_has_key_numbers(built):
    md = read(built[0], "report-2024-09.md")
    lead = md.split("## 导语\n\n")[1].split("\n")[0]
    assert len(re.findall("。", lead)) == 3
    for part in ("17 篇", "12 篇（占 70.6%）", "9 个报道事件", "相关报道较上月增加 7 篇", "“暴力催收与骚扰”",
                 "涉及 5 篇（占相关报道 41.7%）", "负面报道占 66.7%", "上升 26.7 个百分点",
                 "政策与监管动态 1 条、执法司法案例 1 起", "9月12日（3 篇，主要报道《借一万到手七千"):
        assert part in lead


def test_topics_in_chinese_with_change(built):
    md = read(built[0], "report-2024-09.md")
    assert "| 暴力催收与骚扰 | 5 | 41.7% | 20.0% | +21.7 个百分点 |" in md
    assert "| 监管政策 | 2 | 16.7% | 40.0% | -23.3 个百分点 |" in md
    assert "| 金融教育与风险提示 | 0 | 0.0% | 20.0% | -20.0 个百分点 |" in md
    assert "violent_collection" not in md.split("## 附录")[0]
    assert "- 话题：暴力催收与骚扰（5）：#7、#8、#9、#14、#20" in md


def test_sentiment_and_most_negative(built):
    md = read(built[0], "report-2024-09.md")
    assert "| 负面 | 8 | 66.7% | 40.0% | +26.7 个百分点 |" in md
    assert "| 中性 | 3 | 25.0% | 40.0% | -15.0 个百分点 |" in md
    assert "| 正面 | 1 | 8.3% | 20.0% | -11.7 个百分点 |" in md
    section = md.split("### 负面程度最高的报道")[1].split("## 五")[0]
    ids = re.findall(r"（#(\d+)）", section)
    assert ids == ["7", "13", "19", "20", "18"]  # one per story: #8 is a repost of #7
    assert "| 9月1日–7日 | 5 | 3 | 60.0% |" in md
    assert "| 执法司法 | 1 | 0 | 0.0% |" in md and "| 暴力催收与骚扰 | 5 | 4 | 80.0% |" in md
    assert "> 证据：“催收人员每天拨打数十个电话辱骂借款人。”“还把P过的图片发给通讯录里的亲友。”" in section
    assert "> 证据：“借款一万元，到手只有七千元，年化利率远超36%。”" in section
    assert "> 证据：“交了三千元“服务费”后，所谓的代理人就失联了。”" in section


def test_cases_by_reach_told_from_their_articles(built):
    md = read(built[0], "report-2024-09.md")
    section = md.split("## 六、典型案例")[1].split("## 七")[0]
    titles = re.findall(r"^### \d\. (.+)$", section, re.M)
    assert len(titles) == 5
    assert titles[0] == "“爆通讯录”式催收再现：借款人亲友不堪其扰"  # 3 articles, 3 outlets
    assert titles[1] == "关于规范互联网贷款催收行为的通知"  # 2 articles
    first = section.split("### 2.")[0]
    assert "- 事件经过：一名借款人逾期三天后，通讯录里的亲友陆续接到催收电话。催收人员每天拨打数十个电话辱骂借款人。" in first
    assert "- 涉及主体：示例贷" in first and "- 地区：示例省" in first
    assert "- 传播：3 篇，3 个发布方（中国新闻网、人民网、样例晚报）" in first
    assert "- 结果：政策文件，无个案结果" in section.split("### 2.")[1].split("### 3.")[0]
    # Markdown table syntax in a title is escaped
    assert "逾期之后 \\| 一位大学生的\\[还款\\]困境" in md
    stories = (built[0] / "report-2024-09-files" / "top-stories.csv").read_text(encoding="utf-8-sig").splitlines()
    assert stories[1].startswith("1,7,7,“爆通讯录”式催收再现：借款人亲友不堪其扰,")
    assert stories[1].endswith(",3,3,0.950,7 8 9")


def test_case_wording_is_taken_from_the_text():
    from reports import cases

    text = "示例市9月12日电（记者 测试）示例市警方近日破获一起暴力催收案。该团伙冒充律师恐吓借款人。目前，12名犯罪嫌疑人已被刑事拘留。"
    what = cases.lead_sentences(text)
    assert what == ["示例市警方近日破获一起暴力催收案。", "该团伙冒充律师恐吓借款人。"]  # dateline dropped
    assert cases.outcome(text, what) == "目前，12名犯罪嫌疑人已被刑事拘留。"
    assert cases.outcome("借款人说：“他们说已经立案了。”仍在协商。", []) is None  # a quote is not a result
    assert cases.lead_sentences("示例金管发〔2024〕28号\n各有关单位：\n为规范催收，现提出意见。") == ["为规范催收，现提出意见。"]


def test_policy_timeline_and_start_dates(built):
    md = read(built[0], "report-2024-09.md")
    section = md.split("## 三、政策与监管动态")[1].split("## 四")[0]
    rows = [line for line in section.splitlines() if line.startswith("| 2024-")]
    assert rows[0] == ("| 2024-09-05 | 政策文件 | 国家金融监督管理总局 | [关于规范互联网贷款催收行为的通知]"
                       "(https://www.gov.cn/zhengce/2024-09/05/content_3010.htm) | 金规〔2024〕99号 |")
    assert len([r for r in rows if "政策文件" in r]) == 1  # #11 is in #10's story
    assert "- 即将施行：《关于规范互联网贷款催收行为的通知》（金规〔2024〕99号）自 2024-11-01 起施行" in section
    assert "| 2024-09-12 | [警方破获一起暴力催收案 刑拘12人](https://www.chinanews.com.cn/fz/2024/09-12/1014.shtml) | 公安机关 | 示例市 | 中国新闻网 |" in section
    trends = md.split("## 七、趋势研判")[1].split("## 附录")[0]
    assert "- 峰值日 9月12日：相关报道 3 篇，为此前 7 日日均（0.3 篇）的 10.5 倍，主要报道《借一万到手七千：砍头息网贷调查（样例）》。" in trends
    assert "即将施行：《关于规范互联网贷款催收行为的通知》自 2024-11-01 起施行" in trends
    assert "占相关报道的比例连续两个月上升" not in trends  # June and July have no data: no two-month claim


def test_complaints_and_lenders(built):
    md = read(built[0], "report-2024-09.md")
    section = md.split("## 五、投诉与平台")[1].split("## 六")[0]
    assert "本月投诉记录 2 条（上月 0 条），其中 2 条注明涉诉金额，合计 3,500 元、中位数 1,750 元。投诉内容为投诉人的单方陈述，未经核实。" in section
    assert "| 示例贷 | 1 |" in section and "| 样例花 | 1 |" in section
    assert "| 已回复 | 1 |" in section and "| （未注明） | 1 |" in section
    assert "| 示例贷 | 2 | 2 | 1 |" in section  # named in #7 (negative) and #14 (neutral)


def test_rising_terms_by_smoothed_log_odds(monkeypatch):
    from reports import terms

    monkeypatch.setattr(terms, "words", lambda title, lead: set(title.split()))
    now = [{"month": "2024-09", "id": i, "title": "催收 爆通讯录" if i < 30 else "催收"} for i in range(40)]
    now += [{"month": "2024-09", "id": 100 + i, "title": "催收 新词"} for i in range(2)]
    before = [{"month": m, "id": 200 + i, "title": "催收 爆通讯录" if i < 5 else "催收"}
              for i, m in enumerate(["2024-06", "2024-07", "2024-08"] * 14)]
    rows = [dict(r, lead="") for r in now + before]
    result = terms.rising(rows, "2024-09", ["2024-06", "2024-07", "2024-08"])
    assert result["base_articles"] == 42 and result["articles"] == 42
    # 催收 is in every article of both periods: not rising; 新词 (2 now, 0 before) is not listed for its
    # zero baseline: the prior keeps its z below the listing floor
    assert [t["word"] for t in result["terms"]] == ["爆通讯录"]
    top = result["terms"][0]
    assert (top["count"], top["base_count"], top["ids"]) == (30, 5, list(range(30)))
    assert top["z"] > terms.Z_SIGNIFICANT and top["expected"] == pytest.approx(5.0)
    # the z-score of Monroe et al. (2008): log-odds over its standard error, here by hand
    n_now, n_base = 30 + 42 + 2, 5 + 42
    assert terms.log_odds(2, 0, n_now, n_base, terms.PRIOR_SCALE * 2, terms.PRIOR_SCALE * (n_now + n_base)) < terms.Z_MIN
    a = terms.PRIOR_SCALE * 35
    a0 = terms.PRIOR_SCALE * (n_now + n_base)
    delta = math.log((30 + a) / (n_now + a0 - 30 - a)) - math.log((5 + a) / (n_base + a0 - 5 - a))
    assert top["z"] == pytest.approx(delta / math.sqrt(1 / (30 + a) + 1 / (5 + a)))


def test_term_stop_list_drops_administrative_words():
    from reports import terms

    found = terms.words("某区分局通报：单位来电 催收人员爆通讯录", "")
    assert "爆通讯录" in found and not found & {"分局", "单位", "通报"}


def test_pdf_embeds_the_cjk_font(engine, tmp_path):
    pytest.importorskip("weasyprint")
    paths = monthly.build(engine, "2024-09", tmp_path, formats={"pdf"})
    pdf = paths[0].read_bytes()
    assert paths[0].name == "report-2024-09.pdf" and pdf.startswith(b"%PDF")
    if shutil.which("pdffonts"):  # poppler-utils: the CJK font is embedded (a subset), not substituted
        fonts = subprocess.run(["pdffonts", str(paths[0])], capture_output=True, text=True, check=True).stdout
        assert re.search(r"\+Report-CJK\s.*\byes\s+yes\s+yes\b", fonts), fonts


def test_range_builds_each_month_and_an_index(engine, tmp_path):
    from reports import series

    paths = series.build_range(engine, "2024-08", "2024-10", tmp_path, formats={"md"})
    names = {p.name for p in paths}
    assert {"index.md", "trend.png", "trend.csv", "report-2024-08.md", "report-2024-09.md", "report-2024-10.md"} <= names
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert "| 2024年9月 | 17 | 12 | 70.6% | 9 | 8 | 66.7% | [md](report-2024-09.md) |" in index
    assert "| 2024年10月 | 1 | 1 | 100.0% | 1 | 1 | 100.0% | [md](report-2024-10.md) |" in index
    trend = (tmp_path / "index-files" / "trend.csv").read_text(encoding="utf-8-sig").splitlines()
    assert trend[1] == "2024-08,6,5,0.8333,4,2,0.4000"
    with pytest.raises(ValueError, match="later than"):
        series.build_range(engine, "2024-10", "2024-08", tmp_path)


def test_appendix_methods_and_sources(built):
    md = read(built[0], "report-2024-09.md")
    appendix = md.split("## 附录·方法说明")[1]
    assert "| tagger-0.3 | lexicon-2024.09 | 15 |" in appendix
    assert "| tagger-0.2 | lexicon-2024.09 | 1 |" in appendix
    assert "| chinanews | — |  | 10 | 2024-08-05 至 2024-10-01 | 6 | 3 |" in appendix
    assert "| heimao | — |  | 2 | 2024-09-08 至 2024-09-20 | 2 | 0 |" in appendix
    assert "准确率：未测量" in appendix or "实测准确率" in appendix
    assert "本月有 3 篇来自样例站点" in appendix
    assert "未经核实" in appendix
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
    assert len(articles) == 18


def test_html_is_self_contained(built):
    html = read(built[0], "report-2024-09.html")
    assert 'src="http' not in html and "src='http" not in html
    assert "<link" not in html and "@import" not in html and "<script" not in html
    assert html.count('src="data:image/png;base64,') == 3
    assert '<a href="https://www.chinanews.com.cn/sh/2024/09-01/1007.shtml">“爆通讯录”式催收再现：借款人亲友不堪其扰</a>' in html
    assert "逾期之后 | 一位大学生的[还款]困境" in html
    assert '<tr id="a7">' in html and 'href="#a7"' in html
    # every number links to the list of its articles, and every list is in the appendix
    refs = set(re.findall(r'<a class="n" href="#(f\d+)">', html))
    assert refs and all(f'<li id="{ref}">' in html for ref in refs)
    assert '<a class="n" href="#f2">12</a>' in html and '<li id="f2">相关文章（12）：<a href="#a7">#7</a>' in html
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
    with pytest.raises(ValueError, match="docx"):
        monthly.build(engine, "2024-09", tmp_path, formats={"docx"})


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
    assert "| 声量（文章数） | 1 | 17 | -16（-94.1%） |" in md


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
        pngs = [charts.daily_volume(days, [dict(d, mark=chr(0x2460 + i)) for i, d in enumerate(days[:20])],
                                    "2024年9月 每日声量 −1"),
                charts.topic_shares(topics, "热点话题占比", previous_label="2024年8月")]
    assert all(p.startswith(PNG_MAGIC) for p in pngs)
    assert not [r for r in caplog.records if "missing" in r.getMessage().lower()]


def test_missing_glyph_check_is_not_vacuous():
    """A glyph the bundled font lacks does raise, so the test above would catch a font regression."""
    days = [{"day": d, "label": f"9月{d}日", "total": 1, "relevant": 1} for d in range(1, 31)]
    with warnings.catch_warnings(), pytest.raises(UserWarning, match="missing"):
        warnings.simplefilter("error")
        charts.daily_volume(days, [], "\U0001F600")


@pytest.mark.parametrize("args, message", [
    (["--from", "2024-9", "--to", "2024-10"], "expected YYYY-MM"),
    (["--from", "2024-10", "--to", "2024-08"], "later than --to"),
    (["--from", "2024-08"], "both --from YYYY-MM and --to YYYY-MM"),
    (["--month", "2024-09", "--from", "2024-08", "--to", "2024-09"], "not both"),
    (["--month", "2024-09", "--format", "docx"], "md, html, pdf"),
])
def test_cli_range_usage_errors(tmp_path, args, message):
    from click.testing import CliRunner

    from lendwatch.cli import cli

    result = CliRunner().invoke(cli, ["report", *args, "--db", str(tmp_path / "r.db"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert message in result.output
    assert not list(tmp_path.glob("report-*"))


def test_only_web_links_are_made_links(tmp_path):
    engine = build_fixture_db(tmp_path / "hostile.db")
    with engine.begin() as conn:
        conn.execute(schema.articles.update().values(
            url="javascript:alert(1)", title='<script>alert(2)</script>"><img src=x onerror=alert(3)>'))
    out = tmp_path / "out"
    monthly.build(engine, "2024-09", out)
    html = (out / "report-2024-09.html").read_text(encoding="utf-8")
    md = (out / "report-2024-09.md").read_text(encoding="utf-8")
    assert "javascript:" not in html and "javascript:" not in md
    assert "<script>alert(2)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "\\<script\\>" in md and "<script>" not in md.replace("\\<script\\>", "")


def test_publishable_wording(built, engine):
    """Methods in Chinese without internal names or paths, 北京时间 throughout, the story count linked to
    the stories, one peak-day rule in 一 and 七."""
    md, html = read(built[0], "report-2024-09.md"), read(built[0], "report-2024-09.html")
    for text in (md, html):
        assert "UTC" not in text and "analyses." not in text and "extra.outlet" not in text and "../" not in text
        assert "团队" not in text
    anchor = re.search(r'<td>报道事件（相关，转载归并）</td><td class="n"><span class="fig" data-browse="stories\?month=2024-09&amp;relevant=1"><a class="n" href="#(f\d+)">9</a>', html).group(1)
    assert re.search(rf'<li id="{anchor}">报道事件[^<]*（9）', html)
    one = re.findall(r"^- \S (\d+月\d+日)：\d+ 篇，主要报道", md.split("## 一")[1].split("## 二")[0], re.M)
    seven = re.findall(r"^- 峰值日 (\d+月\d+日)：", md.split("## 七")[1].split("## 附录")[0], re.M)
    assert one == seven == ["9月3日", "9月5日", "9月12日"]


def test_model_figures_are_named_in_chinese():
    from reports.methods import figure_name

    for key in ("finnsp negative-vs-not macro-F1", "real-post holdout, high-confidence labels, relevance recall",
                "5-fold CV relevance F1, learned layer or text head", "blind set 3-class macro-F1",
                "sample articles topics micro-precision", "bdci2019news 3-class macro-F1", "finnsp ROC-AUC"):
        leftover = set(re.findall(r"[A-Za-z][A-Za-z-]*", figure_name(key))) - {"F", "FinNSP", "BDCI", "ROC"}
        assert not leftover, (key, figure_name(key))
