"""Saved searches that send a digest of new stories (``lendwatch alert``).

An alerts file (TOML) holds ``[[alerts]]``: a name, a query and filters (the ``/articles``
parameters of :mod:`reports.filters`), a trigger — ``"new"`` (any new story) or ``"spike"`` (at
least ``stories`` new stories whose first report falls within the last ``days`` days) — and one
channel: ``email`` recipients (through the file's ``[smtp]`` server, its password from the
environment variable ``password_env``) or a ``webhook`` URL that receives a JSON POST.

What an alert has seen and sent is kept in the database (``alert_stories``): the stories found by
its first run are its baseline and never sent; a story is sent once; a failed send leaves its
stories unsent, so the next run tries again.
"""

import json
import os
import smtplib
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import Engine, select, update

from lendwatch import schema
from reports.browse import pgsearch, queries
from reports.filters import PARAMS, FilterError, Filters

TIMEOUT = 30  # seconds for an SMTP server or a webhook to answer
DIGEST_LIMIT = 200  # stories in one digest at most (the rest follow next run)


class AlertError(Exception):
    """The alerts file cannot be used; the message names the file, the alert and the key."""


class Smtp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    host: str
    port: int = Field(25, ge=1, le=65535)
    sender: str
    username: str | None = None
    password_env: str | None = None
    starttls: bool = False


