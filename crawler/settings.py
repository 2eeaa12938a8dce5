"""Every Scrapy default lendwatch uses, in one place.

`crawler.runner` starts from these and applies the sources file's `[crawl]`
table and the command-line options on top.
"""

from lendwatch import __version__

BOT_NAME = "lendwatch"
USER_AGENT = f"lendwatch/{__version__} (+https://github.com/lendwatch/lendwatch; research monitor of lending news)"

ROBOTSTXT_OBEY = True
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"

# Polite by default: few requests per site, adaptive delays, backoff on errors.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry, doubled for each next one
RETRY_BACKOFF_MAX = 60.0  # longest wait; a Retry-After asking for more gives the page up

# Breadth-first: a list page's articles are fetched before the pages it links to, so the
# scheduler holds about one list page of requests, not the whole site (flat memory).
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# Items are stored synchronously: many parallel item tasks per response only cost time.
CONCURRENT_ITEMS = 16

# Bounds (crawler.bounds; the runner sets them from [crawl] max_page_mb, max_links_per_page and
# max_requests_per_source): a body decompressed past DOWNLOAD_MAXSIZE is dropped too (gzip bombs).
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
LENDWATCH_MAX_LINKS_PER_PAGE = 2000
LENDWATCH_MAX_REQUESTS_PER_SOURCE = 20000

# Only http(s) is ever downloaded: a remote feed must not make the crawler read local files.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}

DOWNLOADER_MIDDLEWARES = {
    "crawler.safety.SafeTargetMiddleware": 10,
    "crawler.identity.IdentityMiddleware": 90,  # before robots.txt (100) and cookies (700)
    "crawler.middlewares.SkipKnownMiddleware": 50,
    "crawler.middlewares.ConditionalListMiddleware": 560,  # outside the retries: a 304 is an answer
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
    "crawler.bounds.RedirectBoundsMiddleware": 650,
}
SPIDER_MIDDLEWARES = {
    "crawler.bounds.LinkBoundsMiddleware": 950,
}
ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 300,
}
LOG_FORMATTER = "crawler.logformatter.LogFormatter"
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "crawler.shared.SharedWorkers": 500,  # only with a shared Redis (crawler.shared)
}

# lendwatch's own settings (set by the runner)
LENDWATCH_ENGINE = None  # the run's SQLAlchemy engine, shared by every source's crawler
LENDWATCH_KNOWN_URLS = frozenset()  # canonical URLs of the pages stored when the run began
LENDWATCH_UNSETTLED_URLS = frozenset()  # of those, the source's pages stored by unfinished runs
LENDWATCH_LIST_VALIDATORS = {}  # list page URL -> (ETag, Last-Modified) from earlier crawls
LENDWATCH_RUN_ID = None
LENDWATCH_ALLOW_PRIVATE = False  # [crawl] allow_private: requests to private/loopback addresses
