"""Plain records passed between the stages and the storage layer."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sha256(data: bytes | str) -> str:
    """The hex SHA-256 of ``data`` (text as UTF-8): ``text_hash`` and ``content_hash``."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def now_utc() -> str:
    """The current time as an ISO-8601 string in UTC."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def to_local_iso(value: datetime | None) -> str | None:
    """A publication time as ISO-8601 in Asia/Shanghai (naive times are taken as local)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI).isoformat(timespec="seconds")


@dataclass
class PageRecord:
    """One fetched page, stored raw so extraction can be re-run."""

    url: str
    canonical_url: str
    source: str
    status: int
    body: bytes
    content_type: str | None = None
    encoding: str | None = None


@dataclass
class ArticleRecord:
    """One extracted article."""

    canonical_url: str
    url: str
    source: str
    text: str
    extraction_version: str
    title: str | None = None
    published_at: datetime | None = None
    author: str | None = None
    extra: dict = field(default_factory=dict)
    date_source: str | None = None
