"""Replica ``nfra``: the NFRA CMS's JSON endpoints, serving the sample articles with ``site = "nfra"``.

``{base}/nfra`` plays the site root. Two columns: 行政处罚 (931, the penalty decisions) and
监管动态 (915, the rest). Documents are Word-exported HTML (``div.Section0``, spans, ``&nbsp;``);
one penalty notice is a table. Failure cases: the dynamic list answers 500 for column 931 (its
static mirror works), and the dynamic document endpoint answers an HTML error page for one article.
Every JSON response names itself sample data in ``notice``; ``requests`` logs what was asked.
"""

import json
import re
from html import escape

from lendwatch.sandbox.articles import SampleArticle, load
from lendwatch.sandbox.replicas.base import Page, Replica, Request
from lendwatch.sandbox.site import BANNER

PENALTIES, NEWS = 931, 915
COLUMNS = {PENALTIES: "行政处罚", NEWS: "监管动态"}
BROKEN_LIST = PENALTIES  # the dynamic list of this column answers 500
HTML_ERROR_NUMBER = 111  # the dynamic document endpoint answers an HTML page for this article
TABLE_NUMBER = 60  # a penalty notice published as a table
STATIC_LIST = re.compile(r"/cn/static/data/DocInfo/SelectDocByItemIdAndChild/"
                         r"data_itemId=(\d+),pageIndex=(\d+),pageSize=(\d+)\.json$")
STATIC_DOC = re.compile(r"/cn/static/data/DocInfo/SelectByDocId/data_docId=(\d+)\.json$")
DOC_NUMBER = re.compile(r"^(?:行政处罚决定书文号：)?(\S*〔\d{4}〕\S*号)$")
SPAN = "<span style=\"mso-spacerun:'yes';font-family:仿宋_GB2312;font-size:16.0000pt;\">{}</span>"
WORD_HEAD = "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->"


def samples() -> list[SampleArticle]:
    """The nfra sample articles, newest first."""
    return sorted((a for a in load() if a.site == "nfra"), key=lambda a: a.published, reverse=True)


def doc_id(a: SampleArticle) -> int:
    return 1178000 + a.number


def column(a: SampleArticle) -> int:
    return PENALTIES if "行政处罚" in a.title else NEWS


def doc_number(a: SampleArticle) -> str:
    """The 文号 when the body opens with one ("" otherwise, as on the real site)."""
    found = DOC_NUMBER.match(a.paragraphs[0])
    return found.group(1) if found else ""


def _word_paragraph(text: str) -> str:
    half = len(text) // 2  # Word splits runs anywhere: the text must join without a gap
    runs = SPAN.format(escape(text[:half])) + SPAN.format(escape(text[half:]))
    return (f"<p class=\"MsoNormal\" style=\"text-indent:32.0000pt;line-height:28.0000pt;\">"
            f"{SPAN.format('&nbsp;&nbsp;')}{runs}<span><o:p>&nbsp;</o:p></span></p>")


def penalty_rows(a: SampleArticle) -> list[tuple[str, list[str]]]:
    """A penalty notice as (label, value paragraphs) rows: ``label：value`` opens a row."""
    rows: list[tuple[str, list[str]]] = []
    for p in a.paragraphs:
        label, colon, value = p.partition("：")
        if colon and not re.match(r"^[一二三四五六七八九十]+、", p):
            rows.append((label, [value] if value else []))
        elif rows:
            rows[-1][1].append(p)
    return rows


def doc_clob(a: SampleArticle) -> str:
    """The article as Word-exported HTML; the table notice as a two-column table."""
    if a.number == TABLE_NUMBER:
        cells = "".join(
            f"<tr><td width=\"180\" valign=\"center\"><p class=\"MsoNormal\" align=\"center\">"
            f"{SPAN.format(escape(label))}</p></td><td valign=\"center\">"
            + "".join(f"<p class=\"MsoNormal\">{SPAN.format(escape(v))}</p>" for v in values)
            + "</td></tr>" for label, values in penalty_rows(a))
        body = (f"<table class=\"MsoNormalTable\" border=\"1\" cellspacing=\"0\" "
                f"style=\"border-collapse:collapse;\"><tbody>{cells}</tbody></table>")
    else:
        blank = "<p class=\"MsoNormal\"><span><o:p>&nbsp;</o:p></span></p>"
        body = blank.join(_word_paragraph(p) for p in a.paragraphs)
    return f"{WORD_HEAD}<div class=\"Section0\" style=\"layout-grid:15.6000pt;\">{body}</div>"


