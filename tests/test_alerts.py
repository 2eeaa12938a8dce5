"""``lendwatch alert``: saved searches sending digests of new stories, against a local SMTP server
(aiosmtpd) and a local HTTP receiver; baseline, nothing sent twice, failed sends retried, dry run,
spikes, bad files, and ``lendwatch run`` calling it."""

import json
import socket
import sqlite3
import threading
from datetime import datetime
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select

from browser.browse_fixture import build
from crawler import store
from lendwatch import schema
from lendwatch.cli import cli
from lendwatch.db import connect
from lendwatch.records import SHANGHAI, ArticleRecord

aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed (the test extra)")

NEW_STORY = "南昌一网贷平台催收员爆通讯录 骚扰借款人同学被行政拘留"


@pytest.fixture
def db(tmp_path_factory, tmp_path):
    """A copy of the analysed sample database (built once), so each test starts from the same state."""
    folder = tmp_path_factory.getbasetemp() / "alerts-source"
    if not (folder / "lendwatch.db").exists():
        folder.mkdir(exist_ok=True)
        build(folder)
    copy = tmp_path / "lendwatch.db"
    with sqlite3.connect(folder / "lendwatch.db") as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


def add_story(db, number: int, title: str = NEW_STORY, day: str = "2024-10-30") -> None:
    """A new article (sample data) with its analysis: a story of its own."""
    engine = connect(str(db))
    url = f"http://127.0.0.1:9/new/{number}.html"
    store.save_article(engine, ArticleRecord(
        canonical_url=url, url=url, source="sample-new", text=f"{title}。（样例数据）编号{number}。",
        extraction_version="test", title=title, author=f"示例晚报{number}", extra={"sample": True},
        published_at=datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=SHANGHAI)))
    with engine.begin() as conn:
        article_id = conn.execute(select(schema.articles.c.id).where(schema.articles.c.canonical_url == url)).scalar()
        conn.execute(insert(schema.analyses).values(
            article_id=article_id, model_version="test", lexicon_version="test", text_hash="test", relevant=True,
            topics=["violent_collection"], sentiment="negative", p_negative=0.9, entities={"regions": ["江西省"]},
            evidence={}, story_id=article_id, analyzed_at="2024-10-30T02:00:00+00:00"))
    engine.dispose()


class Receiver(BaseHTTPRequestHandler):
    """A webhook: records each JSON body; answers with the status at the head of ``statuses``."""

    received: list = []
    statuses: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.received.append(json.loads(body))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    Receiver.received, Receiver.statuses = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/hook", "received": Receiver.received,
           "statuses": Receiver.statuses}
    server.shutdown()
    server.server_close()


class Mailbox:
    def __init__(self):
        self.messages, self.logins = [], []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.smtp import AuthResult

    box = Mailbox()

    def authenticate(server, session, envelope, mechanism, auth_data):
        box.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = aiosmtpd.Controller(box, hostname="127.0.0.1", port=port, authenticator=authenticate,
                                     auth_require_tls=False)
    controller.start()
    yield {"port": port, "box": box}
    controller.stop()


def alerts_file(tmp_path, body: str):
    path = tmp_path / "alerts.toml"
    path.write_text('site = "http://127.0.0.1:8765"\n' + body, encoding="utf-8")
    return path


def alert(db, path, *args):
    return CliRunner().invoke(cli, ["alert", "--alerts", str(path), "--db", str(db), *args])


def webhook_alert(tmp_path, url, extra=""):
    return alerts_file(tmp_path, f'[[alerts]]\nname = "爆通讯录"\nquery = "爆通讯录"\nwebhook = "{url}"\n{extra}')


def test_first_run_is_a_baseline_then_each_new_story_is_sent_once(db, tmp_path, webhook):
    path = webhook_alert(tmp_path, webhook["url"])
    first = alert(db, path)
    assert first.exit_code == 0 and "first run" in first.output and webhook["received"] == []
    assert alert(db, path).exit_code == 0 and webhook["received"] == []  # nothing new
    add_story(db, 1)
    sent = alert(db, path)
    assert sent.exit_code == 0 and "sent 1 stories" in sent.output, sent.output
    digest, = webhook["received"]
    assert digest["alert"] == "爆通讯录" and [s["title"] for s in digest["stories"]] == [NEW_STORY]
    story = digest["stories"][0]
    assert story["first_outlet"] == "示例晚报1" and story["articles"] == 1
    assert story["link"] == f"http://127.0.0.1:8765/story/{story['story_id']}"
    assert digest["list"] == "http://127.0.0.1:8765/stories?q=%E7%88%86%E9%80%9A%E8%AE%AF%E5%BD%95"
    assert alert(db, path).exit_code == 0 and len(webhook["received"]) == 1  # not sent twice
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT baseline, sent_at IS NOT NULL FROM alert_stories WHERE alert = '爆通讯录' "
                            "AND story_id = ?", (story["story_id"],)).fetchall()
    assert rows == [(0, 1)]


