"""Offline tests of the generic article extractor (crawler.extract) on pages written for these tests."""
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.extract import (EXTRACTION_VERSION, Extracted, ExtractError, decode_html, extract,
                             parse_date)
from crawler.extract.cli_contract import extract_files

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
SH = ZoneInfo("Asia/Shanghai")
REF = datetime(2024, 9, 5, 10, 30, tzinfo=SH)
GBK_TITLE = "监管通报网贷平台违规催收案例"
GBK_FIRST = "本报讯（记者 王晓明）9月3日，市金融监管局通报了一批网络借贷平台违规催收案例"
BANNER = "【样例数据】本站为 lendwatch 示例站点，文章均为虚构，仅供演示与测试"

PARAS = ["借款人张某反映，其在某网贷平台借款三千元逾期两天后，催收人员便开始给其父母和同事打电话，言语中多有威胁。",
         "张某说，对方还在社交平台上发布其身份证照片，称其为“老赖”，给其工作和生活造成了严重影响。",
         "律师表示，催收机构公开借款人个人信息、骚扰第三人的做法涉嫌违法，借款人可以依法维权并要求赔偿。"]


def page(date_line: str = "", head: str = "", before: str = "", inside: str = "") -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in PARAS)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>网贷借款人遭暴力催收_样例站</title>{head}"
            f"</head><body>{before}<h1>网贷借款人遭暴力催收</h1><div class='info'>{date_line}</div>"
            f"<div class='content'>{inside}{paras}</div></body></html>").encode("utf-8")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# -- encoding ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["gbk_declared.html", "gbk_undeclared.html"])
def test_gbk_pages_decode_as_gb18030(name):
    body = fixture(name)
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # the fixture really is GBK bytes
    text, encoding = decode_html(body)
    assert encoding == "gb18030"
    assert GBK_TITLE in text
    article = extract(body)
    assert article.title == GBK_TITLE
    assert article.text.startswith(GBK_FIRST)
    assert article.encoding == "gb18030"


def test_gbk_page_with_wrong_http_header_still_gbk():
    text, encoding = decode_html(fixture("gbk_declared.html"), declared_encoding="utf-8")
    assert encoding == "gb18030" and GBK_TITLE in text


def test_utf8_page_falsely_declared_gbk():
    body = fixture("utf8_declared_gbk.html")
    assert b'charset="gbk"' in body
    text, encoding = decode_html(body, declared_encoding="gbk")
    assert encoding == "utf-8"
    assert GBK_TITLE in text
    article = extract(body, declared_encoding="gbk")
    assert article.title == GBK_TITLE
    assert article.text.startswith(GBK_FIRST)


def test_bom_and_ascii():
    assert decode_html(b"\xef\xbb\xbf<p>\xe4\xb8\xad</p>") == ("<p>中</p>", "utf-8")
    assert decode_html(b"<p>plain</p>", declared_encoding="gbk") == ("<p>plain</p>", "utf-8")


def test_declared_big5_is_used_when_bytes_fit():
    body = "<html><head><meta charset='big5'></head><body>臺灣銀行</body></html>".encode("big5")
    text, encoding = decode_html(body)
    assert encoding == "big5" and "臺灣銀行" in text


# -- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2024年9月3日 14:05", datetime(2024, 9, 3, 14, 5, tzinfo=SH)),
    ("发布时间：2024年09月03日14:05", datetime(2024, 9, 3, 14, 5, tzinfo=SH)),
    ("2024-09-03", datetime(2024, 9, 3, tzinfo=SH)),
    ("2024/09/03 14:05:33", datetime(2024, 9, 3, 14, 5, 33, tzinfo=SH)),
    ("09-03", datetime(2024, 9, 3, tzinfo=SH)),
    ("09-03 08:00", datetime(2024, 9, 3, 8, 0, tzinfo=SH)),
    ("12-25", datetime(2023, 12, 25, tzinfo=SH)),  # would be in the future: last year
    ("3小时前", datetime(2024, 9, 5, 7, 30, tzinfo=SH)),
    ("30分钟前", datetime(2024, 9, 5, 10, 0, tzinfo=SH)),
    ("昨天 08:15", datetime(2024, 9, 4, 8, 15, tzinfo=SH)),
    ("前天", datetime(2024, 9, 3, tzinfo=SH)),
    ("二〇二四年九月三日", datetime(2024, 9, 3, tzinfo=SH)),
    ("二〇二三年十二月三十一日", datetime(2023, 12, 31, tzinfo=SH)),
    ("2019-09-07T05:43:45Z", datetime(2019, 9, 7, 13, 43, 45, tzinfo=SH)),
])
def test_parse_date_forms(text, expected):
    got = parse_date(text, reference=REF)
    assert got == expected
    assert got.tzinfo is not None and got.utcoffset() == timedelta(hours=8)