def _time(a: SampleArticle) -> str:
    return f"{a.published:%Y-%m-%d %H:%M:%S}"


def row(a: SampleArticle) -> dict:
    return {"docId": doc_id(a), "docTitle": a.title, "docSubtitle": "", "publishDate": _time(a),
            "docFileUrl": "", "pdfFileUrl": "", "generaltype": 0, "isTitleLink": 0, "titleLink": "",
            "docSummary": "", "itemId": column(a), "itemName": COLUMNS[column(a)]}


def document(a: SampleArticle) -> dict:
    return {"docId": doc_id(a), "docTitle": a.title, "docSubtitle": "", "publishDate": _time(a),
            "docEditdate": _time(a), "documentNo": doc_number(a), "docSource": a.outlet,
            "agencyTypeName": a.outlet, "builddate": f"{a.published:%Y-%m-%d}",
            "indexNo": f"{doc_id(a)}/2024-{a.number:05d}", "interviewTypeName": "",
            "docClob": doc_clob(a),
            "listTwoItem": [{"ItemLvs": [{"itemName": "政务信息"}, {"itemName": COLUMNS[column(a)]}]}]}


def _json(data, code: int = 200, msg: str = "成功") -> Page:
    body = {"rptCode": code, "msg": msg, "notice": BANNER, "data": data}
    return Page(200, "application/json;charset=UTF-8", json.dumps(body, ensure_ascii=False).encode())


def _html(status: int, title: str, text: str) -> Page:
    return Page(status, "text/html; charset=utf-8", (
        f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>"
        f"<div class=\"sample-banner\">{BANNER}</div><p>{text}</p></body></html>").encode())


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


SOURCES = """
[[sources]]
name = "sample-nfra"
kind = "nfra"
url = "{base}/nfra"
items = [915, 931]
page_size = 3
max_pages = 20
"""


class NfraReplica(Replica):
    prefix = "/nfra/"
    kind = "nfra"
    sources = SOURCES

    def __init__(self, base_url: str):
        super().__init__(base_url)
        self.articles = samples()
        self.by_id = {doc_id(a): a for a in self.articles}
        self.requests: list[str] = []  # "path?query" of every request, in order

    def list_page(self, item: int, page: int, size: int) -> Page:
        rows = [row(a) for a in self.articles if column(a) == item]
        return _json({"total": len(rows), "rows": rows[(page - 1) * size:page * size]})

    def handle(self, request: Request) -> Page | None:
        path, q = request.path.removeprefix("/nfra"), request.query
        self.requests.append(path + ("?" + "&".join(f"{k}={v}" for k, v in q.items()) if q else ""))
        if path == "/cbircweb/DocInfo/SelectDocByItemIdAndChild":
            item = _int(q.get("itemId"), 0)
            if item == BROKEN_LIST:
                return _html(500, "500", "服务器内部错误（样例站点的故障演示）")
            return self.list_page(item, _int(q.get("pageIndex"), 1), _int(q.get("pageSize"), 18))
        if found := STATIC_LIST.search(path):
            return self.list_page(*map(int, found.groups()))
        if path == "/cbircweb/DocInfo/SelectByDocId":
            a = self.by_id.get(_int(q.get("docId"), 0))
            if a is None:
                return _json(None, 404, "文档不存在")
            if a.number == HTML_ERROR_NUMBER:
                return _html(200, "系统繁忙", "系统繁忙，请稍后再试（样例站点的故障演示）")
            return _json(document(a))
        if (found := STATIC_DOC.search(path)) and int(found.group(1)) in self.by_id:
            return _json(document(self.by_id[int(found.group(1))]))
        if path == "/cn/view/pages/ItemDetail.html":
            return _html(200, "国家金融监督管理总局（样例）",
                         "本页由脚本渲染 {{x.docTitle}}；内容见 /cbircweb/DocInfo/SelectByDocId 接口。")
        return None
