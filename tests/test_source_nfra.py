"""Kind ``nfra``: CMS JSON lists and documents, static-mirror fallback, incremental re-crawls."""

import json
import re
import sqlite3

import pytest
from scrapy.http import Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler.spiders.nfra import NfraSpider, clob_text
from crawler.urls import canonical_url
from crawler.config import ConfigError, load_sources
from lendwatch.sandbox.replicas.nfra import (BROKEN_LIST, COLUMNS, HTML_ERROR_NUMBER, PDF_NUMBER, SCAN_DOC, SOURCES,
                                             pdf_path,
                                             TABLE_NUMBER, NfraReplica, column, doc_clob, doc_id,
                                             doc_number, samples)
from lendwatch.sandbox.site import BANNER
from tests.conftest import local_sources, run_cli

SAMPLES = {a.number: a for a in samples()}
ROOT = "http://nfra.test"


def write_sources(path, base_url, **overrides):
    text = SOURCES
    for key, value in overrides.items():
        text = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    return local_sources(path, text, base_url)


def replica(site) -> NfraReplica:
    return next(r for r in site.replicas if isinstance(r, NfraReplica))


def human(base: str, a) -> str:
    return f"{base}/nfra/cn/view/pages/ItemDetail.html?docId={doc_id(a)}&itemId={column(a)}&generaltype=0"


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def crawled(tmp_path, sample_site):
    sources = write_sources(tmp_path / "nfra.toml", sample_site.base_url)
    db = tmp_path / "nfra.db"
    return sources, db, run_cli("crawl", "--sources", sources, "--db", db, "--quiet")


def test_every_document_stored_with_exact_fields(crawled, sample_site):
    _, db, result = crawled
    assert result.returncode == 0, result.stderr
    # robots.txt, a list of 915, a failed + a static list of 931, 12 documents + 1 static one, 2 PDFs
    assert re.search(r"sample-nfra\s+19\s+11\s+0\s+0\s+pdf-no-text 1 / -", result.stdout), result.stdout
    stored = {r[0]: r[1:] for r in rows(db, "select url, title, published_at, author, text, extra "
                                            "from articles where source = 'sample-nfra'")}
    assert len(stored) == len(SAMPLES) == 11
    for a in SAMPLES.values():
        pdf = a.number == PDF_NUMBER
        url = f"{sample_site.base_url}/nfra{pdf_path(doc_id(a))}" if pdf else human(sample_site.base_url, a)
        title, published_at, author, text, extra = stored[url]
        assert (title, published_at, author) == (a.title, a.published.isoformat(), a.outlet)
        expected = {"issuer": a.outlet, "column": COLUMNS[column(a)], **({"format": "pdf"} if pdf else {})}
        if doc_number(a):
            expected["doc_number"] = doc_number(a)
        assert json.loads(extra) == expected
        assert BANNER not in text and "样例数据" not in text and "&nbsp" not in text
        if a.number != TABLE_NUMBER:  # the PDF too: its wrapped lines re-flowed, a line per paragraph
            assert text == a.text  # Word's split runs join without a gap, paragraphs a line each
    assert json.loads(stored[human(sample_site.base_url, SAMPLES[111])][4])["doc_number"] == "示例金规〔2024〕18号"
    assert "doc_number" not in json.loads(stored[human(sample_site.base_url, SAMPLES[113])][4])
    table = stored[human(sample_site.base_url, SAMPLES[TABLE_NUMBER])][3].split("\n")
    assert table[0] == "行政处罚决定书文号 | 示例金罚决字〔2024〕12号"
    assert table[2].startswith("主要违法违规事实 | 一、对委外催收机构管理不到位") and " 三、消费者投诉" in table[2]
    assert table[-1] == "作出处罚决定的日期 | 2024年9月20日" and len(table) == 7
    # the raw JSON (or PDF) is kept under the human URL, for re-extraction; the scan too, so it is not asked again
    assert rows(db, "select count(*) from pages")[0][0] == 12
    assert rows(db, f"select count(*) from pages where canonical_url like '%docId={SCAN_DOC}%'")[0][0] == 1


