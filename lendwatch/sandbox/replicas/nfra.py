"""Replica ``nfra``: the NFRA CMS's JSON endpoints, serving the sample articles with ``site = "nfra"``.

``{base}/nfra`` plays the site root. Two columns: 行政处罚 (931, the penalty decisions) and
监管动态 (915, the rest). Documents are Word-exported HTML (``div.Section0``, spans, ``&nbsp;``);
one penalty notice is a table; one notice is published only as a PDF (empty ``docClob``,
``pdfFileUrl``), and one extra notice only as a scanned PDF in ``attachmentInfoVOList`` (no text
layer). Lists are 18 rows a page; the static mirror, as on the live site, holds ``pageSize=18``
only. Failure cases: the dynamic list answers 500 for column 931 (its static mirror works), the
dynamic document endpoint answers an HTML error page for one article, and an unknown document
``rptCode`` 404.
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
PDF_NUMBER = 101  # a notice published only as a PDF
SCAN_DOC = 1179999  # an extra notice (not a sample article) published only as a scanned PDF
PAGE_SIZE = 18
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


def pdf_path(doc: int) -> str:
    return f"/cn/upload/files/{doc}.pdf"


def row(a: SampleArticle) -> dict:
    return {"docId": doc_id(a), "docTitle": a.title, "docSubtitle": "", "publishDate": _time(a),
            "docFileUrl": "", "pdfFileUrl": pdf_path(doc_id(a)) if a.number == PDF_NUMBER else "",
            "generaltype": 0, "isTitleLink": 0, "titleLink": "",
            "docSummary": "", "itemId": column(a), "itemName": COLUMNS[column(a)]}


def document(a: SampleArticle) -> dict:
    pdf_only = a.number == PDF_NUMBER
    return {"docId": doc_id(a), "docTitle": a.title, "docSubtitle": "", "publishDate": _time(a),
            "docEditdate": _time(a), "documentNo": doc_number(a), "docSource": a.outlet,
            "agencyTypeName": a.outlet, "builddate": f"{a.published:%Y-%m-%d}",
            "indexNo": f"{doc_id(a)}/2024-{a.number:05d}", "interviewTypeName": "",
            "docClob": "" if pdf_only else doc_clob(a),
            "pdfFileUrl": pdf_path(doc_id(a)) if pdf_only else "", "attachmentInfoVOList": [],
            "listTwoItem": [{"ItemLvs": [{"itemName": "政务信息"}, {"itemName": COLUMNS[column(a)]}]}]}


SCAN_TITLE = "关于网贷催收投诉处理情况的通报（扫描件，样例数据）"


def scan_row() -> dict:
    return {"docId": SCAN_DOC, "docTitle": SCAN_TITLE, "docSubtitle": "", "publishDate": "2024-09-02 09:00:00",
            "docFileUrl": "", "pdfFileUrl": "", "generaltype": 0, "isTitleLink": 0, "titleLink": "",
            "docSummary": "", "itemId": NEWS, "itemName": COLUMNS[NEWS]}


def scan_document() -> dict:
    return {**scan_row(), "docClob": "", "documentNo": "", "docSource": "示例金融监管局",
            "attachmentInfoVOList": [{"fileName": "通报.pdf", "fileUrl": pdf_path(SCAN_DOC)}]}


def pdf_of(a: SampleArticle) -> bytes:
    """The notice as a PDF with a text layer (the sample notice in its metadata, not its text)."""
    from reports.fonts import font_path
    from weasyprint import HTML

    css = f"@font-face {{ font-family: cjk; src: url('file://{font_path()}'); }} body {{ font-family: cjk; }}"
    body = "".join(f"<p>{escape(p)}</p>" for p in a.paragraphs)
    return HTML(string=f"<html><head><meta charset='utf-8'><title>{escape(BANNER)}</title><style>{css}</style>"
                       f"</head><body>{body}</body></html>").write_pdf()


def scanned_pdf() -> bytes:
    """A page that is only an image of text (a scan): no text layer."""
    import base64
    import io

    from PIL import Image, ImageDraw
    from weasyprint import HTML

    image = Image.new("L", (800, 300), 255)
    ImageDraw.Draw(image).rectangle((40, 40, 760, 260), outline=0, width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data = base64.b64encode(buffer.getvalue()).decode()
    return HTML(string=f"<html><head><title>{escape(BANNER)}</title></head><body>"
                       f"<img style='width:100%' src='data:image/png;base64,{data}'></body></html>").write_pdf()


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
        self.pdfs: dict[str, bytes] = {}  # written when first asked for

    def list_page(self, item: int, page: int, size: int) -> Page:
        rows = [row(a) for a in self.articles if column(a) == item] + ([scan_row()] if item == NEWS else [])
        return _json({"total": len(rows), "rows": rows[(page - 1) * size:page * size]})

    def pdf(self, path: str) -> Page | None:
        if path not in self.pdfs:
            by_path = {pdf_path(doc_id(a)): a for a in self.articles if a.number == PDF_NUMBER}
            if path == pdf_path(SCAN_DOC):
                self.pdfs[path] = scanned_pdf()
            elif path in by_path:
                self.pdfs[path] = pdf_of(by_path[path])
            else:
                return None
        return Page(200, "application/pdf", self.pdfs[path])

    def handle(self, request: Request) -> Page | None:
        path, q = request.path.removeprefix("/nfra"), request.query
        self.requests.append(path + ("?" + "&".join(f"{k}={v}" for k, v in q.items()) if q else ""))
        if path == "/cbircweb/DocInfo/SelectDocByItemIdAndChild":
            item = _int(q.get("itemId"), 0)
            if item == BROKEN_LIST:
                return _html(500, "500", "服务器内部错误（样例站点的故障演示）")
            return self.list_page(item, _int(q.get("pageIndex"), 1), _int(q.get("pageSize"), 18))
        if found := STATIC_LIST.search(path):
            item, page, size = map(int, found.groups())
            return self.list_page(item, page, size) if size == PAGE_SIZE else None  # the mirror holds 18 only
        if path == "/cbircweb/DocInfo/SelectByDocId":
            if _int(q.get("docId"), 0) == SCAN_DOC:
                return _json(scan_document())
            a = self.by_id.get(_int(q.get("docId"), 0))
            if a is None:
                return _json(None, 404, "文档不存在")
            if a.number == HTML_ERROR_NUMBER:
                return _html(200, "系统繁忙", "系统繁忙，请稍后再试（样例站点的故障演示）")
            return _json(document(a))
        if (found := STATIC_DOC.search(path)) and int(found.group(1)) in self.by_id:
            return _json(document(self.by_id[int(found.group(1))]))
        if path.startswith("/cn/upload/files/"):
            return self.pdf(path)
        if path == "/cn/view/pages/ItemDetail.html":
            return _html(200, "国家金融监督管理总局（样例）",
                         "本页由脚本渲染 {{x.docTitle}}；内容见 /cbircweb/DocInfo/SelectByDocId 接口。")
        return None
