"""Opening the database: a folder, a file that is not SQLite, another program's SQLite file, a
mistyped path or read-only media give exit 2 naming the path (never a traceback, never a new
empty database or new tables in someone else's file); read-only commands read read-only media;
every command names the database it used on stderr."""

import shutil
import sqlite3
import subprocess
import sys

import pytest

from lendwatch import db
from tests.conftest import ROOT, run_cli

READERS = [("report", "--month", "2024-09", "--out"), ("export",), ("analyze",)]


def reader_args(command, tmp_path):
    return [*command, tmp_path / "out"] if command[-1] == "--out" else list(command)


def assert_usage_error(result, path):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert str(path) in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", READERS + [("crawl", "--quiet")])
def test_a_file_that_is_not_a_database_is_refused(tmp_path, command):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 50)
    result = run_cli(*reader_args(command, tmp_path), "--db", notes)
    assert_usage_error(result, notes)
    assert "not an SQLite database" in result.stderr
    assert notes.read_text() == "shopping list\n" * 50


@pytest.mark.parametrize("command", READERS + [("crawl", "--quiet")])
def test_a_folder_is_refused(tmp_path, command):
    result = run_cli(*reader_args(command, tmp_path), "--db", tmp_path)
    assert_usage_error(result, tmp_path)
    assert "folder" in result.stderr


@pytest.mark.parametrize("command", READERS + [("browse", "--port", "0")])
def test_a_mistyped_path_creates_no_empty_database(tmp_path, command):
    missing = tmp_path / "lendwach.db"
    result = run_cli(*reader_args(command, tmp_path), "--db", missing)
    assert_usage_error(result, missing)
    assert "no database here" in result.stderr and "lendwatch crawl --db" in result.stderr
    assert not missing.exists()


@pytest.mark.parametrize("command", READERS + [("crawl", "--quiet")])
def test_another_programs_sqlite_file_is_not_migrated(tmp_path, command):
    theirs = tmp_path / "other-program.db"
    with sqlite3.connect(theirs) as conn:
        conn.execute("create table contacts (name text)")
    before = theirs.read_bytes()
    result = run_cli(*reader_args(command, tmp_path), "--db", theirs)
    assert_usage_error(result, theirs)
    assert "not a lendwatch database" in result.stderr and "contacts" in result.stderr
    assert theirs.read_bytes() == before


def test_every_command_names_its_database(tmp_path):
    path = tmp_path / "named.db"
    db.migrate(db.connect(str(path)))
    for command in (["export"], ["analyze"], ["report", "--month", "2024-09", "--out", tmp_path]):
        result = run_cli(*command, "--db", path)
        assert result.returncode == 0, result.stderr
        assert f"database: {path}" in result.stderr


READ_ONLY_MOUNT = 'mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" && shift 2 && exec "$@"'


def on_read_only_media(folder, mount, *args):
    """Run ``lendwatch ARGS`` with ``folder`` mounted read-only at ``mount`` (a user namespace)."""
    return subprocess.run(["unshare", "-rm", "sh", "-c", READ_ONLY_MOUNT, "sh", str(folder), str(mount),
                           sys.executable, "-m", "lendwatch", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.fixture
def read_only_media(tmp_path, sample_sources):
    folder, mount = tmp_path / "media", tmp_path / "mnt"
    folder.mkdir()
    mount.mkdir()
    result = run_cli("crawl", "--quiet", "--sources", sample_sources, "--only", "sample-gov",
                     "--db", folder / "lw.db")
    assert (folder / "lw.db").exists(), result.stderr
    for extra in folder.glob("lw.db-*"):  # as copied onto a CD or a read-only share
        extra.unlink()
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0 or not shutil.which("unshare"):
        pytest.skip("needs unshare to mount a folder read-only")
    return folder, mount


def test_read_only_media_serve_read_only_commands_and_refuse_writers(tmp_path, read_only_media):
    folder, mount = read_only_media
    result = on_read_only_media(folder, mount, "export", "--db", mount / "lw.db")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) > 3
    result = on_read_only_media(folder, mount, "analyze", "--db", mount / "lw.db")
    assert_usage_error(result, mount / "lw.db")
    assert "cannot be written" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["lw.db"]
