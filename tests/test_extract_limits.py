"""Extraction is not cut short by libxml2's default limits: text nested deeper than 256 levels or a
single paragraph over 10 MB is found (was "no-body: 0 characters")."""

from crawler.extract import extract

SENTENCE = "网贷催收的新规定出台，各地开始执行。"


def page(body: str) -> bytes:
    return f"<html><head><title>标题</title></head><body>{body}</body></html>".encode()


def test_text_nested_deeper_than_256_levels_is_extracted():
    found = extract(page("<div>" * 300 + "<p>" + SENTENCE * 30 + "</p>" + "</div>" * 300),
                    url="http://x.test/deep.html")
    assert SENTENCE * 30 in found.text


def test_a_paragraph_over_10_mb_is_extracted():
    paragraph = SENTENCE * (10 * 1024 * 1024 // len(SENTENCE.encode()) + 1)
    found = extract(page(f"<article><p>{paragraph}</p></article>"), url="http://x.test/big.html")
    assert len(found.text) >= len(paragraph)