class Alert(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    query: str = ""
    filters: dict[str, str | bool | int | list[str]] = {}
    trigger: Literal["new", "spike"] = "new"
    stories: int = Field(3, ge=1)  # spike: at least this many new stories …
    days: int = Field(7, ge=1)  # … first reported within this many days
    email: list[str] = []
    webhook: str | None = Field(None, pattern=r"^https?://")

    @model_validator(mode="after")
    def _one_channel(self):
        if bool(self.email) == bool(self.webhook):
            raise ValueError("give exactly one channel: email = [recipients] or webhook = \"http(s)://…\"")
        return self

    def list_filters(self) -> Filters:
        """The alert's query and filters as a list's :class:`Filters` (sorted by date)."""
        params = {"q": [self.query]} if self.query else {}
        for name, value in self.filters.items():
            if name not in PARAMS or name in ("q", "sort", "page"):
                raise ValueError(f"filters: {name!r} is not a filter; expected one of "
                                 f"{', '.join(p for p in PARAMS if p not in ('q', 'sort', 'page'))}")
            values = value if isinstance(value, list) else [value]
            params[name] = ["1" if v is True else str(v) for v in values if v is not False]
        return Filters.parse(params)


class AlertsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    site: str = Field("http://127.0.0.1:8765", pattern=r"^https?://")  # where digests link to
    smtp: Smtp | None = None
    alerts: list[Alert] = Field(min_length=1)


def load(path: Path) -> AlertsFile:
    """The validated alerts file; raises AlertError naming the file, the alert and the key."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AlertError(f"{path}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AlertError(f"{path}: not valid TOML: {exc}") from None
    try:
        config = AlertsFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        if where.startswith("alerts.") and where.split(".")[1].isdigit():
            number = int(where.split(".")[1])
            name = (data.get("alerts") or [{}])[number].get("name", f"#{number + 1}")
            where = f"alert {name!r}" + (f", key {'.'.join(where.split('.')[2:])}" if where.count(".") > 1 else "")
        raise AlertError(f"{path}: {where}: {error['msg']}") from None
    names = [a.name for a in config.alerts]
    for alert in config.alerts:
        if names.count(alert.name) > 1:
            raise AlertError(f"{path}: alert {alert.name!r}: the name is used twice (it keys what was sent)")
        try:
            alert.list_filters()
        except (ValueError, FilterError) as exc:
            raise AlertError(f"{path}: alert {alert.name!r}: {exc}") from None
        if alert.email and config.smtp is None:
            raise AlertError(f"{path}: alert {alert.name!r}: email needs an [smtp] table (host, sender)")
    return config


@dataclass
class Outcome:
    """One alert's run: its digest (the stories to send), whether it was sent, and why not."""

    alert: str
    stories: list[dict] = field(default_factory=list)
    baseline: int = 0
    sent: bool = False
    error: str = ""
    triggered: bool = False


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def _matches(index, alert: Alert, fulltext=None) -> list[dict]:
    """Every story the alert's search finds (newest first report first), with origin and names."""
    f = alert.list_filters()
    rows, page = [], 1
    while True:
        result = queries.stories(index, replace(f, sort="date", page=page), fulltext)
        rows += result.rows
        if len(rows) >= result.total or not result.rows:
            return rows
        page += 1


def run(engine: Engine, index, config: AlertsFile, dry_run: bool = False, now: datetime | None = None,
        echo=print) -> list[Outcome]:
    """Check every alert, record new stories, send the digests due; returns each alert's outcome."""
    now = now or now_utc()
    stamp = now.isoformat(timespec="seconds")
    t = schema.alert_stories
    outcomes, fulltext = [], pgsearch.fulltext(engine)
    for alert in config.alerts:
        outcome = Outcome(alert.name)
        matches = {row["story_id"]: row for row in _matches(index, alert, fulltext)}
        with engine.connect() as conn:
            known = {r.story_id: r for r in conn.execute(select(t).where(t.c.alert == alert.name))}
        first_run = not known
        fresh = [s for s in matches if s not in known]
        if not dry_run and fresh:
            with engine.begin() as conn:
                conn.execute(t.insert(), [{"alert": alert.name, "story_id": s, "seen_at": stamp,
                                                "sent_at": stamp if first_run else None, "baseline": first_run}
                                               for s in fresh])
        if first_run:
            outcome.baseline = len(fresh)
            outcomes.append(outcome)
            continue
        pending = [matches[s] for s in matches if s in fresh or known[s].sent_at is None]
        if alert.trigger == "spike":
            since = (now - timedelta(days=alert.days)).isoformat(timespec="seconds")
            pending = [s for s in pending if s["first"] and _utc(s["first"]) >= since]
            outcome.triggered = len(pending) >= alert.stories
        else:
            outcome.triggered = bool(pending)
        outcome.stories = pending[:DIGEST_LIMIT]
        if outcome.triggered and not dry_run:
            try:
                send(config, alert, outcome.stories)
            except (OSError, smtplib.SMTPException, urllib.error.URLError, AlertError) as exc:
                outcome.error = f"{type(exc).__name__}: {exc}"
            else:
                outcome.sent = True
                with engine.begin() as conn:
                    conn.execute(update(t).where(t.c.alert == alert.name,
                                                 t.c.story_id.in_([s["story_id"] for s in outcome.stories]))
                                 .values(sent_at=stamp))
        outcomes.append(outcome)
    return outcomes


def _utc(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return (moment.astimezone(timezone.utc) if moment.tzinfo else moment).isoformat(timespec="seconds")


def digest(config: AlertsFile, alert: Alert, stories: list[dict]) -> dict:
    """The digest as data: what the webhook receives and the e-mail is written from."""
    return {
        "alert": alert.name,
        "trigger": alert.trigger if alert.trigger == "new" else f"spike: {alert.stories} stories in {alert.days} days",
        "list": config.site.rstrip("/") + alert.list_filters().url("/stories"),
        "stories": [{
            "story_id": s["story_id"], "title": (s["origin"] or {}).get("title") or "",
            "first_outlet": (s["origin"] or {}).get("outlet"), "first_published": s["first"],
            "last_published": s["last"], "articles": s["articles"], "outlets": s["outlets"],
            "platforms": [v for v, _n in s["lender"]], "regions": [v for v, _n in s["region"]],
            "link": f"{config.site.rstrip('/')}/story/{s['story_id']}", "original": (s["origin"] or {}).get("url"),
        } for s in stories],
    }


def digest_text(data: dict) -> str:
    """The digest as plain text (the e-mail body and ``--dry-run``'s output)."""
    lines = [f"lendwatch 提醒「{data['alert']}」：{len(data['stories'])} 个新报道事件", f"全部结果：{data['list']}", ""]
    for n, s in enumerate(data["stories"], 1):
        lines.append(f"{n}. {s['title'] or '（无标题）'}")
        lines.append(f"   首发：{s['first_outlet']}，{(s['first_published'] or '')[:16].replace('T', ' ')}；"
                     f"共 {s['articles']} 篇（首发 1 篇，转载 {s['articles'] - 1} 篇），{s['outlets']} 家发布方")
        if s["platforms"] or s["regions"]:
            lines.append(f"   点名的平台：{'、'.join(s['platforms']) or '—'}；地区：{'、'.join(s['regions']) or '—'}")
        lines.append(f"   {s['link']}")
    return "\n".join(lines) + "\n"


def send(config: AlertsFile, alert: Alert, stories: list[dict]) -> None:
    """Send one digest by e-mail or webhook; raises on any failure (nothing is then marked sent)."""
    data = digest(config, alert, stories)
    if alert.webhook:
        request = urllib.request.Request(alert.webhook, data=json.dumps(data, ensure_ascii=False).encode("utf-8"),
                                         headers={"Content-Type": "application/json; charset=utf-8",
                                                  "User-Agent": "lendwatch-alert"}, method="POST")
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # non-2xx raises HTTPError
            answer.read()
        return
    smtp = config.smtp
    message = EmailMessage()
    message["Subject"] = f"lendwatch 提醒「{alert.name}」：{len(stories)} 个新报道事件"
    message["From"] = smtp.sender
    message["To"] = ", ".join(alert.email)
    message.set_content(digest_text(data))
    password = None
    if smtp.password_env:
        password = os.environ.get(smtp.password_env)
        if password is None:
            raise AlertError(f"the SMTP password's environment variable {smtp.password_env} is not set")
    with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.username:
            server.login(smtp.username, password or "")
        server.send_message(message)
