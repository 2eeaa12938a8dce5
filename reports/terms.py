"""Rising terms: words used more in the month's relevant articles than in the previous months'.

Words come from :func:`lendwatch.segment.segment` (jieba with the domain dictionary, so 爆通讯录 and
停息挂账 stay whole), counted once per article (document frequency) over the title and the first
``TERM_CHARS`` characters of the text (the lead sentence: segmentation is the costly step,
about 0.15 ms an article). Stopwords (function words and the administrative vocabulary of every
notice: 分局, 单位, 部门…), numbers and one-character words are left out. A baseline month with more
than ``BASE_CAP`` relevant articles is represented by every k-th article by id (see
:func:`reports.data.relevant_leads`), which estimates its shares.

Words are compared by the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and
Quinn 2008, "Fightin' Words", §3.5.1): the prior is the pooled counts of both periods times
``PRIOR_SCALE``, so a word absent before but seen in two articles now is not ranked first for its
zero baseline; the z-score (log-odds over its standard error) ranks them. A term is listed when
z ≥ ``Z_MIN``; from ``Z_SIGNIFICANT`` (1.96) its rise is significant at about the 95 % level.
"""

import math
import re
from collections import Counter

from lendwatch.segment import segment  # jieba loads its dictionary on first use

TERM_CHARS = 80
MIN_COUNT = 2
BASE_CAP = 1000
PRIOR_SCALE = 0.1  # α0 = this × the pooled count of both periods: the prior's weight against the data
Z_MIN = 1.0  # listed from here; from 1.96 the difference is significant at about the 95 % level
Z_SIGNIFICANT = 1.96

STOPWORDS = frozenset("""
一个 一些 一位 一种 一名 一家 一起 一直 一定 一方面 一般 万元 三个 上午 下午 不是 不能 不会 不要 不过 中国 为了 主要 之后
之前 一笔 管理 加强 对方 工作 开展 有效 进一步 不得 规定 要求 发现 告诉 成为 当地 发生 包括 此外 同时 继续 方面 问题 方式
不仅 依法 办理 禁止 已经 仍然 随后 最终 其后 有人 一名 多名 多人 期间 以后 之内 以内 左右 先后 如此 怎么 什么 影响 处理 服务 获悉 介绍 记者 日报 新闻网 这种 那些 一次 每天 如今 很快 曾经 之下 一旦 必须 应当 明确 不再 为此 也是 也有 了解 二是 于是 人员 今年 他们 以下 以上 以及 以来 任何 但是 何时 作为 你们 其中 其他 其实 具体 再次 出现 分别
到了 同时 后来 否则 因为 因此 在于 如果 如何 实际 对于 导致 已经 希望 开始 往往 很多 情况 我们 所以 找到 报道 据悉 接到
提出 提供 是否 是因为 昨天 时候 最后 有关 有的 本报 来说 比如 没有 然后 然而 特别 现在 甚至 由于 目前 相关 知道 表示 记者
该案 认为 记者 要求 这个 这些 这是 这样 进行 通过 那么 部分 都是 采访 需要 非常 首先 就是 还是 还有 可以 可能 能够 自己
此前 此外 日前 近日 近期 今天 日电 消息 来源 编辑 责任编辑 示例 样例 不少 很多 多次 多个 多家 各种 有些 只是 之间 之一
分局 总局 单位 部门 机关 机构 有关部门 负责人 工作人员 办公室 通知 公告 印发 发布 公布 通报 会议 召开 组织 落实 推进 做好
进一步加强 贯彻 部署 各级 辖内 辖区 全市 全省 全国 本市 本省 地方 区域 领域 方面 措施 制度 机制 体系 有关 相应 相关部门
打电话 电话 日起 年月日 第一 第二 第三 该局 本局 该院 公开 存在
""".split())

_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]*$")


def words(title: str, lead: str) -> set[str]:
    """The distinct countable words of one article."""
    text = f"{title}\n{lead[:TERM_CHARS]}"
    return {w for w in segment(text) if len(w) > 1 and _WORD.match(w) and w not in STOPWORDS}


def log_odds(now: int, base: int, now_total: int, base_total: int, prior: float, prior_total: float) -> float:
    """The z-score of the log-odds ratio of a word, ``now`` against ``base`` counts, with Dirichlet prior
    ``prior`` (the word's) of total ``prior_total`` (Monroe et al. 2008, eq. 16 and 18-20)."""
    odds_now = math.log((now + prior) / (now_total + prior_total - now - prior))
    odds_base = math.log((base + prior) / (base_total + prior_total - base - prior))
    return (odds_now - odds_base) / math.sqrt(1 / (now + prior) + 1 / (base + prior))


def rising(rows: list[dict], month: str, before: list[str], n: int = 10) -> dict:
    """Terms used more in ``month`` than in the ``before`` months, by z-score (see the module docstring).

    ``rows`` are :func:`reports.data.relevant_leads` rows. Each term gives its article count and share in
    both periods, ``expected`` (its earlier share times this month's articles) and ``z``.
    """
    now_rows = [r for r in rows if r["month"] == month]
    base_rows = [r for r in rows if r["month"] in before]
    result = {"months": before, "base_articles": len(base_rows), "articles": len(now_rows), "terms": []}
    if not now_rows or not base_rows:
        return result
    now_ids: dict[str, list[int]] = {}
    for r in now_rows:
        for w in words(r["title"] or "", r["lead"] or ""):
            now_ids.setdefault(w, []).append(r["id"])
    base = Counter(w for r in base_rows for w in words(r["title"] or "", r["lead"] or ""))
    now_total, base_total = sum(len(v) for v in now_ids.values()), sum(base.values())
    pooled_total = now_total + base_total
    prior_total = PRIOR_SCALE * pooled_total
    terms = []
    for word, ids in now_ids.items():
        count = len(ids)
        prior = PRIOR_SCALE * (count + base[word])
        z = log_odds(count, base[word], now_total, base_total, prior, prior_total)
        if count >= MIN_COUNT and z >= Z_MIN:
            terms.append({"word": word, "count": count, "share": count / len(now_rows),
                          "base_count": base[word], "base_share": base[word] / len(base_rows),
                          "expected": base[word] / len(base_rows) * len(now_rows), "z": z, "ids": sorted(ids)})
    terms.sort(key=lambda t: (-round(t["z"], 6), -t["count"], t["word"]))
    result["terms"] = terms[:n]
    return result
