"""A browsing-site database for tests: the sample articles (sample data written by the lendwatch team),
analysed by the real tagger, plus hostile articles whose fields carry markup and scripts."""

from pathlib import Path

from sqlalchemy import insert

from analysis.runner import analyze
from crawler import store
from lendwatch import schema
from lendwatch.db import connect, migrate
from lendwatch.records import ArticleRecord, PageRecord
from lendwatch.sandbox.articles import load
from reports.browse import index

NOTICE = 111  # 金融监管总局发布《关于加强催收管理的通知》, 2024-09-13
HOSTILE_TITLE = '<script>alert("t")</script>催收<svg onload=alert(1)>'
HOSTILE_OUTLET = '"><img src=x onerror=alert(2)>'
HOSTILE_URL = "javascript:alert(3)"
BIG_BODY_CHARS = 1_000_000


def article_url(base: str, number: int) -> str:
    return f"{base}/original/{number}.html"


def build(folder: Path, original_base: str = "http://127.0.0.1:9", url: str | None = None) -> dict:
    """Write ``folder/lendwatch.db`` (or the database at ``url``) and its index; return paths and
    the ids of notable articles."""
    db = folder / "lendwatch.db"
    engine = connect(url or str(db))
    migrate(engine)
    for sample in load():
        url = article_url(original_base, sample.number)
        html = (f"<html><body><p>SAMPLE DATA</p><h1>{sample.title}</h1>"
                + "".join(f"<p>{p}</p>" for p in sample.paragraphs)
                + "<script>document.title='snapshot script ran'</script></body></html>")
        store.save_page(engine, PageRecord(url=url, canonical_url=url, source=f"sample-{sample.site}",
                                           status=200, body=html.encode("utf-8"), content_type="text/html",
                                           encoding="utf-8"),
                        ArticleRecord(canonical_url=url, url=url, source=f"sample-{sample.site}",
                                      text=sample.text, extraction_version="test", title=sample.title,
                                      published_at=sample.published, author=sample.outlet,
                                      extra={"sample": True}))
    analyze(engine, jobs=1)
    hostile = _hostile(engine)
    ids = {sample.number: i for i, sample in enumerate(load(), 1)}
    index_path = folder / "lendwatch.browse.sqlite"
    index.update(engine, index_path)
    engine.dispose()
    return {"db": db, "index": index_path, "notice": ids[NOTICE], "hostile": hostile}


def _hostile(engine) -> dict:
    """Articles whose title, outlet, URL, body, tags and evidence hold markup; returns their ids."""
    from datetime import datetime
    from lendwatch.records import SHANGHAI

    when = datetime(2024, 9, 20, 12, 0, tzinfo=SHANGHAI)
    body = "恶意样例：<svg onload=alert(4)> 催收 \"><img src=x onerror=alert(5)>\n" + "催收新规" * (BIG_BODY_CHARS // 4)
    records = {
        "script": ArticleRecord(canonical_url="http://127.0.0.1:9/x/1", url=HOSTILE_URL, source="hostile",
                                text=body[:2000], extraction_version="test", title=HOSTILE_TITLE,
                                published_at=when, author=HOSTILE_OUTLET),
        "big": ArticleRecord(canonical_url="http://127.0.0.1:9/x/2", url="http://127.0.0.1:9/x/2?a=\"><b>",
                             source="hostile", text=body, extraction_version="test",
                             title="一兆字节正文 <b>bold</b>", published_at=when, author="<svg onload=alert(6)>"),
    }
    ids = {}
    for name, record in records.items():
        store.save_article(engine, record)
        with engine.begin() as conn:
            article_id = conn.execute(schema.articles.select().where(
                schema.articles.c.canonical_url == record.canonical_url)).first().id
            conn.execute(insert(schema.analyses).values(
                article_id=article_id, model_version="hostile", lexicon_version="hostile", text_hash="x",
                relevant=True, topics=["regulation", "<script>alert(7)</script>"], sentiment="negative",
                p_negative=0.9, story_id=article_id, analyzed_at="2024-09-20T00:00:00+00:00",
                entities={"regions": ["<svg onload=alert(8)>"], "lenders": ['"><img src=x onerror=alert(9)>']},
                evidence={"topics": {"regulation": {"terms": ["<i>"], "sentences": ["<svg onload=alert(4)>"]}},
                          "sentiment": ["\"><img src=x onerror=alert(5)>"]}))
        ids[name] = article_id
    return ids
