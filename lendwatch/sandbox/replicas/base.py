"""What a replica receives and returns."""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Page:
    """One response: status, content type, body; ``headers`` and ``delay`` (seconds) optional."""

    status: int
    content_type: str
    body: bytes
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    headers: dict[str, str]
    hits: int  # how many times this path was asked for, this one included

    @classmethod
    def parse(cls, method: str, raw_path: str, body: bytes, headers: dict, hits: int) -> "Request":
        parts = urlsplit(raw_path)
        return cls(method, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)), body,
                   headers, hits)


class Replica:
    """Base class: ``prefix`` routes requests here; ``base_url`` is the server root; ``kind`` names
    the source kind replicated, ``sources`` the ``[[sources]]`` TOML that crawls it (``{base}``:
    the server root; empty when ``lendwatch demo`` does not crawl it)."""

    prefix = "/"
    kind: str
    sources = ""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def handle(self, request: Request) -> Page | None:
        raise NotImplementedError
