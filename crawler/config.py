"""The sources file: TOML ``[[sources]]`` tables, validated before any request is sent.

Each kind's model sits beside its spider in ``crawler/spiders/<kind>.py`` and is found
through :func:`crawler.kinds.spiders`; the keys every kind shares are here. An error
names the file, the source and the key, and says what was expected.
"""

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_KEYWORDS = ["网贷催收", "暴力催收", "催收 新规", "爆通讯录", "反催收", "停息挂账", "714高炮"]


class ConfigError(Exception):
    """The sources file cannot be used; the message names file, source and key."""


HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
IDENTITY_HEADERS = {"user-agent": "set `user_agent` instead",
                    "cookie": "cookies come only from the environment variable named by `cookie_env`"}


class SourceBase(BaseModel):
    """Keys every source has.

    ``robots``: ``"obey"`` (default) or ``"ignore"``, never implied; ``user_agent`` and ``headers``
    (Referer and the like) replace or add to the default request identity; ``cookie_env`` names an
    environment variable holding ``name=value; name=value`` cookies (never written in the file).
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", max_length=100)
    url: str | None = None
    urls: list[str] | None = None
    enabled: bool = True
    robots: Literal["obey", "ignore"] = "obey"
    user_agent: str | None = Field(default=None, min_length=1, max_length=500, pattern=r"^[^\r\n]+$")
    headers: dict[str, str] = Field(default_factory=dict)
    cookie_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
                                   description="environment variable holding the source's cookies")

    @field_validator("headers")
    @classmethod
    def _headers(cls, value):
        for name, text in value.items():
            if name.lower() in IDENTITY_HEADERS:
                raise ValueError(f"header {name!r} is not allowed here: {IDENTITY_HEADERS[name.lower()]}")
            if not HEADER_NAME.match(name) or "\r" in text or "\n" in text:
                raise ValueError(f"header {name!r}: expected a header name and a one-line value")
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value):
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("expected an http(s) URL")
        return value

    @field_validator("urls")
    @classmethod
    def _http_urls(cls, value):
        for item in value or []:
            if not re.match(r"^https?://[^\s/]+", item):
                raise ValueError(f"expected http(s) URLs, got {item!r}")
        return value

    @model_validator(mode="after")
    def _needs_url(self):
        if not self.url and not self.urls:
            raise ValueError("needs `url` or `urls`")
        return self

    @property
    def start_urls(self) -> list[str]:
        return [self.url] if self.url else list(self.urls or [])


class SingleUrlSource(SourceBase):
    """A source reached through one root or endpoint: it takes ``url``, never ``urls``."""

    @field_validator("urls")
    @classmethod
    def _one_url(cls, value):
        if value:
            raise ValueError("this kind takes one `url` (its site root or endpoint), not `urls`")
        return value


def pattern(value: str):
    """``value`` compiled with RE2, which matches in time linear in the text: a user-supplied
    pattern such as ``(a+)+$`` can never hang the crawl. Raises ``re2.error`` for a pattern RE2
    refuses (backreferences, lookarounds)."""
    import re2

    options = re2.Options()
    options.log_errors = False
    return re2.compile(value, options)


def regex(value: str | None) -> str | None:
    """Validator: ``value`` compiles as a linear-time (RE2) regular expression."""
    import re2

    if value is not None:
        try:
            pattern(value)
        except re2.error as exc:
            why = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            raise ValueError(f"expected a regular expression RE2 accepts, which runs in linear time "
                             f"(no backreferences or lookarounds): {why}") from exc
    return value


def source_models() -> tuple[type[SourceBase], ...]:
    """Every kind's source model, in the registry's order (the generic kinds first)."""
    from crawler.kinds import spiders

    return tuple(spider.source_model for spider in spiders().values())


def kind_of(model: type[SourceBase]) -> str:
    return model.model_fields["kind"].annotation.__args__[0]


class CrawlSettings(BaseModel):
    """The ``[crawl]`` table: politeness for every source of the file."""

    model_config = ConfigDict(extra="forbid")

    delay: float = Field(default=1.0, ge=0, le=600, description="seconds between requests to a site")
    concurrency: int = Field(default=2, ge=1, le=16, description="parallel requests per site")
    autothrottle: bool = True
    timeout: float = Field(default=30, gt=0, le=600)
    allow_private: bool = Field(default=False, description="allow requests to private, loopback and "
                                "link-local addresses (a local test site); off for real sources")
    max_page_mb: float = Field(default=32, gt=0, le=1024, description="largest page, also once decompressed")
    max_links_per_page: int = Field(default=2000, ge=1, le=1_000_000)
    max_requests_per_source: int = Field(default=20000, ge=1, le=10_000_000)
    redis: str | None = Field(default=None, pattern=r"^rediss?://",
                              description="a Redis URL shared by crawl workers (crawler.shared)")


class SourcesFile(BaseModel):
    """A whole sources file; ``sources`` holds one model per kind (see :func:`file_model`)."""

    model_config = ConfigDict(extra="forbid")

    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    keywords: list[str] = Field(default_factory=lambda: list(DEFAULT_KEYWORDS), min_length=1)
    sources: list[SourceBase] = Field(min_length=1)


def file_model() -> type[SourcesFile]:
    """:class:`SourcesFile` with ``sources`` checked against every known kind."""
    union = Annotated[Union[source_models()], Field(discriminator="kind")]

    class Checked(SourcesFile):
        sources: list[union] = Field(min_length=1)

    return Checked


def default_sources_path() -> Path:
    """The sources file shipped with the package (the real sources)."""
    return Path(str(resources.files("crawler") / "data" / "sources.toml"))


def _describe(error: dict, data: dict, kinds: str) -> str:
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
        index = loc[1]
        entry = data.get("sources", [])[index] if index < len(data.get("sources", [])) else {}
        name = entry.get("name") if isinstance(entry, dict) else None
        where = f"source {name!r} (sources[{index}])" if name else f"sources[{index}]"
        loc = loc[2:]
        if loc and isinstance(entry, dict) and loc[0] == entry.get("kind"):
            loc = loc[1:]  # pydantic names the union member; the user wrote no such key
    key = ".".join(str(part) for part in loc)
    if error["type"] == "union_tag_invalid":
        return f"{where}: key 'kind': unknown kind {error.get('ctx', {}).get('tag', error['input'])!r}; expected one of {kinds}"
    if error["type"] == "union_tag_not_found":
        return f"{where}: key 'kind' is missing; expected one of {kinds}"
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown key {key!r}"
    message = error["msg"].removeprefix("Value error, ")
    if not key:
        return f"{where}: {message}" if where else message
    return f"{where}: key {key!r}: {message}" if where else f"key {key!r}: {message}"


def load_sources(path: Path | str | None = None, only: list[str] | None = None) -> SourcesFile:
    """Read and validate a sources file (the shipped default when ``path`` is None)."""
    path = Path(path) if path else default_sources_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        parsed = file_model().model_validate(data)
    except ValidationError as exc:
        kinds = ", ".join(kind_of(m) for m in source_models())
        lines = [_describe(err, data, kinds) for err in exc.errors()]
        raise ConfigError(f"{path}: " + "; ".join(lines)) from exc
    for source in parsed.sources:  # keyword-driven kinds default to the file's keywords
        if "keywords" in type(source).model_fields and source.keywords is None:
            source.keywords = list(parsed.keywords)
    names = [s.name for s in parsed.sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{path}: key 'name': duplicate source name(s) {', '.join(duplicates)}")
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise ConfigError(f"{path}: --only names no configured source: {', '.join(unknown)}; "
                              f"expected one of {', '.join(names)}")
        parsed.sources = [s for s in parsed.sources if s.name in only]
    else:
        parsed.sources = [s for s in parsed.sources if s.enabled]
    return parsed
