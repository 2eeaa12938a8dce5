"""The researcher's desk: the pandas API, Parquet, one CSV/JSON Lines convention (with the formula
guard) across export, report and browse, and the display form of titles and outlets.

Uses the report fixture (tests/fixtures/report/articles.json): #9 is published as
「轉載：爆通訊錄(lù)式催收再現（樣例）_樣例晚報」 by 樣例晚報 (样例晚报 elsewhere); #25 is a 黑猫
complaint whose author is 匿名; one article with a formula-like title is added here.
"""

import csv
import io
import json
import sqlite3

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import insert

import lendwatch
from lendwatch import display, schema
from lendwatch.cli import cli
from lendwatch.records import sha256
from reports import monthly
from reports.browse.app import csv_bytes, csv_disposition
from reports.export import EXPORT_COLUMNS
from reports.filters import Filters
from reports.tables import ARTICLE_COLUMNS, cell, csv_bytes as table_csv
from tests.test_report import build_fixture_db

HOSTILE = '=HYPERLINK("http://evil.example/","点我")'


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("desk") / "desk.db"
    engine = build_fixture_db(path)
    with engine.begin() as conn:
        conn.execute(insert(schema.articles).values(
            id=90, canonical_url="https://x.example/90", url="https://x.example/90", source="people",
            title=HOSTILE, published_at="2024-06-01T08:00:00+08:00", author="@作者", text="-正文", text_hash=sha256("-"),
            extraction_version="t", first_seen_at="2024-10-02T00:00:00+00:00",
            updated_at="2024-10-02T00:00:00+00:00", extra={"outlet": "+样例网"}))
    engine.dispose()
    return path


def test_display_forms():
    assert display.title("網(wǎng)貸逾期被爆通訊錄(lù)怎麼辦？這(zhè)幾步") == "网贷逾期被爆通讯录怎么办？这几步"
    assert display.title("揭祕“反催收聯(lián)盟”") == "揭秘“反催收联盟”"
    assert display.title("网贷催收乱象调查_中国新闻网") == "网贷催收乱象调查"
    assert display.title("某地通报网贷催收 - 人民网") == "某地通报网贷催收"
    assert display.title("转载：再现（样例）_样例晚报", "样例晚报") == "转载：再现（样例）"
    assert display.title("逾期之后 | 一位大学生的困境") == "逾期之后 | 一位大学生的困境"  # not a site name
    assert display.title("  ") == display.UNTITLED
    assert display.outlet_name({"extra": {"outlet": "示例網貸資訊站"}, "source": "s"}) == "示例网贷资讯站"
    assert display.outlet_name({"platform": "heimao", "author": "匿名", "source": "heimao"}) == "黑猫投诉"


def test_open_gives_typed_frames(db_path):
    with lendwatch.open(str(db_path)) as desk:
        sept = desk.articles(month="2024-09")
        assert len(sept) == 17 and list(sept.columns[:len(ARTICLE_COLUMNS)]) == list(ARTICLE_COLUMNS)
        assert str(sept["published_at"].dt.tz) == "Asia/Shanghai"
        first = sept["published_at"].iloc[0]
        assert first.strftime("%Y-%m-%d") == "2024-09-01" and first.utcoffset() == pd.Timedelta(hours=8)
        assert isinstance(sept["sentiment"].dtype, pd.CategoricalDtype)
        assert list(sept["sentiment"].cat.categories) == ["negative", "neutral", "positive"]
        assert sept["relevant"].dtype == "boolean" and sept["relevant"].isna().sum() == 1  # #21 not analysed
        assert all(isinstance(t, list) for t in sept["topics"]) and isinstance(sept["lenders"].iloc[0], list)
        nine = sept.set_index("id").loc[9]
        assert nine["outlet"] == "样例晚报" and nine["title_display"] == "转载：爆通讯录式催收再现（样例）"
        assert nine["title"].startswith("轉載")
        assert sept.set_index("id").loc[25, "outlet"] == "黑猫投诉"
        # The report's headline figures, rebuilt
        relevant = sept[sept["relevant"].fillna(False)]
        assert len(relevant) == 12 and relevant["story_id"].nunique() == 9
        assert round((relevant["sentiment"] == "negative").mean(), 3) == 0.667
        assert sept["outlet"].nunique() == 6
        assert len(desk.articles(since="2024-09-12", until="2024-09-12")) == 3
        assert set(desk.articles(month="2024-09", relevant=True, source="people")["id"]) == {8, 11, 15, 19}
        stories = desk.stories(month="2024-09", relevant=True)
        assert len(stories) == 9 and stories.iloc[0]["articles"] == 3 and stories.iloc[0]["story_id"] == 7
        complaints = desk.complaints()
        assert list(complaints["outlet"]) == ["黑猫投诉", "黑猫投诉"] and complaints["amount"].sum() == 3500
        analyses = desk.analyses()
        assert analyses["id"].is_unique and str(analyses["analyzed_at"].dt.tz) == "Asia/Shanghai"


