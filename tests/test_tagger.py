"""analysis.tagger.tag: the Tags contract, evidence, versions, bad input, speed.

Sentiment is another module's contract (``analysis.sentiment.score``); here a stand-in is patched in.
"""

import time
from types import SimpleNamespace

import pytest

from analysis import tagger
from analysis.tagger import LEXICON_VERSION, MODEL_VERSION, Tags, tag

ARTICLE = (
    "杭州一女子网贷逾期后遭“爆通讯录”。\n"
    "她在一款网贷App上借款6000元，逾期5天后，催收人员给她的同事、父母发送辱骂短信，还附上了她的身份证照片。"
    "律师表示，根据《个人信息保护法》，借款App读取通讯录再群发借款人信息，侵犯了借款人的隐私。"
    "目前她已向派出所报案，并在黑猫投诉平台投诉了借呗以外的这家平台。"
)


class StandIn:
    """A tiny stand-in for analysis.sentiment with the contract's shape."""

    SENTIMENT_VERSION = "stand-in"

    def __init__(self):
        self.calls = []

    def score(self, text, features=None):
        self.calls.append(text)
        return SimpleNamespace(label="negative", p_negative=0.9, evidence=["催收人员给她的同事、父母发送辱骂短信"])


@pytest.fixture
def sentiment(monkeypatch):
    stand_in = StandIn()
    monkeypatch.setattr(tagger, "_sentiment", stand_in)
    return stand_in


def test_tags_contract(sentiment):
    t = tag(ARTICLE, title="网贷逾期后遭爆通讯录")
    assert isinstance(t, Tags)
    assert t.relevant is True
    assert {"violent_collection", "privacy"} <= set(t.topics)
    assert t.sentiment == "negative" and t.p_negative == pytest.approx(0.9)
    assert t.entities["laws"] == ["《个人信息保护法》"]
    assert "蚂蚁借呗" in t.entities["lenders"]
    ev = t.evidence
    assert set(ev) >= {"relevant", "topics", "sentiment"}
    assert ev["relevant"]["terms"] and ev["relevant"]["sentences"]
    for code in t.topics:
        assert ev["topics"][code]["terms"] and ev["topics"][code]["sentences"]
    assert ev["sentiment"] == ["催收人员给她的同事、父母发送辱骂短信"]
    # sentiment gets the normalised text
    assert sentiment.calls and "网贷" in sentiment.calls[0]


def test_traditional_input_gives_same_topics(sentiment):
    trad = "網(wǎng)貸逾期後，催收人員給她的同事、父母發送辱罵短信，還爆了通訊錄。"
    simp = "网贷逾期后，催收人员给她的同事、父母发送辱骂短信，还爆了通讯录。"
    assert tag(trad).topics == tag(simp).topics
    assert "violent_collection" in tag(trad).topics


def test_versions():
    assert LEXICON_VERSION.startswith("lex-") and len(LEXICON_VERSION) == 16
    assert MODEL_VERSION.startswith(LEXICON_VERSION)
    assert "sent-" in MODEL_VERSION


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "empty text"),
        (None, "empty text"),
        ("   \n\t  ", "empty text"),
        ("hello world, no Chinese here 12345", "no Chinese text"),
        ("\ud800\udfff\ud83d", "empty text"),
    ],
)
def test_bad_input_is_tagged_not_raised(text, reason, sentiment):
    t = tag(text)
    assert t.relevant is False and t.topics == []
    assert t.evidence["relevant"]["reason"] == reason


def test_broken_surrogates_inside_text(sentiment):
    t = tag("网贷\ud800催收人员爆通讯录\udfff，给借款人的父母打电话辱骂。")
    assert t.relevant is True


def test_huge_input_bounded(sentiment):
    big = ("网贷平台暴力催收，爆通讯录骚扰借款人家人。" * 100_000)  # ~2 MB
    start = time.perf_counter()
    t = tag(big)
    assert time.perf_counter() - start < 2.0
    assert t.relevant is True
    assert t.evidence["relevant"]["truncated_at"] == tagger.MAX_CHARS
    assert len(sentiment.calls[0]) <= tagger.MAX_CHARS + 1


def test_sentiment_failure_is_recorded_not_raised(monkeypatch):
    def boom(text, features=None):
        raise RuntimeError("model missing")

    monkeypatch.setattr(tagger, "_sentiment", SimpleNamespace(score=boom))
    t = tag(ARTICLE)
    assert t.relevant is True
    assert t.sentiment == "neutral"
    assert any("model missing" in e for e in t.evidence["errors"])


def test_segment_keeps_domain_words():
    from lendwatch.segment import segment

    words = segment("她遭遇爆通讯录，714高炮收砍头息，后来申请停息挂账")
    for w in ("爆通讯录", "714高炮", "砍头息", "停息挂账"):
        assert w in words