def test_parse_date_keeps_given_zone_as_shanghai_time():
    got = parse_date("2024-09-03T14:05:00+08:00")
    assert got.isoformat() == "2024-09-03T14:05:00+08:00"
    assert str(got.tzinfo) == "Asia/Shanghai"


def test_parse_date_rejects_non_dates():
    assert parse_date("") is None
    assert parse_date("共3页") is None
    assert parse_date("2024年13月40日", reference=REF) is None


@pytest.mark.parametrize("line, expected", [
    ("2024年9月3日 14:05 来源：样例日报", datetime(2024, 9, 3, 14, 5, tzinfo=SH)),
    ("2024-09-03", datetime(2024, 9, 3, tzinfo=SH)),
    ("2024/09/03 14:05:33", datetime(2024, 9, 3, 14, 5, 33, tzinfo=SH)),
    ("发布时间：09-03 11:00", datetime(2024, 9, 3, 11, 0, tzinfo=SH)),
    ("3小时前", datetime(2024, 9, 5, 7, 30, tzinfo=SH)),
    ("昨天 08:15", datetime(2024, 9, 4, 8, 15, tzinfo=SH)),
    ("二〇二四年九月三日", datetime(2024, 9, 3, tzinfo=SH)),
])
def test_visible_date_line_beside_title(line, expected):
    assert extract(page(date_line=line), reference_time=REF).published_at == expected


def test_metadata_date_wins_over_page_and_json_ld_is_read():
    head = "<meta property='article:published_time' content='2024-08-01T09:00:00+08:00'>"
    assert extract(page("2024年9月3日", head=head)).published_at == datetime(2024, 8, 1, 9, 0, tzinfo=SH)
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "网贷借款人遭暴力催收",'
          ' "datePublished": "2024-07-02 10:00", "author": {"@type": "Person", "name": "赵六"}}</script>')
    article = extract(page(head=ld))
    assert article.published_at == datetime(2024, 7, 2, 10, 0, tzinfo=SH)
    assert article.author == "赵六"


def test_no_date_anywhere_gives_none():
    assert extract(page()).published_at is None


# -- boilerplate ------------------------------------------------------------------------------

def test_cluttered_page_keeps_only_the_article():
    article = extract(fixture("cluttered.html"), url="https://sample.invalid/a/9.html")
    assert isinstance(article, Extracted)
    assert article.title == "多家网贷平台被曝外包催收“爆通讯录”"
    assert article.published_at == datetime(2024, 9, 3, 14, 5, 33, tzinfo=SH)
    assert article.author in ("李青", "样例财经")
    lines = article.text.split("\n")
    assert lines[0].startswith("近日，多名借款人向本站反映")
    assert lines[-1].startswith("业内人士建议")
    assert len(lines) == 4
    for leak in ["样例数据", "示例站点", "首页", "分享到", "微博", "相关阅读", "网贷平台暴力催收整治进行时",
                 "某消费金融公司因催收问题被罚款", "我也遇到过这种情况", "网友甲", "热门文章",
                 "免责声明", "联系我们", "2019-01-01"]:
        assert leak not in article.text, leak


def test_sample_banner_sentence_dropped_even_without_a_class():
    body = page("2024-09-03", before=f"<div>{BANNER}</div>", inside=f"<p>{BANNER}</p>")
    article = extract(body)
    assert "样例数据" not in article.text and "示例站点" not in article.text
    assert article.text.split("\n") == PARAS


def test_text_is_paragraphs_joined_by_newline():
    article = extract(page("2024-09-03"))
    assert article.title == "网贷借款人遭暴力催收"
    assert article.text == "\n".join(PARAS)


def test_br_separated_body_becomes_paragraphs():
    body = ("<html><head><meta charset='utf-8'><title>标题</title></head><body><div class='txt'>"
            + "<br>".join(PARAS) + "</div></body></html>").encode("utf-8")
    assert extract(body).text.split("\n") == PARAS


# -- no article -------------------------------------------------------------------------------

def test_link_list_page_raises_no_body():
    with pytest.raises(ExtractError) as err:
        extract(fixture("no_article.html"))
    assert err.value.reason == "no-body"