def test_static_mirror_stands_in_for_failed_endpoints(crawled, sample_site):
    _, db, result = crawled
    asked = replica(sample_site).requests
    static = [r for r in asked if r.startswith("/cn/static/")]
    assert sorted(static) == sorted([
        f"/cn/static/data/DocInfo/SelectDocByItemIdAndChild/data_itemId={BROKEN_LIST},pageIndex=1,pageSize=18.json",
        f"/cn/static/data/DocInfo/SelectByDocId/data_docId={doc_id(SAMPLES[HTML_ERROR_NUMBER])}.json"])
    # the failing dynamic list is asked once a page (no retries: the mirror stands in)
    assert asked.count(f"/cbircweb/DocInfo/SelectDocByItemIdAndChild?itemId={BROKEN_LIST}&pageSize=18&pageIndex=1") == 1
    assert "failed (http-500): trying the static mirror" in result.stderr
    assert "failed (not-json): trying the static mirror" in result.stderr
    penalties = rows(db, "select count(*) from articles where extra like '%\"column\": \"\\u884c\\u653f\\u5904\\u7f5a\"%'")
    assert penalties == [(4,)]


def test_recrawl_requests_no_document_and_stops_paging_at_known(crawled, sample_site):
    sources, db, _ = crawled
    site = replica(sample_site)
    site.requests.clear()
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    # each list answers 304 to its ETag: one request per list, no row read, no document asked
    assert re.search(r"sample-nfra\s+4\s+0\s+0\s+0\s+not-modified 2 / -", result.stdout), result.stdout
    assert not [r for r in site.requests if "SelectByDocId" in r]
    assert sorted(site.requests) == sorted([
        "/cbircweb/DocInfo/SelectDocByItemIdAndChild?itemId=915&pageSize=18&pageIndex=1",
        f"/cbircweb/DocInfo/SelectDocByItemIdAndChild?itemId={BROKEN_LIST}&pageSize=18&pageIndex=1",
        f"/cn/static/data/DocInfo/SelectDocByItemIdAndChild/data_itemId={BROKEN_LIST},pageIndex=1,pageSize=18.json"])
    assert sample_site.hits["/nfra/cbircweb/DocInfo/SelectByDocId"] == 12
    assert rows(db, "select count(*) from articles")[0][0] == 11


def test_max_pages_bounds_each_column(tmp_path, sample_site):
    sources = write_sources(tmp_path / "one.toml", sample_site.base_url, max_pages=1)
    db = tmp_path / "one.db"
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    assert rows(db, "select count(*) from articles")[0][0] == 11  # 18 rows a page: each column fits one
    assert not [r for r in replica(sample_site).requests if "pageIndex=2" in r]


def test_page_size_is_eighteen_and_rpt_code_is_checked():
    with pytest.raises(ValueError, match="static mirror holds lists of 18 rows only"):
        spider(page_size=20)
    s = spider()
    request = s.list_request(931, 1)
    (again,) = s.parse_list(answer(request, {"rptCode": 500, "msg": "系统异常", "data": {"total": 0, "rows": []}}),
                            **request.cb_kwargs)
    assert again.url.endswith("data_itemId=931,pageIndex=1,pageSize=18.json")
    assert stats(s) == {"lendwatch/static_fallback/rpt-code-500": 1}


