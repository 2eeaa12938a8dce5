"""analysis.entities: gazetteer aliases to canonical names, platforms found from context, courts, laws,
文号, regions."""

import pytest

from analysis.entities import entities
from analysis.keyed_labels import texts_available
from analysis.normalize import normalize
from analysis.platforms import on_word_boundary, platform_mentions

TEXT = normalize(
    "借款人在借呗、安逸花和招联金融均有逾期，还在360借条借过钱。"
    "银保监会与央行联合发布通知，互金协会随后发布倡议；深圳市地方金融监督管理局也出台细则。"
    "广东省深圳市福田区人民法院依据《中华人民共和国个人信息保护法》和《关于规范互联网贷款催收行为的通知》作出判决，"
    "文件编号为银保监办发〔2019〕24号。浙江省杭州市中级人民法院另案审理。上海金融法院也有类似案件。"
    "据《国际金融报》报道，北京、杭州的借款人投诉最多。"
)


def test_lenders_mapped_to_canonical_names():
    got = entities(TEXT)["lenders"]
    assert got == ["蚂蚁借呗", "马上消费金融", "招联消费金融", "360借条"]


def test_regulators():
    got = entities(TEXT)["regulators"]
    for name in ("中国银保监会", "中国人民银行", "中国互联网金融协会", "地方金融管理局"):
        assert name in got


def test_courts():
    got = entities(TEXT)["courts"]
    assert "广东省深圳市福田区人民法院" in got
    assert "浙江省杭州市中级人民法院" in got
    assert "上海金融法院" in got


def test_laws_exclude_newspapers():
    got = entities(TEXT)["laws"]
    assert "《中华人民共和国个人信息保护法》" in got
    assert "《关于规范互联网贷款催收行为的通知》" in got
    assert "《国际金融报》" not in got


def test_doc_numbers():
    assert entities(TEXT)["doc_numbers"] == ["银保监办发〔2019〕24号"]
    assert entities("国办发[2020]1号")["doc_numbers"] == ["国办发[2020]1号"]


def test_regions_canonical_and_unique():
    got = entities(TEXT)["regions"]
    assert got[:2] == ["深圳市", "广东省"]
    assert "杭州市" in got and "北京市" in got
    assert len(got) == len(set(got))


def test_empty_and_plain_text():
    assert entities("") == {k: [] for k in ("lenders", "lender_evidence", "regulators", "courts", "laws",
                                            "doc_numbers", "regions")}
    assert entities("今天天气很好")["lenders"] == []


# Written for these tests, in the manner of borrower complaints and P2P news.
COMPLAINT = normalize("本人因为征信也花了，去年在米房借条借款8000元，九州速贷App天天催收，还在速借宝借了三千。"
                      "金满分App也借过，快易花逾期一天就爆通讯录。\n[投诉对象]信*飞App\n[投诉要求]停止骚扰")
NEWS = normalize("多家平台出事：点融网逾期、红八财富疑似造假、快约金服停业。深圳P2P平台“聚富蛙”被立案，"
                 "我在洋钱罐平台借款的钱已还清。网贷平台暴力催收、高利贷和套路贷仍是投诉热点，个性化分期也难谈。")


def test_alias_never_matches_inside_another_word():
    assert "拍拍贷" not in entities(COMPLAINT)["lenders"]  # 信也 in 征信也花了
    assert entities(normalize("我在信也借了五千，拍拍贷天天打电话。"))["lenders"] == ["拍拍贷"]
    assert not on_word_boundary("征信也花了", 1, 3) and on_word_boundary("在信也借了", 1, 3)


def test_platforms_from_context_with_evidence():
    found = entities(COMPLAINT)
    for name in ("米房借条", "九州速贷", "速借宝", "金满分", "快易花", "信*飞"):
        assert name in found["lenders"], name
    rules = {e["name"]: e["rule"] for e in found["lender_evidence"]}
    assert rules["米房借条"] == "suffix 借条" and rules["信*飞"] == "complaint" and rules["金满分"] == "app"
    assert all(e["sentence"] for e in found["lender_evidence"])
    news = entities(NEWS)["lenders"]
    for name in ("红八财富", "快约金服", "点融网", "聚富蛙", "洋钱罐"):
        assert name in news, name


def test_generic_words_are_no_platforms():
    names = {m.name for m in platform_mentions(NEWS)}
    assert not names & {"网贷", "高利贷", "套路贷", "个性化分期", "网贷平台", "P2P"}
    assert platform_mentions(normalize("花了很多钱买花，网购平台的客服说可以分期。")) == []


@pytest.mark.skipif(not texts_available("data/collection-texts/ccf2019_finentity.jsonl"),
                    reason="the labelled texts are read from ../shared")
def test_lender_mentions_floor():
    """240 lender mentions labelled in 125 real holdout texts (tests/fixtures/labels/lender_mentions.jsonl)."""
    from analysis.evaluate_entities import evaluate_lenders

    result = evaluate_lenders("tests/fixtures/labels/lender_mentions.jsonl")
    assert result["mentions"] >= 200
    assert result["precision"] >= 0.82  # 0.849 measured
    assert result["recall"] >= 0.49  # 0.517 measured; most misses are P2P names in lists without a lending suffix
