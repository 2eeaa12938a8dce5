"""The CLI's surface: every command documented with an example, usage errors exit 2."""

import json

import pytest
from click.testing import CliRunner

from lendwatch import db as database
from lendwatch.cli import cli
from lendwatch.commands import COMMANDS
from reports.export import EXPORT_COLUMNS
from tests.conftest import run_cli


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "-h"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output and f"lendwatch {command}" in result.output
    summary = cli.commands[command].get_short_help_str(limit=200)
    assert len(summary) > 10


def test_installed_console_script_runs():
    result = run_cli("--version")
    assert result.returncode == 0 and "lendwatch" in result.stdout


@pytest.mark.parametrize("month", ["2024-13", "202409", "2024-9", "sept"])
def test_malformed_month_is_a_usage_error(tmp_path, month):
    result = CliRunner().invoke(cli, ["report", "--month", month, "--db", str(tmp_path / "m.db")])
    assert result.exit_code == 2
    assert "YYYY-MM" in result.output


def test_bad_database_url_exits_2(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--db", "nosuchdialect://x"])
    assert result.exit_code == 2
    assert "nosuchdialect" in result.output


def test_export_of_an_empty_database(tmp_path):
    db = str(tmp_path / "e.db")
    database.migrate(database.connect(db))
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "--db", db])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["\ufeff" + ",".join(EXPORT_COLUMNS)]


def test_db_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LENDWATCH_DB", str(tmp_path / "env.db"))
    database.migrate(database.connect(str(tmp_path / "env.db")))
    result = CliRunner().invoke(cli, ["export"])
    assert result.exit_code == 0
    assert f"database: {tmp_path / 'env.db'}" in result.stderr


def test_tag_streams_and_keeps_other_keys():
    lines = [
        {"id": 1, "title": "暴力催收", "text": "网贷逾期后，催收人员爆通讯录，给借款人的亲友群发辱骂短信，借款人已报警。"},
        {"id": 2, "text": "A股三大指数今日小幅收涨，半导体板块领涨，成交额较上一交易日有所放大。"},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n"
    result = CliRunner().invoke(cli, ["tag", "-"], input=stdin)
    assert result.exit_code == 1  # the bad line is reported and skipped
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["id"] for x in out] == [1, 2]
    assert out[0]["relevant"] is True and "violent_collection" in out[0]["topics"]
    assert out[1]["relevant"] is False and out[1]["topics"] == []
    for record in out:
        assert record["sentiment"] in {"negative", "neutral", "positive"}
        assert 0 <= record["p_negative"] <= 1
    assert out[0]["sentiment"] == "negative"
    assert out[0]["entities"]["lenders"] == [] and "regions" in out[0]["entities"]
    assert "line 3" in result.stderr


def test_tag_reports_and_skips_every_bad_line_and_goes_on():
    good = json.dumps({"id": 9, "text": "借款人遭遇暴力催收。"}, ensure_ascii=False).encode()
    bad = [
        b'{"id": 1, "text": "\\ud800 lone surrogate"}',  # a lone surrogate, escaped
        b'{"id": 2, "text": "\xff\xfe not UTF-8"}',
        b'[' * 100_000 + b']' * 100_000,  # nested deeper than the JSON parser goes
        b'{"id": 3, "text": "ok", "x": ' + b'[' * 5000 + b']' * 5000 + b'}',
    ]
    stdin = b"\n".join(bad + [good]) + b"\n"
    result = CliRunner().invoke(cli, ["tag", "-"], input=stdin)
    assert result.exit_code == 1
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == [9]
    for number in (1, 2, 3, 4):
        assert f"line {number}:" in result.stderr
    assert "Traceback" not in result.stderr