def test_pdf_only_notice_and_scan():
    s = spider()
    doc = s.doc_request("7", f"{ROOT}/h?docId=7", "行政处罚")
    for data, link in (({"pdfFileUrl": "/cn/upload/files/7.pdf"}, f"{ROOT}/cn/upload/files/7.pdf"),
                       ({"attachmentInfoVOList": [{"fileName": "附件.doc", "fileUrl": "/a.doc"},
                                                  {"fileName": "通知.pdf", "fileUrl": "https://x.example/7"}]},
                        "https://x.example/7")):
        (pdf,) = s.parse_doc(answer(doc, {"rptCode": 200, "data": {"docTitle": "通知", "docClob": "", **data}}),
                             **doc.cb_kwargs)
        assert pdf.url == link and pdf.cb_kwargs["human"] == f"{ROOT}/h?docId=7"
    notice = NfraReplica("http://nfra.test")
    a = SAMPLES[PDF_NUMBER]
    body = notice.pdf(pdf_path(doc_id(a))).body
    (item,) = s.parse_pdf(TextResponse(link, body=body, encoding="latin-1", request=Request(link)),
                          human=f"{ROOT}/h?docId=7", fields={"title": "通知", "published_at": None, "author": None,
                                                             "extra": {}})
    assert item.article.url == link and item.page.canonical_url == canonical_url(f"{ROOT}/h?docId=7")
    assert item.article.text == a.text
    scan = notice.pdf(pdf_path(SCAN_DOC)).body
    (item,) = s.parse_pdf(TextResponse(link, body=scan, encoding="latin-1", request=Request(link)),
                          human=f"{ROOT}/h?docId=8", fields={"title": "通报", "published_at": None, "author": None,
                                                             "extra": {}})
    assert (item.article, item.drop_reason) == (None, "pdf-no-text")


# --- parse callbacks ----------------------------------------------------------


def spider(**source) -> NfraSpider:
    crawler = get_crawler(NfraSpider)
    config = {"name": "t", "kind": "nfra", "url": ROOT, "items": [931], "max_pages": 5,
              "static_fallback": True, **source}
    return NfraSpider.from_crawler(crawler, source=config)


def answer(request: Request, body) -> TextResponse:
    body = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return TextResponse(request.url, body=body, encoding="utf-8", request=request)


def stats(s) -> dict:
    return {k: v for k, v in s.crawler.stats.get_stats().items() if k.startswith("lendwatch/")}


def listing(*rows_, total=None):
    return {"rptCode": 200, "msg": "成功", "data": {"total": total or len(rows_), "rows": list(rows_)}}


def row(doc, date="2024-09-20 17:00:00"):
    return {"docId": doc, "docTitle": f"文件{doc}", "publishDate": date, "itemId": 931, "itemName": "行政处罚"}


def test_list_rows_become_document_requests_and_known_ones_are_skipped():
    s = spider()
    s.known_urls = {canonical_url(f"{ROOT}/cn/view/pages/ItemDetail.html?docId=2&itemId=931&generaltype=0")}
    request = s.list_request(931, 1)
    out = list(s.parse_list(answer(request, listing(row(1), row(2), {"docTitle": "无 docId"}, total=40)),
                            **request.cb_kwargs))
    assert [r.url for r in out] == [f"{ROOT}/cbircweb/DocInfo/SelectByDocId?docId=1",
                                    f"{ROOT}/cbircweb/DocInfo/SelectDocByItemIdAndChild?itemId=931&pageSize=18&pageIndex=2"]
    assert out[0].cb_kwargs["human"] == f"{ROOT}/cn/view/pages/ItemDetail.html?docId=1&itemId=931&generaltype=0"
    assert out[0].cb_kwargs["column"] == "行政处罚" and out[0].headers["Referer"] == f"{ROOT}/cn/view/pages/ItemList.html".encode()
    assert stats(s) == {"lendwatch/skipped_known": 1, "lendwatch/errors/bad-shape": 1}


def test_a_page_of_known_rows_stops_paging():
    s = spider()
    s.known_urls = {canonical_url(f"{ROOT}/cn/view/pages/ItemDetail.html?docId={d}&itemId=931&generaltype=0")
                    for d in (1, 2)}
    request = s.list_request(931, 1)
    assert list(s.parse_list(answer(request, listing(row(1), row(2), total=40)), **request.cb_kwargs)) == []
    assert stats(s)["lendwatch/lists_stopped_known"] == 1