@pytest.mark.parametrize("body, reason", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not-html"),
    ('{"code": 0, "data": "网贷"}'.encode("utf-8"), "not-html"),
])
def test_not_an_article(body, reason):
    with pytest.raises(ExtractError) as err:
        extract(body)
    assert err.value.reason == reason


# -- CLI contract -----------------------------------------------------------------------------

def test_extract_files_rows_and_exit_code(tmp_path):
    good = str(FIXTURES / "cluttered.html")
    rows, code = extract_files([good], None)
    assert code == 0
    assert rows[0]["input"] == good
    assert rows[0]["published_at"] == "2024-09-03T14:05:33+08:00"
    assert rows[0]["text"].startswith("近日") and "error" not in rows[0]

    missing = str(tmp_path / "missing.html")
    rows, code = extract_files([good, str(FIXTURES / "no_article.html"), missing], "https://x.invalid/")
    assert code == 1
    assert [r["input"] for r in rows] == [good, str(FIXTURES / "no_article.html"), missing]
    assert rows[1]["text"] == "" and rows[1]["error"] == "no-body"
    assert rows[2]["text"] == "" and rows[2]["error"].startswith("unreadable")
    assert set(rows[0]) == {"input", "title", "published_at", "date_source", "author", "text"}
    assert rows[0]["date_source"] in ("meta", "byline")


def test_extraction_version_is_a_string():
    assert isinstance(EXTRACTION_VERSION, str) and EXTRACTION_VERSION


def test_form_wrapped_table_page_with_furniture_named_wrapper():
    """ASP.NET pages wrap everything in <form>; a wrapper holding the <h1> is never dropped."""
    paras = [f"第{i}条：各网贷机构应规范外包催收行为，不得骚扰借款人及其亲友，违者将被依法严肃处理。" for i in range(3)]
    body = ("<html><head><meta charset='gb2312'><title>关于规范催收的通知-某市金融办</title></head><body>"
            "<form id='form1'><table><tr><td class='menu'><a href='/'>首页</a><a href='/g'>政务公开</a></td></tr>"
            "<tr><td><div id='main-side-wrap'><h1>关于规范催收的通知</h1><div>发布日期：2023年5月6日</div>"
            + "".join(f"<p>{p}</p>" for p in paras)
            + "</div></td></tr></table><div class='footer'>版权所有 某市金融办</div></form></body></html>"
            ).encode("gbk")
    article = extract(body)
    assert article.title == "关于规范催收的通知"
    assert article.published_at == datetime(2023, 5, 6, tzinfo=SH)
    assert article.text.split("\n") == paras


def test_traditional_source_label_gives_the_outlet():
    body = "這是一段足夠長的正文內容，用於測試來源的抽取是否正確。" * 5
    html = (f"<html><head><title>標題測試文章</title></head><body><h1>標題測試文章</h1>"
            f"<div class='info'><span>2024-09-16 10:00:00</span> <span>來源：演示理財圈</span></div>"
            f"<div class='content'><p>{body}</p><p>{body}</p></div></body></html>")
    assert extract(html.encode("utf-8")).author == "演示理財圈"


def test_related_links_block_at_the_end_of_the_body_is_dropped():
    body = "国庆假期临近，各大在线旅游平台数据显示，假期国内游预订量较去年同期明显增长，热门目的地的酒店预订火热。" * 2
    html = (f"<html><head><title>国庆出行</title></head><body><h1>国庆出行</h1><div class='content'>"
            f"<p>{body}</p><p>{body}</p><p>相关阅读：</p><p>国庆消费季多地发放文旅消费券</p>"
            f"<p>网贷催收新规11月起施行 不得向无关第三人催收</p></div></body></html>")
    text = extract(html.encode("utf-8")).text
    assert text.endswith("热门目的地的酒店预订火热。") and "网贷催收" not in text


def test_a_related_heading_followed_by_real_paragraphs_is_kept_as_text():
    body = "国庆假期临近，各大在线旅游平台数据显示，假期国内游预订量较去年同期明显增长，热门目的地的酒店预订火热。" * 2
    html = (f"<html><head><title>国庆出行</title></head><body><h1>国庆出行</h1><div class='content'>"
            f"<p>{body}</p><p>相关报道：</p><p>{body}</p></div></body></html>")
    assert extract(html.encode("utf-8")).text.count("国庆假期临近") == 4
