"""Every tunable of the extractor in one immutable settings object, passed down explicitly."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

EXTRACTION_VERSION = "1.4"

# Words that, as a part of an element's class or id, mark page furniture rather than article text.
_BOILERPLATE_WORDS = (
    "nav", "navbar", "menu", "footer", "foot", "banner", "share", "sharing", "bshare-custom",
    "comment", "comments", "reply", "related", "relate", "recommend", "rec", "sidebar", "side",
    "aside", "breadcrumb", "crumb", "crumbs", "ad", "ads", "advert", "adv", "copyright",
    "disclaimer", "login", "toolbar", "tag", "tags", "hot", "rank", "ranking", "qrcode",
    "subscribe", "pagination", "pager", "social", "popular", "topbar", "sitemap", "statement",
    "gotop", "backtop", "weixin", "wechat", "tie", "feedback", "keywords", "guess",
)
# Prefixes of class/id parts that mark furniture even when glued to other words (commentbox, sharebar).
_BOILERPLATE_PREFIXES = (
    "comment", "share", "related", "recommend", "breadcrumb", "sidebar", "footer", "banner",
    "navbar", "copyright", "disclaimer", "advert", "hotnews", "subnav", "topnav", "mainnav",
)

# Lines that are never article text: sample-site banner, disclaimers, share and follow prompts.
_BOILERPLATE_LINES = (
    r"【样例数据】", r"示例站点", r"仅供演示", r"文章均为虚构",
    r"^免责声明", r"本文仅代表作者(本人|个人)?观点", r"不代表本(站|网|平台)(的)?(观点|立场)",
    r"网友评论仅供其表达个人看法", r"^(分享|分享到|转发到)[：:]", r"^(扫一扫|扫描二维码|长按(识别)?二维码)",
    r"^(点击|戳)(这里|此处|进入|查看)", r"^(关注|欢迎关注)(我们|微信|公众号)", r"^(上一篇|下一篇)[：:]", r"^版权(所有|声明)", r"^Copyright\b", r"^©", r"未经.{0,8}(授权|许可|同意).{0,12}(不得|禁止|请勿|严禁)(转载|使用|复制|摘编)",
    r"^正在加载", r"返回\S{1,6}，查看更多$", r"成为第一个.{0,4}的人",
    r"^[（(【\[]?\s*(本文来源[：:]\s*\S{1,30}\s*)?(责任编辑|责编|编辑|校对|审核|值班编辑)\s*[：:]\s*\S{0,20}\s*[）)】\]]?$",
    r"^(发布|发表|更新|发稿)?(时间|日期)\s*[:：].{0,60}$",
    r"^本(作品|文)采用.{0,30}(协议|许可)",  # a licence notice under a post
    r"^打开(.{0,6})APP", r"^(我要|我有话)(评论|说)", r"^(返回|回到)(顶部|首页)",
)


@dataclass(frozen=True)
class ExtractOptions:
    """Options of one extraction run; defaults are the tested configuration."""

    timezone: str = "Asia/Shanghai"
    # encoding
    sniff_bytes: int = 8192
    # body finder
    max_link_density: float = 0.5       # a paragraph with more link text than this is navigation
    min_body_chars: int = 30            # less text than this in the best container: no article
    sibling_ratio: float = 0.3          # merge sibling containers scoring this share of the best
    sibling_paragraph_score: float = 4.0  # and sibling paragraphs scoring this much themselves
    headline_body_ratio: float = 0.2    # the container right after the headline wins at this share of the best
    # metadata
    title_max_chars: int = 200
    site_part_chars: int = 16           # a <title> part this short may be a site, channel or tag name
    date_scan_chars: int = 600          # how far after the title a visible full date may sit
    date_line_chars: int = 120          # how far after the title a month-day / relative date may sit
    boilerplate_words: frozenset[str] = field(default_factory=lambda: frozenset(_BOILERPLATE_WORDS))
    boilerplate_prefixes: tuple[str, ...] = _BOILERPLATE_PREFIXES
    # furniture words too weak to drop a block that reads as an article (editor-preview-side)
    weak_furniture_words: frozenset[str] = frozenset(("side", "rec", "tag", "tags", "hot", "foot"))
    article_block_chars: int = 300
    boilerplate_lines: re.Pattern = field(
        default_factory=lambda: re.compile("|".join(_BOILERPLATE_LINES), re.I))
    # a related-links heading inside the body: it and the title-like lines after it are dropped
    related_heading: re.Pattern = field(default_factory=lambda: re.compile(
        r"^[【\[]?(相关(阅读|新闻|报道|链接|推荐|文章|资讯|专题)|延伸(阅读|閱讀)|(推荐|推薦)(阅读|閱讀)|热门(推荐|文章|新闻|阅读)"
        r"|猜你喜欢|为您推荐|往期推荐|精彩推荐|精彩视频推荐|更多精彩|大家都在看|相關(閱讀|新聞|報道|文章))[】\]]?\s*(?:[：:>》].{0,40})?$"))
    title_line_chars: int = 40


DEFAULT_OPTIONS = ExtractOptions()
