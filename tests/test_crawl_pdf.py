"""PDF notices: text by pypdf, its lines re-flowed into paragraphs (``crawler.pdf``)."""

from html import escape

import pytest

from crawler.extract import ExtractError
from crawler.pdf import pdf_text, reflow

WIDE = "金融机构应当对合作催收机构实行名单制管理不得委托无资质机构开展催收严禁以暴力恐吓侮辱诽谤骚扰"


def test_wrapped_lines_join_and_paragraph_ends_stay():
    lines = ["关于加强网络借贷催收行为管理的通知", "金规〔2024〕17号",  # short: a title, a 文号
             WIDE[:40], WIDE[:38] + "等方", "式催收贷款。",  # a paragraph wrapped twice (ends 。)
             WIDE[:40] + "：", "一、" + WIDE[:38], "（二）" + WIDE[:37], "1. 本条所称催收", "第三条 施行",
             WIDE[:40], "", "另起一段", "- 2 -", "国家金融监督管理总局办公厅", "2024年9月13日"]
    assert reflow(lines) == [
        "关于加强网络借贷催收行为管理的通知", "金规〔2024〕17号",
        WIDE[:40] + WIDE[:38] + "等方式催收贷款。",
        WIDE[:40] + "：",  # a colon ends the line's paragraph
        "一、" + WIDE[:38], "（二）" + WIDE[:37], "1. 本条所称催收", "第三条 施行",  # numbered items open one each
        WIDE[:40], "另起一段",  # a blank line ends a paragraph
        "国家金融监督管理总局办公厅", "2024年9月13日"]  # the page number is gone


def test_latin_words_join_with_a_space_and_quotes_after_a_full_stop_end_a_paragraph():
    assert reflow(["The notice applies to every lending platform and its", "collection agents."]) == [
        "The notice applies to every lending platform and its collection agents."]
    assert reflow([WIDE[:30] + "“爆通讯录”。”", WIDE[:30]]) == [WIDE[:30] + "“爆通讯录”。”", WIDE[:30]]


def pdf(body_html: str, columns: int = 1) -> bytes:
    from reports.fonts import font_path
    from weasyprint import HTML

    css = (f"@font-face {{ font-family: cjk; src: url('file://{font_path()}'); }}"
           f"body {{ font-family: cjk; font-size: 11pt; }} .cols {{ column-count: {columns}; }}")
    return HTML(string=f"<html><head><meta charset='utf-8'><style>{css}</style></head>"
                       f"<body><div class='cols'>{body_html}</div></body></html>").write_pdf()


PARAGRAPHS = [
    "金融监管总局办公厅关于加强网络借贷催收行为管理的通知",
    "金规〔2024〕17号",
    "各金融监管局，各政策性银行、大型银行、股份制银行，外资银行，金融资产管理公司，其他有关金融机构：",
    "为规范网络借贷催收行为，保护金融消费者合法权益，根据《中华人民共和国个人信息保护法》等法律法规，现就有关事项通知如下。",
    "一、金融机构应当对合作催收机构实行名单制管理，不得委托无资质机构开展催收；严禁以暴力、恐吓、侮辱、诽谤、骚扰等方式催收贷款。",
    "二、催收时段原则上限于每日8:00—21:00，单日拨打同一借款人电话不超过3次；“爆通讯录”“呼死你”等行为一经查实，依法从严处理。",
    "国家金融监督管理总局办公厅",
    "2024年9月13日",
]


@pytest.mark.parametrize("columns", [1, 2])
def test_a_chinese_notice_pdf_reads_a_line_per_paragraph(columns):
    body = pdf("".join(f"<p>{escape(p)}</p>" for p in PARAGRAPHS * 3), columns)  # several pages wide
    assert pdf_text(body).split("\n") == PARAGRAPHS * 3


def test_a_scan_and_a_broken_file_are_named():
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (200, 100), 255).save(buffer, "PNG")
    scan = pdf(f"<img src='data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}'>")
    with pytest.raises(ExtractError) as found:
        pdf_text(scan)
    assert found.value.reason == "pdf-no-text"
    with pytest.raises(ExtractError) as found:
        pdf_text(b"%PDF-1.7\nnot a pdf at all")
    assert found.value.reason == "bad-pdf"
