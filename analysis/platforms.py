"""Lending platforms and apps named in a text but missing from the gazetteer, found from context, and
the word-boundary check every lender name must pass.

``platform_mentions(text)`` expects normalised text and returns one :class:`Mention` per name (first
occurrence), each with the rule that found it and the sentence it was found in. The rules:

- ``suffix``: a name of 2-4 characters ending in a lending word: ``XX贷``, ``XX分期``, ``XX借条``,
  ``XX消费金融``, ``XX小贷``, ``XX金服``, ``XX钱包`` / ``XX花`` / ``XX白卡`` (these three only with a lending
  word in the sentence), ``XX理财`` / ``XX财富`` / ``XX金融`` (only with a platform-failure or lending
  word in the sentence);
- ``app``: a name before ``App`` in a sentence with a lending word;
- ``platform``: a name before ``平台`` in a sentence with a lending verb;
- ``complaint``: a complaint's ``[投诉对象]`` in a text about borrowing.

Generic words (网贷, 高利贷, 套路贷, 个性化分期, 电子借条, 网贷平台 …) are never names, and a name must start
and end on a word boundary: :func:`on_word_boundary` segments a window around it (jieba, its default
dictionary) and refuses a match whose first or last character is glued to a neighbour into a word
(信也 in 征信也花了).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

_HAN = r"\u4e00-\u9fff"
_NAME = rf"[{_HAN}A-Za-z0-9*＊]"
# suffix -> whether the sentence must hold a lending word (LENDING) or a P2P word (P2P) as well
_SUFFIXES = {
    "消费金融": None, "小贷": None, "分期": None, "借条": None, "金服": None, "贷": None,
    "钱包": "lending", "白卡": "lending", "花花": "lending", "花": "lending", "宝": "lending",
    "理财": "p2p", "财富": "p2p", "金融": "p2p", "网": "p2p",
}
_SUFFIX_RE = re.compile(rf"({'|'.join(sorted(_SUFFIXES, key=len, reverse=True))})(?!款)")
# a name before App or 平台 counts only in a frame: at a clause start or after 在 / 从 / 通过 / 下载 …
_FRAME = r"(?:^|(?<=[\s，。、：:；;“”\"'（()【\[在从向于用被叫])|(?<=通过|使用|下载|注册)|(?<=下载了|注册了))"
_APP_RE = re.compile(rf"{_FRAME}({_NAME}{{2,5}})\s?(?:App|APP|app)(?![A-Za-z])")
_PLATFORM_RE = re.compile(rf"{_FRAME}({_NAME}{{2,5}})平台")
_COMPLAINT_RE = re.compile(r"[\[【]投诉对象[\]】][:：]?\s*([^\s\[【，。/|]{2,30})")
_LENDING = re.compile(r"借款|借钱|借了|贷款|下款|放款|还款|还钱|逾期|催收|利息|息费|额度|分期|担保费|会员费|砍头息|网贷|借贷|申请|欠款")
_P2P = re.compile(r"P2P|p2p|网贷|逾期|兑付|清盘|清退|爆雷|暴雷|跑路|立案|非法吸收|集资|提现|出借人|投资人|平台")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+")
# words that end in a lending suffix but name no platform
GENERIC = frozenset("""
网贷 信贷 房贷 车贷 借贷 放贷 助贷 高利贷 校园贷 套路贷 现金贷 消费贷 小额贷 美容贷 培训贷 租房贷 租金贷 经营贷 抵押贷
信用贷 超利贷 裸贷 网络贷 公积金贷 社保贷 714贷 砍头贷 一手贷 无抵押贷 房抵贷 车抵贷 装修贷 医美贷 大学生贷 学生贷 网络小贷
个性化分期 免息分期 信用卡分期 账单分期 消费分期 现金分期 无息分期 零首付分期 先享分期 停息分期 协商分期 商品分期 汽车分期
电子借条 打借条 写借条 欠条借条 网络借条
网络小贷 小额小贷 互联网小贷
互联网金融 消费金融 普惠金融 科技金融 金融科技 供应链金融 汽车金融 数字金融 持牌消费金融 传统金融 民间金融 网络金融
互联网理财 网络理财 银行理财 投资理财 个人理财 家庭理财 p2p理财 P2P理财 网贷理财 理财 财富 金融
花花 开花 浪花 雪花 烟花 鲜花 樱花 桃花 棉花 印花 天花 花了 乱花 白花 钱花
互联网 官网 联网 上网 新浪网 中国网 财经网 人民网 新华网 凤凰网 网易网 和讯网 东方财富网 中新网 澎湃网 财经网 门户网 天网
手机钱包 电子钱包 数字钱包 微信钱包 我的钱包
支付宝 余额宝 淘宝 元宝 财宝 珠宝 宝宝 法宝 国宝 至宝 瑰宝 八宝 聚宝 宝贝 宝妈 宝爸 理财宝 钱宝 易宝
借款 贷款 借钱 借贷 网络借贷 P2P网贷 p2p网贷 网贷平台 借贷平台 金融平台 理财平台 投资平台 互联网平台 第三方平台 投诉平台 电商平台 网络平台 交易平台
""".split())
# words before App / 平台 that name no platform
GENERIC_BEFORE = frozenset("""
手机 官方 借款 贷款 网贷 借贷 金融 理财 投资 客户端 这款 一款 该 此 某 下载 安装 注册 相关 各大 多个 多家 其他 其它 这个 那个
某个 正规 一个 非法 违规 问题 涉事 这些 那些 互联网 第三方 网络 投诉 电商 交易 监管 信息 服务 中介 P2P p2p 服务 线上
网贷公司 小贷公司 借款人 出借人 投资人 新 该款 此款 同一 整个 本 其 我 你 他 她 我们 他们 这家 那家 每家 一家
PP pp P2P p2p QQ 小众 债权转让 偿还 保本 返利 担保 跳转 伪造
更多 各大 借助 信用 大额 小额 在线 旗下 上线 提现 互助 购物 太多 分不清 普惠 短期 长期 新手 知名 线上 线下 互金 合规 金服
""".split())
# lending actions and app furniture: never part of a name
_ACTIONS = frozenset("借款 贷款 借钱 放款 下款 还款 申请 立即 提醒 下载 安装 注册 打开 官方 客户端 专业 信用卡 手机 微信 支付宝 "
                     "京东 淘宝 苹果 安卓 抖音 快手 官网 推荐 最新 新版 全新 一款 这款".split())
_AFTER = set("的了在是被和与及都也就说逾催")
# what may follow a name ending in a one-character suffix that also starts other words (花钱, 网贷)
_AFTER_NAME = {"花": _AFTER | set("借贷还下放申"), "宝": _AFTER | set("借贷还下放申"), "网": _AFTER}
_COMPANY_WORDS = re.compile("控股|集团|公司|服务|信息|研究|办|局|机构|产品|资产|行业|市场|风险|监管|工作|消费者|知识|科技|中心")
_STOP_HEAD = set("且以将在从向被的了和与及是把给让对这那该此其我你他她们用到去又也都还就而或于为有个家上下里中说叫名称款")
_STOP_TAIL = set("也了的都还就又在是和与及并而或着过把被向从对给可能会要够再才买卖送拿")  # never just before a suffix
_MAX_HEAD = 4
_WEAK = frozenset(("理财", "财富", "金融", "宝", "花", "钱包", "网"))  # suffixes ending many ordinary words too
_RARE = 50  # … so their head must be rarer than this, or the name occur twice
_COMMON = 200  # a dictionary word this frequent ends a name's head (对 诺亚 9, 核查 317, 推广 2801)
_VERY_COMMON = 2000  # … and right before the suffix it is no name at all (员工宝, 不够花)


@dataclass(frozen=True)
class Mention:
    name: str
    rule: str
    sentence: str


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()  # the default dictionary only: a lender name must not bend the boundaries
    tk.initialize()
    return tk


def on_word_boundary(text: str, start: int, end: int, window: int = 8) -> bool:
    """Whether ``text[start:end]`` starts and ends where words do: a window around it is segmented and
    neither the character before nor the one after forms a word with the name's edge."""
    lo, hi = max(0, start - window), min(len(text), end + window)
    cuts, pos = set(), lo
    for word in _tokenizer().cut(text[lo:hi], HMM=False):
        cuts.add(pos)
        pos += len(word)
    cuts.add(hi)
    return start in cuts and end in cuts


