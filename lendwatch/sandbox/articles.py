"""The sample site's articles: written by this team, with our own labels (see docs/ARCHITECTURE.md)."""

import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

SITES = ("chinanews", "people", "gov", "farm", "nfra", "pbc", "thepaper")


@dataclass(frozen=True)
class SampleArticle:
    number: int
    slug: str
    title: str
    outlet: str
    author: str | None
    published: datetime
    site: str
    relevant: bool
    topics: tuple[str, ...]
    sentiment: str
    story: str | None
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def parse(name: str, content: str) -> SampleArticle:
    """One article file: TOML front matter between ``+++`` lines, then the body (a paragraph a line)."""
    match = re.match(r"\A\+\+\+\n(.*?)\n\+\+\+\n(.*)\Z", content, re.S)
    if not match:
        raise ValueError(f"{name}: expected front matter between +++ lines")
    meta = tomllib.loads(match.group(1))
    paragraphs = tuple(line.strip() for line in match.group(2).splitlines() if line.strip())
    if meta["site"] not in SITES:
        raise ValueError(f"{name}: site {meta['site']!r} is not one of {SITES}")
    return SampleArticle(
        number=int(name[:3]), slug=name[4:-3], title=meta["title"], outlet=meta["outlet"],
        author=meta.get("author"), published=meta["published"], site=meta["site"],
        relevant=meta["relevant"], topics=tuple(meta["topics"]), sentiment=meta["sentiment"],
        story=meta.get("story"), paragraphs=paragraphs)


@cache
def load() -> tuple[SampleArticle, ...]:
    """Every shipped sample article, in file order."""
    folder = resources.files("lendwatch.sandbox") / "articles"
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".md"))
    return tuple(parse(f.name, f.read_text(encoding="utf-8")) for f in files)
