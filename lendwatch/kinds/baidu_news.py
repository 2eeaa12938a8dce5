"""Kind ``baidu_news``: Baidu News search (www.baidu.com/s?tn=news), one search per keyword."""

from typing import Literal

from pydantic import Field

from lendwatch.config import SingleUrlSource


class Source(SingleUrlSource):
    """``keywords`` defaults to the file's keywords; ``rtt`` 4 sorts by time, 1 by relevance.

    A captcha page (百度安全验证) is retried once with fresh cookies after ``captcha_pause`` seconds.
    """

    kind: Literal["baidu_news"]
    url: str | None = "https://www.baidu.com/s"
    keywords: list[str] | None = None
    max_pages: int = Field(default=5, ge=1, le=76)
    rtt: Literal[1, 4] = 4
    captcha_pause: float = Field(default=20.0, ge=0, le=600)