def _head(text: str, end: int, shortest: bool, most: int = _MAX_HEAD) -> tuple[str, int] | None:
    """The name ending at ``end`` (before its suffix, App or 平台): jieba words read backwards while they
    look like parts of a name (single characters other than function characters, rare words), at most
    ``most`` characters; the first reading of two characters or more when ``shortest`` (a suffix
    finishes the name), else the longest. None when there is none, or it is a common word or holds a
    generic one."""
    if end == 0 or text[end - 1] in _STOP_TAIL or not re.match(_NAME, text[end - 1]):
        return None
    tk = _tokenizer()
    words: list[str] = []
    for word in reversed(list(tk.cut(text[max(0, end - 12):end], HMM=False))):
        size = sum(map(len, words))
        if not re.fullmatch(f"{_NAME}+", word) or size + len(word) > most or word in _STOP_HEAD:
            break
        if word in GENERIC or word in GENERIC_BEFORE or word in _ACTIONS:
            if not words:
                return None
            break
        short = shortest and sum(map(len, words)) < 2  # still too short to be a name: take a common word
        if len(word) > 1 and (tk.FREQ.get(word) or 0) >= (_VERY_COMMON if not words or short else _COMMON):
            if not words:
                return None
            break
        words.insert(0, word)
        if shortest and size + len(word) >= 2:
            break
    head = "".join(words)
    if len(head) < 2 or re.fullmatch(r"[0-9]+后?", head):
        return None
    return head, end - len(head)