def test_non_json_dynamic_answer_falls_back_and_bad_static_shape_is_counted():
    s = spider()
    request = s.list_request(931, 1)
    (again,) = s.parse_list(answer(request, "<html><body>系统繁忙</body></html>".encode()), **request.cb_kwargs)
    assert again.url == f"{ROOT}/cn/static/data/DocInfo/SelectDocByItemIdAndChild/data_itemId=931,pageIndex=1,pageSize=18.json"
    assert again.meta["dont_retry"] is False and request.meta["dont_retry"] is True
    assert list(s.parse_list(answer(again, {"rptCode": 200, "data": {"total": 3}}), **again.cb_kwargs)) == []
    doc = s.doc_request("7", f"{ROOT}/h?docId=7", "行政处罚", static=True)
    assert list(s.parse_doc(answer(doc, {"rptCode": 200, "data": None}), **doc.cb_kwargs)) == []
    assert stats(s) == {"lendwatch/static_fallback/not-json": 1, "lendwatch/errors/bad-shape": 2}


def test_without_fallback_a_failed_dynamic_page_is_an_error():
    s = spider(static_fallback=False)
    request = s.list_request(931, 1)
    assert request.meta["dont_retry"] is False
    assert list(s.parse_list(answer(request, b"<html></html>"), **request.cb_kwargs)) == []
    assert stats(s) == {"lendwatch/errors/not-json": 1}


def test_document_fields_and_table_text():
    s = spider()
    a = SAMPLES[TABLE_NUMBER]
    doc = s.doc_request(str(doc_id(a)), f"{ROOT}/cn/view/pages/ItemDetail.html?docId={doc_id(a)}", "行政处罚")
    body = {"rptCode": 200, "data": {"docTitle": a.title, "publishDate": "2024-09-25 17:00:00",
                                     "documentNo": " 示例金罚决字〔2024〕12号 ", "docSource": "", "agencyTypeName": "示例金融监管分局",
                                     "docClob": doc_clob(a)}}
    (item,) = s.parse_doc(answer(doc, body), **doc.cb_kwargs)
    article = item.article
    assert article.url == f"{ROOT}/cn/view/pages/ItemDetail.html?docId={doc_id(a)}"  # the human page
    assert item.page.url == doc.url and item.page.canonical_url == article.canonical_url
    assert article.canonical_url == canonical_url(f"{ROOT}/cn/view/pages/ItemDetail.html?docId={doc_id(a)}")
    assert article.published_at.isoformat() == "2024-09-25T17:00:00+08:00"
    assert article.extra == {"doc_number": "示例金罚决字〔2024〕12号", "issuer": "示例金融监管分局", "column": "行政处罚"}
    assert article.author == "示例金融监管分局"
    assert article.text.split("\n")[1] == "被处罚当事人 | 示例消费金融有限公司"


def test_clob_text_keeps_paragraphs_drops_word_furniture():
    clob = ("<!--[if gte mso 9]><xml><w:WordDocument/></xml><![endif]--><style>p{margin:0}</style>"
            "<div class='Section0'><p><span>第一</span><span>段</span><o:p>&nbsp;</o:p></p>"
            "<p><o:p>&nbsp;</o:p></p><p>&nbsp;&nbsp;第二段</p>"
            "<table><tr><th>序号</th><th>当事人名称</th></tr><tr><td>1</td><td><p>甲</p><p>公司</p></td></tr></table></div>")
    assert clob_text(clob) == "第一段\n第二段\n序号 | 当事人名称\n1 | 甲 公司"
    assert clob_text("") == clob_text("   ") == ""


def test_config_names_the_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[[sources]]\nname = "n"\nkind = "nfra"\nitems = []\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"source 'n' \(sources\[0\]\): key 'items'"):
        load_sources(path)
    path.write_text('[[sources]]\nname = "n"\nkind = "nfra"\n', encoding="utf-8")
    (source,) = load_sources(path).sources
    assert (source.url, source.items, source.page_size) == ("https://www.nfra.gov.cn", [915, 916, 925, 926, 931, 4097], 18)