def test_export_formats_share_one_convention(db_path, tmp_path):
    runner = CliRunner()
    out = tmp_path / "articles.parquet"
    result = runner.invoke(cli, ["export", "--format", "parquet", "--db", str(db_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert len(frame) == 26 and "text" in frame and list(frame.loc[frame["id"] == 9, "outlet"]) == ["样例晚报"]
    assert str(frame["published_at"].dt.tz) == "Asia/Shanghai"
    assert runner.invoke(cli, ["export", "--format", "parquet", "--db", str(db_path)]).exit_code == 2

    lines = runner.invoke(cli, ["export", "--db", str(db_path), "--month", "2024-09"]).stdout.splitlines()
    assert "\\u" not in lines[0]
    record = json.loads(lines[0])
    assert list(record) == list(EXPORT_COLUMNS) and isinstance(record["topics"], list)
    assert isinstance(record["relevant"], bool) and isinstance(record["entities"], dict)

    data = runner.invoke(cli, ["export", "--format", "csv", "--db", str(db_path)]).stdout_bytes
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    by_id = {r["id"]: r for r in rows}
    assert by_id["7"]["relevant"] == "1" and by_id["7"]["topics"] == "violent_collection privacy"
    assert by_id["90"]["title"] == "'" + HOSTILE and by_id["90"]["outlet"] == "'+样例网"
    assert by_id["90"]["author"] == "'@作者" and by_id["90"]["text"] == "'-正文"


def test_formula_cells_are_neutralised_everywhere(db_path, tmp_path):
    assert [cell(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "a=b", -1, 0.5, True, None, ["a", "b"])] == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "a=b", "-1", "0.5", "1", "", "a b"]
    assert table_csv([["a"], ["=x"]]) == "\ufeffa\n'=x\n".encode()
    browse = csv_bytes([{"id": 90, "published_at": "", "source": "s", "outlet": "-o", "title": "t", "title_original": HOSTILE,
                         "url": "u", "relevant": 1, "topics": "a b", "sentiment": None, "p_negative": None,
                         "story_id": 90, "reach": 1, "sample": 0}]).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(browse)))
    assert header[:len(ARTICLE_COLUMNS)] == list(ARTICLE_COLUMNS)
    assert row[header.index("title")] == "'" + HOSTILE and row[header.index("outlet")] == "'-o"
    engine = lendwatch.open(str(db_path)).engine
    monthly.build(engine, "2024-06", tmp_path)
    articles = (tmp_path / "report-2024-06-files" / "articles.csv").read_text(encoding="utf-8-sig")
    assert "'" + HOSTILE.replace('"', '""') in articles and "'+样例网" in articles


def test_browse_csv_names_say_what_they_hold():
    assert 'filename="articles-month-2024-09-topic-regulation.csv"' in csv_disposition(
        Filters(month="2024-09", tags=(("topic", "regulation"),)))
    assert "articles-all.csv" in csv_disposition(Filters())
    assert "filename*=UTF-8''articles-outlet-%E4%BA%BA%E6%B0%91%E7%BD%91.csv" in csv_disposition(Filters(outlet="人民网"))


def test_browse_prints_display_forms_and_keeps_the_original(db_path, tmp_path):
    from wsgiref.util import setup_testing_defaults

    from lendwatch.db import read_only
    from reports.browse import index
    from reports.browse.app import BrowseApp

    index_path = tmp_path / "desk.browse.sqlite"
    stale = sqlite3.connect(index_path)  # an index file of an older layout is built again
    stale.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('version', '2');"
                        "CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, stamp TEXT, text_hash TEXT);")
    stale.close()
    index.update(read_only(str(db_path)), index_path)
    app = BrowseApp(read_only(str(db_path)), index_path, tmp_path, bind="127.0.0.1:0")

    def get(path):
        path, _, query = path.partition("?")
        environ = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": "GET"}
        setup_testing_defaults(environ)
        answer = {}
        body = b"".join(app(environ, lambda status, headers: answer.update(status=status, headers=dict(headers))))
        return answer, body.decode("utf-8-sig")

    _, listing = get("/articles?month=2024-09")
    assert "转载：爆通讯录式催收再现（样例）" in listing and "轉載" not in listing
    assert "樣例晚報" not in listing and "匿名" not in listing
    _, article = get("/article/9")
    assert "<h1>转载：爆通讯录式催收再现（样例）</h1>" in article
    assert "原标题：轉載：爆通訊錄(lù)式催收再現（樣例）_樣例晚報" in article
    answer, body = get("/articles.csv?outlet=样例晚报")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(body))}
    assert set(rows) == {"5", "9", "13", "18"} and rows["9"]["title"].startswith("轉載")
    assert "articles-outlet-" in answer["headers"]["Content-Disposition"]