def _unknown(head: str) -> bool:
    """A head the dictionary does not know as a word of some frequency (信融, 沪深, 佑米; not 席卷, 收益)."""
    return (_tokenizer().FREQ.get(head) or 0) < _RARE


def _generic(name: str, suffix: str = "") -> bool:
    """A generic word, or a name ending in one longer than its own suffix (最新网贷, 借高利贷)."""
    return any(name[i:] in GENERIC or name[i:] in GENERIC_BEFORE for i in range(len(name) - len(suffix)))


def _candidates(text: str, sentence_start: int, sentence: str):
    """(name, start, end, rule, suffix) in one sentence; start/end are offsets in ``text``."""
    lending, p2p = _LENDING.search(sentence), _P2P.search(sentence)
    for m in _SUFFIX_RE.finditer(sentence):
        suffix = m.group(1)
        need = _SUFFIXES[suffix]
        if (need == "lending" and not lending) or (need == "p2p" and not (p2p or lending)):
            continue
        start, end = sentence_start + m.start(1), sentence_start + m.end(1)
        if len(suffix) == 1 and suffix in _AFTER_NAME and end < len(text) and re.match(f"[{_HAN}]", text[end]) \
                and text[end] not in _AFTER_NAME[suffix]:
            continue  # 聚宝匯, 花钱, 网贷: the word goes on
        if suffix == "金融" and _COMPANY_WORDS.match(text, end):
            continue  # 轩鸿金融控股集团, 苏宁金融研究院: a company or a field, not a lending brand
        found = _head(text, start, shortest=True)
        if found and (suffix not in _WEAK or _unknown(found[0]) or text.count(found[0] + suffix) >= 2):
            yield found[0] + suffix, found[1], end, f"suffix {suffix}", suffix
    if lending:
        framed = [(m, "app") for m in _APP_RE.finditer(sentence)]
        if re.search(r"借|贷|还款|逾期|催收|放款|下款", sentence):
            framed += [(m, "platform") for m in _PLATFORM_RE.finditer(sentence)]
        for m, rule in framed:
            if _rare_name(m.group(1)):
                yield m.group(1), sentence_start + m.start(1), sentence_start + m.end(1), rule, ""


