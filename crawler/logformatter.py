"""Log lines for dropped items: the reason and URL only, at INFO (the summary counts them)."""

import logging

from scrapy import logformatter


class LogFormatter(logformatter.LogFormatter):
    def dropped(self, item, exception, response, spider=None, *args, **kwargs):
        return {"level": logging.INFO, "msg": "Dropped: %(exception)s",
                "args": {"exception": exception}}
