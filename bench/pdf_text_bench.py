"""Which PDF library reads Chinese notices best: pypdf, pdfminer.six, pdfplumber.

Writes test PDFs of our own with WeasyPrint (the CJK font the reports embed): a one-column notice
with 文号 and a table, a two-column notice, a long multi-page notice with full-width punctuation,
and a notice printed as an image only (no text layer). For each library: character accuracy
against the source text (difflib ratio over the text with whitespace removed, so line breaks do not
count), the reading order of paragraphs, and seconds per PDF. Libraries not installed are skipped.
Then the line breaks of lendwatch's own reader (``crawler.pdf.pdf_text``: pypdf, its lines re-flowed
into paragraphs) against pypdf's raw lines: of the lines each gives, how many are exactly a
paragraph (or table row) of the source, how many source paragraphs are found whole, and the lines
given per source paragraph (1.00 when every paragraph is one line).

    PYTHONPATH=. python bench/pdf_text_bench.py
"""

import difflib
import io
import logging
import re
import time

from reports.fonts import font_path

PARAGRAPHS = [
    "金融监管总局办公厅关于加强网络借贷催收行为管理的通知",
    "金规〔2024〕17号",
    "各金融监管局，各政策性银行、大型银行、股份制银行，外资银行，金融资产管理公司，其他有关金融机构：",
    "为规范网络借贷催收行为，保护金融消费者合法权益，根据《中华人民共和国个人信息保护法》《商业银行互联网贷款管理暂行办法》等法律法规，现就有关事项通知如下。",
    "一、金融机构应当对合作催收机构实行名单制管理，不得委托无资质机构开展催收；严禁以暴力、恐吓、侮辱、诽谤、骚扰等方式催收贷款，不得向债务人以外的第三人（包括紧急联系人）透露债务信息。",
    "二、催收时段原则上限于每日8:00—21:00，单日拨打同一借款人电话不超过3次；“爆通讯录”“呼死你”等行为一经查实，依法从严处理。",
    "三、本通知自2024年10月1日起施行。",
    "国家金融监督管理总局办公厅",
    "2024年9月13日",
]
TABLE = [["机构类型", "合作催收机构（家）", "投诉量（件）"], ["大型银行", "12", "1,280"], ["消费金融公司", "37", "9,604"]]


def html(body: str, columns: int = 1) -> str:
    css = (f"@font-face {{ font-family: cjk; src: url('file://{font_path()}'); }}"
           f"body {{ font-family: cjk; font-size: 11pt; }} .cols {{ column-count: {columns}; }}"
           "table { border-collapse: collapse; } td { border: 1px solid #999; padding: 2pt 6pt; }")
    return f"<html><head><meta charset='utf-8'><style>{css}</style></head><body>{body}</body></html>"


def paragraphs_html(paragraphs) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def table_html() -> str:
    return "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE) + "</table>"


def write_pdf(markup: str) -> bytes:
    from weasyprint import HTML
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    return HTML(string=markup).write_pdf()


def image_only_pdf() -> bytes:
    """The notice's first paragraphs drawn into a PNG, printed as a PDF page: no text layer."""
    import base64
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(font_path()), 28)
    image = Image.new("L", (1400, 600), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(PARAGRAPHS[:4]):
        draw.text((30, 30 + i * 60), line[:45], font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data = base64.b64encode(buffer.getvalue()).decode()
    return write_pdf(html(f"<img style='width: 100%' src='data:image/png;base64,{data}'>"))


def cases() -> dict[str, tuple[bytes, str]]:
    """name → (PDF bytes, expected text)."""
    return {name: (data, "".join(lines)) for name, (data, lines) in line_cases().items()}


def line_cases() -> dict[str, tuple[bytes, list[str]]]:
    """name → (PDF bytes, the source's paragraphs and table rows, cells joined by a space)."""
    rows = [" ".join(row) for row in TABLE]
    long = PARAGRAPHS * 6
    return {
        "notice+table": (write_pdf(html(paragraphs_html(PARAGRAPHS[:5]) + table_html() + paragraphs_html(PARAGRAPHS[5:]))),
                         PARAGRAPHS[:5] + rows + PARAGRAPHS[5:]),
        "two-columns": (write_pdf(html(f"<div class='cols'>{paragraphs_html(PARAGRAPHS)}</div>", columns=2)),
                        PARAGRAPHS),
        "multi-page": (write_pdf(html(paragraphs_html(long))), long),
        "image-only": (image_only_pdf(), []),
    }


def read_pypdf(data: bytes) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def read_pdfminer(data: bytes) -> str:
    from pdfminer.high_level import extract_text
    return extract_text(io.BytesIO(data))


def read_pdfplumber(data: bytes) -> str:
    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


READERS = {"pypdf": read_pypdf, "pdfminer.six": read_pdfminer, "pdfplumber": read_pdfplumber}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def main():
    found = cases()
    print(f"{'library':<14} {'case':<14} {'accuracy':>8} {'chars':>6} {'seconds':>8}")
    for name, read in READERS.items():
        try:
            read(found["two-columns"][0])
        except ImportError:
            print(f"{name:<14} not installed")
            continue
        for case, (data, expected) in found.items():
            started = time.perf_counter()
            text = squeeze(read(data))
            seconds = time.perf_counter() - started
            accuracy = difflib.SequenceMatcher(None, text, squeeze(expected), autojunk=False).ratio() \
                if expected else float(not text)
            print(f"{name:<14} {case:<14} {accuracy:>8.4f} {len(text):>6} {seconds:>8.3f}")
    line_breaks({case: (data, lines) for case, (data, lines) in line_cases().items() if lines})


def pypdf_lines(data: bytes) -> list[str]:
    return [line.strip() for line in read_pypdf(data).splitlines() if line.strip()]


def line_breaks(found: dict[str, tuple[bytes, list[str]]]) -> None:
    """Per reader and case: lines that are exactly a source paragraph, paragraphs found whole, lines
    per paragraph."""
    from collections import Counter

    from crawler.pdf import pdf_text

    readers = {"pypdf lines": pypdf_lines, "pdf_text": lambda data: pdf_text(data).split("\n")}
    print(f"\n{'reader':<14} {'case':<14} {'exact lines':>11} {'paragraphs whole':>16} {'lines/para':>10}")
    for name, read in readers.items():
        for case, (data, expected) in found.items():
            lines = read(data)
            exact = sum((Counter(lines) & Counter(expected)).values())
            print(f"{name:<14} {case:<14} {exact:>5}/{len(lines):<5} {exact:>9}/{len(expected):<6} "
                  f"{len(lines) / len(expected):>10.2f}")


if __name__ == "__main__":
    main()
