"""What the publisher states beats page heuristics: dates with their source, feed hints, relative
dates, titles stripped of site names, related-links blocks. Small pages written here, then the
real pages of ../shared/data/real-pages where each failure kind was seen (skipped without ../shared)."""
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.extract import Hints, extract
from crawler.extract.published import DATE_SOURCES

SH = ZoneInfo("Asia/Shanghai")
FETCHED = datetime(2026, 12, 4, 9, 0, tzinfo=SH)
BODY = ("借款人张某反映，其在某网贷平台借款三千元逾期两天后，催收人员便开始给其父母和同事打电话，言语中多有威胁。"
        "律师表示，催收机构公开借款人个人信息、骚扰第三人的做法涉嫌违法，借款人可以依法维权并要求赔偿。")


def page(title="网贷借款人遭暴力催收_样例站", h1="网贷借款人遭暴力催收", head="", byline="", body=BODY,
         after="", content_attrs="class='content'") -> bytes:
    h1_html = f"<h1>{h1}</h1>" if h1 else ""
    return (f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{h1_html}"
            f"<div class='info'>{byline}</div><div {content_attrs}><p>{body}</p><p>{body}</p></div>{after}"
            f"</body></html>").encode("utf-8")


# -- dates and their source ----------------------------------------------------------------------

def test_wechat_script_time_beats_the_script_filled_relative_byline():
    # the static page shows 昨天 (a script fills the real date in); var ct holds unix seconds
    head = "<script>var ct = \"1581467645\"; var nickname = \"样例号\";</script>"
    found = extract(page(head=head, byline="昨天"), reference_time=FETCHED)
    assert found.published_at == datetime(2020, 2, 12, 8, 34, 5, tzinfo=SH)
    assert found.date_source == "script"


def test_a_script_variable_repeated_with_other_days_belongs_to_a_list_and_is_ignored():
    head = ("<script>var list = [{pubDate: '2024-05-23 09:41:17'}, {pubDate: '2024-05-21 05:23:50'}];</script>")
    found = extract(page(head=head, byline="2024年05月20日 13:15 来源：样例网"), reference_time=FETCHED)
    assert (found.published_at.date().isoformat(), found.date_source) == ("2024-05-20", "byline")


def test_script_date_beats_a_recommendation_date_in_the_byline():
    head = '<script type="application/ld+json">{"appid": "1", "pubDate": "2016-10-06T18:02:38"}</script>'
    found = extract(page(head=head, byline="最新推荐文章于 2024-02-02 22:51:05 发布"), reference_time=FETCHED)
    assert found.published_at.date().isoformat() == "2016-10-06"


@pytest.mark.parametrize("head, source", [
    ('<script type="application/ld+json">{"headline": "x", "datePublished": "2019-03-06T10:00:00+08:00"}</script>',
     "jsonld"),
    ("<meta property='article:published_time' content='2019-03-06T10:00:00+08:00'>", "meta"),
])
def test_metadata_date_and_its_source(head, source):
    found = extract(page(head=head, byline="2019-02-27"), reference_time=FETCHED)
    assert (found.published_at.date().isoformat(), found.date_source) == ("2019-03-06", source)


@pytest.mark.parametrize("byline, day", [
    ("2019年3月6日 10:00 来源：样例日报", "2019-03-06"),
    ("Dec 28 Sat 2013 00:28", "2013-12-28"),
    ("21 2024年02月 分享", "2024-02-21"),
    ("24-5-13 17:07 来自 微博", "2024-05-13"),
])
def test_byline_forms(byline, day):
    found = extract(page(byline=byline), reference_time=FETCHED)
    assert (found.published_at.date().isoformat(), found.date_source) == (day, "byline")


def test_the_absolute_date_behind_a_relative_byline_is_used():
    byline = "样例作者 · <abbr class='timeago' title='2024年04月22日'>1 月前</abbr>"
    found = extract(page(byline=byline), reference_time=FETCHED)
    assert (found.published_at.date().isoformat(), found.date_source) == ("2024-04-22", "byline")


def test_relative_date_only_when_nothing_absolute_and_flagged():
    found = extract(page(byline="3小时前"), reference_time=FETCHED)
    assert (found.published_at, found.date_source) == (datetime(2026, 12, 4, 6, 0, tzinfo=SH), "relative")
    head = "<meta name='publishdate' content='2020-02-12'>"
    found = extract(page(head=head, byline="刚刚"), reference_time=FETCHED)
    assert (found.published_at.date().isoformat(), found.date_source) == ("2020-02-12", "meta")