def test_a_failed_send_is_retried_next_run(db, tmp_path, webhook):
    path = webhook_alert(tmp_path, webhook["url"])
    alert(db, path)
    add_story(db, 2)
    webhook["statuses"].append(500)
    failed = alert(db, path)
    assert failed.exit_code == 1 and "retried next run" in failed.output and webhook["received"] == []
    retried = alert(db, path)
    assert retried.exit_code == 0 and [s["title"] for s in webhook["received"][0]["stories"]] == [NEW_STORY]
    assert alert(db, path).exit_code == 0 and len(webhook["received"]) == 1


def test_email_digest_through_smtp_with_the_password_from_the_environment(db, tmp_path, smtp, monkeypatch):
    path = alerts_file(tmp_path, f'[smtp]\nhost = "127.0.0.1"\nport = {smtp["port"]}\nsender = "desk@example.org"\n'
                                 'username = "desk"\npassword_env = "LW_TEST_SMTP_PASSWORD"\n'
                                 '[[alerts]]\nname = "爆通讯录"\nquery = "爆通讯录"\nemail = ["a@example.org", "b@example.org"]\n')
    monkeypatch.setenv("LW_TEST_SMTP_PASSWORD", "s3cret")
    assert alert(db, path).exit_code == 0
    add_story(db, 3)
    result = alert(db, path)
    assert result.exit_code == 0, result.output
    (recipients, message), = smtp["box"].messages
    assert recipients == ["a@example.org", "b@example.org"] and smtp["box"].logins == [(b"desk", b"s3cret")]
    assert message["Subject"] == "lendwatch 提醒「爆通讯录」：1 个新报道事件"
    body = message.get_content()
    assert NEW_STORY in body and "首发：示例晚报3" in body and "共 1 篇（首发 1 篇，转载 0 篇）" in body
    monkeypatch.setenv("LW_TEST_SMTP_PASSWORD", "wrong")  # a refused login is a failed send, retried
    add_story(db, 4, title="赣州网贷催收员爆通讯录被拘")
    assert alert(db, path).exit_code == 1 and len(smtp["box"].messages) == 1


def test_dry_run_prints_the_digest_and_records_nothing(db, tmp_path, webhook):
    path = webhook_alert(tmp_path, webhook["url"])
    alert(db, path)
    add_story(db, 5)
    for _ in range(2):
        dry = alert(db, path, "--dry-run")
        assert dry.exit_code == 0 and "dry run, not sent" in dry.output and NEW_STORY in dry.output
    assert webhook["received"] == []
    assert alert(db, path).exit_code == 0 and len(webhook["received"]) == 1


def test_spike_sends_only_when_enough_new_stories_fall_in_the_window(db, tmp_path, webhook):
    path = webhook_alert(tmp_path, webhook["url"], 'trigger = "spike"\nstories = 2\ndays = 7\n')
    now = ["--now", "2024-11-02"]
    alert(db, path, *now)
    add_story(db, 6, day="2024-10-30")
    assert "nothing to send" in alert(db, path, *now).output and webhook["received"] == []
    add_story(db, 7, title="九江网贷催收爆通讯录 受害人起诉", day="2024-10-31")
    assert alert(db, path, *now).exit_code == 0
    assert len(webhook["received"][0]["stories"]) == 2


@pytest.mark.parametrize("body, message", [
    ('[[alerts]]\nname = "x"\nquery = "催收"\n', "exactly one channel"),
    ('[[alerts]]\nname = "x"\nwebhook = "ftp://h/"\n', "alert 'x', key webhook"),
    ('[[alerts]]\nname = "x"\nwebhook = "http://h/"\nfilters = { month = "2024-9" }\n', "alert 'x': 月份"),
    ('[[alerts]]\nname = "x"\nwebhook = "http://h/"\nfilters = { colour = "red" }\n', "'colour' is not a filter"),
    ('[[alerts]]\nname = "x"\nemail = ["a@example.org"]\n', "needs an [smtp] table"),
    ('[[alerts]]\nname = "x"\nwebhook = "http://h/"\ntrigger = "sometimes"\n', "key trigger"),
])
def test_a_bad_alerts_file_is_exit_2_naming_the_alert_and_key(db, tmp_path, body, message):
    result = alert(db, alerts_file(tmp_path, body))
    assert result.exit_code == 2 and "alerts.toml" in result.output and message in result.output, result.output


def test_run_sends_the_alerts_after_its_report(db, tmp_path, webhook, monkeypatch):
    from lendwatch.commands import sample

    monkeypatch.setattr(sample, "_pipeline", lambda *args: ({}, []))  # the crawl and report are tested elsewhere
    path = webhook_alert(tmp_path, webhook["url"])
    alert(db, path)
    add_story(db, 8)
    result = CliRunner().invoke(cli, ["run", "--db", str(db), "--alerts", str(path), "--month", "2024-10"])
    assert result.exit_code == 0, result.output
    assert [s["title"] for s in webhook["received"][0]["stories"]] == [NEW_STORY]
