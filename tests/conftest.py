"""Shared fixtures: the sample site on 127.0.0.1 and a way to run the real CLI."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from lendwatch.commands.sample import demo_sources
from lendwatch.db import scratch_database
from lendwatch.sandbox.replicas.tousu import SAMPLE_COOKIE, SAMPLE_COOKIE_ENV
from lendwatch.sandbox.server import SampleSite

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault(SAMPLE_COOKIE_ENV, SAMPLE_COOKIE)  # crawls of the sample 黑猫投诉 can search
SHARED = ROOT.parent / "shared"


def shared_sample(*parts: str) -> Path:
    """A third-party saved response under ``../shared/data`` (never committed here); the test is
    skipped when this checkout has none."""
    path = SHARED.joinpath("data", *parts)
    if not path.exists():
        pytest.skip(f"saved response not present: {path}")
    return path


@pytest.fixture
def sample_site():
    with SampleSite() as site:
        yield site


@pytest.fixture
def sample_sources(tmp_path, sample_site) -> Path:
    """A sources file pointing every spider kind at the sample site."""
    path = tmp_path / "sources.toml"
    path.write_text(demo_sources(sample_site.base_url), encoding="utf-8")
    return path


LOCAL_CRAWL = "[crawl]\ndelay = 0\nautothrottle = false\nallow_private = true\n"


def local_sources(path: Path, sources_toml: str, base_url: str) -> Path:
    """Write a sources file for the sample site: no politeness delay, ``{base}`` set to the server."""
    path.write_text(LOCAL_CRAWL + sources_toml.replace("{base}", base_url), encoding="utf-8")
    return path


def run_cli(*args, cwd=None, timeout=300, env=None) -> subprocess.CompletedProcess:
    """Run ``lendwatch ARGS`` in a fresh process (Scrapy's reactor runs once per process)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("LENDWATCH_DB", None) if env is None or "LENDWATCH_DB" not in env else None
    return subprocess.run([sys.executable, "-m", "lendwatch", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=full_env)


# --- databases: every storage test runs on SQLite and on PostgreSQL ---------------------------

PG_SERVER = os.environ.get("LENDWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_admin():
    """An autocommit engine on the PostgreSQL server of ``LENDWATCH_TEST_PG``, or a skip (a failure
    with ``LENDWATCH_REQUIRE_PG=1``, as CI sets) when there is no driver or server."""
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # no psycopg, no server: both mean "PostgreSQL is not here"
        if os.environ.get("LENDWATCH_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL required (LENDWATCH_REQUIRE_PG=1) but unreachable at {PG_SERVER}: {exc}")
        pytest.skip(f"no PostgreSQL at {PG_SERVER}: {exc}")
    return engine


@contextmanager
def pg_database():
    """The URL of a new PostgreSQL database, dropped on leaving."""
    _pg_admin().dispose()  # a skip, or a failure under LENDWATCH_REQUIRE_PG=1, when the server is not here
    with scratch_database(PG_SERVER, "lendwatch_test") as url:
        yield url


@pytest.fixture
def pg_url():
    """A new PostgreSQL database for one test, dropped after it."""
    with pg_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The URL of an empty database, once SQLite (a file under ``tmp_path``), once PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lendwatch.db'}"
    return request.getfixturevalue("pg_url")