def test_url_date_when_the_page_states_none():
    found = extract(page(), url="https://news.example.cn/2024-05/13/content_1.htm", reference_time=FETCHED)
    assert (found.published_at.date().isoformat(), found.date_source) == ("2024-05-13", "url")


def test_a_date_after_the_fetch_is_rejected_and_no_date_is_invented():
    head = "<meta name='publishdate' content='2027-01-01'>"
    found = extract(page(head=head, byline="明日起施行"), reference_time=FETCHED)
    assert (found.published_at, found.date_source) == (None, "none")


# -- feed and sitemap hints ----------------------------------------------------------------------

def test_feed_date_wins_and_a_disagreeing_page_date_is_kept_beside_it():
    feed_date = datetime(2019, 3, 6, 9, 0, tzinfo=SH)
    head = "<meta name='publishdate' content='2009-03-06'>"
    found = extract(page(head=head), hints=Hints(published_at=feed_date), reference_time=FETCHED)
    assert (found.published_at, found.date_source) == (feed_date, "feed")
    assert found.page_published_at.date().isoformat() == "2009-03-06"
    close = extract(page(byline="2019-03-06 20:00"), hints=Hints(published_at=feed_date, source="sitemap"))
    assert (close.published_at, close.date_source, close.page_published_at) == (
        datetime(2019, 3, 6, 20, 0, tzinfo=SH), "byline", None)  # agreeing: the page's, more precise
    undated = extract(page(), hints=Hints(published_at=feed_date, source="sitemap"))
    assert (undated.published_at, undated.date_source) == (feed_date, "sitemap")


def test_feed_title_beats_a_site_name_page():
    found = extract(page(title="中国金融学会", h1="中国金融学会"), hints=Hints(title="学会召开网贷风险专题研讨会"))
    assert found.title == "学会召开网贷风险专题研讨会"


# -- titles --------------------------------------------------------------------------------------

@pytest.mark.parametrize("title, h1, head, expected", [
    ("网贷借款人遭暴力催收_中国_法国_全球", "网贷借款人遭暴力催收",
     "<meta property='og:title' content='网贷借款人遭暴力催收_中国_法国_全球'>", "网贷借款人遭暴力催收"),
    ("网贷借款人遭暴力催收_数据_宏观频道首页_样例网 - SAMPLE.COM.CN", "", "", "网贷借款人遭暴力催收"),
    ("网贷借款人遭暴力催收-纪检-样例网", "", "", "网贷借款人遭暴力催收"),
    ("网贷借款人遭暴力催收 | 样例网", "", "", "网贷借款人遭暴力催收"),
    ("(99+ 封私信 / 87 条消息) 网贷借款人遭暴力催收 - 样例问答", "", "", "网贷借款人遭暴力催收"),
    ("华为5G-A网络商用 | 样例网", "", "", "华为5G-A网络商用"),
    ("样例研究所", "样例研究所召开网贷风险专题会", "", "样例研究所召开网贷风险专题会"),
])
def test_title_without_site_name(title, h1, head, expected):
    assert extract(page(title=title, h1=h1, head=head)).title == expected


def test_headline_agreed_by_json_ld_and_h1_beats_the_title_tag():
    head = ('<meta property="og:title" content="网贷借款人遭暴力催收 | 政治 | 样例社">'
            '<script type="application/ld+json">{"headline": "网贷借款人遭暴力催收"}</script>')
    assert extract(page(title="网贷借款人遭暴力催收 | 政治 | 样例社", head=head)).title == "网贷借款人遭暴力催收"


# -- body ----------------------------------------------------------------------------------------

def test_related_reading_block_in_the_middle_never_enters_the_text():
    travel = "国庆假期临近，各大在线旅游平台数据显示，假期国内游预订量较去年同期明显增长，热门目的地的酒店预订火热。"
    body = (f"<p>{travel}</p><p>推荐阅读</p><p>网贷催收新规11月起施行</p><p>热门文章：多地发放文旅消费券</p>"
            f"<p>{travel[:-1]}，景区门票也在预约中。</p>")
    html = (f"<html><head><title>国庆出行</title></head><body><h1>国庆出行</h1>"
            f"<div class='content'>{body}</div></body></html>").encode("utf-8")
    text = extract(html).text
    assert "网贷催收" not in text and "推荐阅读" not in text and "消费券" not in text
    assert text.endswith("景区门票也在预约中。")