_LIST_HEAD = re.compile(rf"(?:^|(?<=包括|分别|还有|以及|涉及)|(?<=[为是如有即]))({_NAME}{{2,6}})$")
_LIST_TAIL = re.compile(rf"^({_NAME}{{2,6}}?)(?=等|这|均|都|已|平台|预警|逾期|跑路|爆雷|暴雷|$)")
_LIST_ITEM = re.compile(rf"^{_NAME}{{2,6}}$")
_CLAUSE = re.compile(r"[^，,。：:；;！？!?()（）\n]+")
_LABELLED = re.compile(rf"平台名称[:：]\s*({_NAME}{{2,8}})")
_QUOTED = re.compile(rf"(?:P2P平台|网贷平台|P2P|平台)[“\"「]({_NAME}{{2,8}})[”\"」]|[“\"「]({_NAME}{{2,8}})[”\"」](?=平台|案)")
_FAILING = re.compile(rf"(?:^|(?<=[\s，。、：:；;“”\"'（()【\[]))({_NAME}{{2,5}}?)(?:已经|已|又|疑似|突然|宣布|是不是)?"
                      r"(?:暴雷|爆雷|暗雷|跑路|清盘|失联|提现困难|无法提现|被立案|雷了)")


def listed(sentence: str) -> list[tuple[str, int, int]]:
    """Items of enumerations (A、B、C) in a sentence: (item, start, end)."""
    out = []
    for cm in _CLAUSE.finditer(sentence):
        parts = cm.group().split("、")
        if len(parts) < 3:
            continue
        pos = cm.start()
        for i, part in enumerate(parts):
            if i == 0:
                m = _LIST_HEAD.search(part)
            elif i == len(parts) - 1:
                m = _LIST_TAIL.search(part)
            else:
                m = _LIST_ITEM.match(part)
            if m:
                out.append((m.group(1) if m.groups() else m.group(), pos + m.start(), pos + m.end()))
            pos += len(part) + 1
    return out


def _rare_name(name: str, lenient: bool = False, strict: bool = False) -> bool:
    """Whether a framed name reads as a name: no function character, no generic or action word, no
    common dictionary word (``lenient``: in a list beside a known name, one word of any frequency may be
    a name: 发财树, 小零钱)."""
    tk = _tokenizer()
    words = list(tk.cut(name, HMM=False))
    if len(words) == 1 and (tk.FREQ.get(name) or 0) >= (_VERY_COMMON if lenient else _RARE):
        return False  # one dictionary word (合规, 还清, 小众)
    if re.search(r"[0-9]+[年月日号天个期亿万元家]|^[0-9]+$", name) or name[-1] in _STOP_TAIL or name[0] in "无半百千万":
        return False
    for word in words:
        if word in _STOP_HEAD or word in GENERIC or word in GENERIC_BEFORE or word in _ACTIONS:
            return False
        if len(word) > 1 and (tk.FREQ.get(word) or 0) >= (_RARE if strict else _VERY_COMMON):
            return False
    return True


def platform_mentions(text: str) -> list[Mention]:
    """Names of lending platforms and apps found from context in normalised ``text``, once each."""
    out: dict[str, Mention] = {}
    if not text:
        return []
    if "投诉对象" in text and _LENDING.search(text):
        for m in _COMPLAINT_RE.finditer(text):
            name = re.sub(r"\s*(?:App|APP|app|平台|官方)$", "", m.group(1).strip())
            if len(name) >= 2:
                out.setdefault(name, Mention(name, "complaint", m.group(0).strip()))
    p2p_text = bool(_P2P.search(text))
    for sm in _SENTENCE.finditer(text):
        sentence = sm.group()
        for name, start, end, rule, suffix in _candidates(text, sm.start(), sentence):
            if name not in out and not _generic(name, suffix) and on_word_boundary(text, start, end):
                out[name] = Mention(name, rule, sentence.strip())
        if not p2p_text:
            continue
        named = [(m.group(1), "labelled") for m in _LABELLED.finditer(sentence)]
        named += [(m.group(1) or m.group(2), "quoted") for m in _QUOTED.finditer(sentence)]
        named += [(m.group(1), "failing") for m in _FAILING.finditer(sentence)]
        for name, rule in named:
            if name not in out and not _generic(name) and _rare_name(name, strict=rule == "failing"):
                out[name] = Mention(name, rule, sentence.strip())
        items = listed(sentence)
        if any(item in out or item in _known() for item, _s, _e in items):  # a list of names: one is known
            for item, _s, _e in items:
                if item not in out and not _generic(item) and _rare_name(item, lenient=True):
                    out[item] = Mention(item, "listed", sentence.strip())
    return list(out.values())


@lru_cache(maxsize=1)
def _known() -> frozenset:
    from analysis.lexicon import load

    return frozenset(load().gazetteer["lender"])