def test_an_answer_opening_line_before_its_list_is_kept_and_calls_to_action_dropped():
    items = "".join(f"<li><p>{BODY}</p></li>" for _ in range(3))
    html = (f"<html><head><title>为什么要还网贷_样例问答</title></head><body><h1>为什么要还网贷</h1><div class='answer'>"
            f"<p>借款人按时还款的原因可能是多方面的，每个人的处境和考虑也有所不同。以下是一些可能的原因：</p><ul>{items}</ul>"
            f"<p>赞 赶快成为第一个赞的人吧</p></div></body></html>").encode("utf-8")
    text = extract(html).text
    assert text.startswith("借款人按时还款的原因可能是多方面的") and "第一个赞" not in text


def test_a_posted_at_label_after_the_body_dates_a_blog_post():
    found = extract(page(after="<div class='postDesc'>posted @ 2024-05-09 14:45 样例作者 阅读(430)</div>"),
                    reference_time=FETCHED)
    assert (found.published_at.date().isoformat(), found.date_source) == ("2024-05-09", "byline")


def test_an_article_hidden_until_a_script_shows_it_is_kept():
    found = extract(page(body=BODY * 2, content_attrs="id='js_content' style='visibility: hidden;'"))
    assert found.text.startswith("借款人张某反映")
    small = page(after="<div style='visibility:hidden'>分享到微信朋友圈</div>")
    assert "分享到" not in extract(small).text


# -- real pages where each failure kind was seen (dev split; skipped without ../shared) ----------

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real-pages" / "pages"
TRUTH_FILE = Path(__file__).resolve().parents[1] / "bench" / "extract" / "real-pages.truth.jsonl"
TRUTH = {row["file"]: row for row in map(json.loads, TRUTH_FILE.read_text("utf-8").splitlines())}


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real-pages is not present")
@pytest.mark.parametrize("name, source", [
    ("044_qq.html", "script"),         # WeChat: hidden #js_content, var ct, empty <title>
    ("029_csdn.html", "script"),       # 最新推荐文章于 2024-02-02 in the byline, pubDate 2016 in a script
    ("057_csdn.html", "script"),
    ("095_rubychina.html", "byline"),  # 1 月前 with the date in <abbr title>
    ("039_zjfish.html", "byline"),     # site-name <title>, day badge 21 / 2024年02月
    ("020_pixnet.html", "byline"),     # Dec 28 Sat 2013 above the headline; related posts of 2011
    ("038_zhihu.html", "byline"),      # 编辑于 2025-04-22 after the body
    ("058_cnblogs.html", "byline"),    # posted @ 2024-05-09 after the body
])
def test_real_page_dates(name, source):
    found = extract((REAL / name).read_bytes(), reference_time=FETCHED)
    assert (found.published_at.date().isoformat(), found.date_source) == (TRUTH[name]["date"], source)
    assert source in DATE_SOURCES


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real-pages is not present")
@pytest.mark.parametrize("name", ["063_sohu.html", "077_caijing.html", "026_cna.html", "080_1905.html",
                                  "035_whatsknow.html", "093_zhihu.html", "039_zjfish.html", "033_regengya.html"])
def test_real_page_titles(name):
    assert extract((REAL / name).read_bytes(), reference_time=FETCHED).title == TRUTH[name]["title"]


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real-pages is not present")
@pytest.mark.parametrize("name", ["016_163.html", "017_qq.html", "063_sohu.html", "081_39.html", "044_qq.html",
                                  "078_caijing.html", "090_baidu.html"])
def test_real_page_bodies_are_whole_and_clean(name):
    text = extract((REAL / name).read_bytes(), reference_time=FETCHED).text.replace(" ", "")
    truth = TRUTH[name]
    assert truth["body_start"].replace(" ", "") in text and truth["body_end"].replace(" ", "") in text
    assert not [x for x in truth["not_body"] if x.replace(" ", "") in text]


# -- through the crawler: the feed item's title and date win, both dates are kept ----------------

def test_rss_spider_keeps_the_feed_date_and_records_the_page_date():
    from scrapy.http import HtmlResponse, Request

    from crawler.spiders.rss import RssSpider

    spider = RssSpider({"name": "feed", "kind": "rss", "url": "https://news.example.cn/rss.xml"})
    feed_date = datetime(2019, 3, 6, 9, 0, tzinfo=SH)
    body = page(title="样例学会", h1="样例学会", head="<meta name='publishdate' content='2009-03-06'>")
    response = HtmlResponse("https://news.example.cn/a/1.html", body=body,
                            request=Request("https://news.example.cn/a/1.html"))
    item = next(spider.parse_article(response, "学会召开网贷风险专题研讨会", feed_date))
    article = item.article
    assert (article.title, article.published_at, article.date_source) == (
        "学会召开网贷风险专题研讨会", feed_date, "feed")
    assert article.extra["page_published_at"].startswith("2009-03-06")
    assert article.extra["hint"]["published_at"] == feed_date.isoformat()
