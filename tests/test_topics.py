"""Relevance and topics: TOPICS.md boundary cases, and the evaluation gate on held-out labels."""

from pathlib import Path

import pytest

from analysis.evaluate_topics import evaluate_topics, format_report
from analysis.keyed_labels import texts_available
from analysis.tagger import tag
from analysis.train_topics import COLLECTION_TEXTS, REAL_POSTS_CSV

HERE = Path(__file__).parent
OWN = HERE / "fixtures" / "labels" / "own_topics.jsonl"
OWN_TRAIN = HERE / "fixtures" / "labels" / "own_train.jsonl"
DEV = HERE.parent.parent / "shared" / "data" / "topics-dev" / "dev_finnsp.jsonl"
REAL = HERE / "fixtures" / "labels" / "finnsp_topics.jsonl"  # our labels of real posts, texts in ../shared
COLLECTION = HERE / "fixtures" / "labels" / "collection_texts.jsonl"  # real collection-side texts, idem
BLIND = HERE / "fixtures" / "labels" / "own_blind.jsonl"  # written blind to the tagger, never trained on
ARTICLES = HERE.parent / "lendwatch" / "sandbox" / "articles"


def tags(text, title=None):
    return tag(text, title, with_sentiment=False)


# (title, text, relevant, topics that must be present, topics that must be absent)
CASES = [
    pytest.param(
        None,
        "某P2P网贷平台跑路三个月，出借人多次到经侦报案，警方至今不立案。我们要求尽快立案，追回血汗钱。",
        True, {"platform_risk", "complaints"}, {"enforcement", "delinquency"},
        id="appeal-to-open-a-case-is-complaints-not-enforcement",
    ),
    pytest.param(
        "警方打掉一暴力催收团伙",
        "公安机关抓获为网贷平台提供催收服务的犯罪嫌疑人15名，该团伙通过辱骂、恐吓借款人家属逼迫还款。",
        True, {"enforcement", "violent_collection"}, set(),
        id="arrest-is-enforcement",
    ),
    pytest.param(
        "金融监管部门发布风险提示",
        "金融监管总局发布风险提示，提醒消费者理性借贷，警惕网络贷款中的高额费用和过度借贷营销。",
        True, {"financial_education"}, {"regulation"},
        id="risk-warning-to-consumers-is-financial-education",
    ),
    pytest.param(
        "互联网贷款催收新规发布",
        "国家金融监督管理总局印发管理办法，要求贷款机构不得向无关第三人催收，委外催收机构须纳入名单管理。",
        True, {"regulation"}, {"financial_education"},
        id="rule-binding-lenders-is-regulation",
    ),
    pytest.param(
        None,
        "某网贷平台出现逾期兑付，出借人本金迟迟无法收回，平台宣布清盘，兑付方案遭出借人质疑。",
        True, {"platform_risk"}, {"delinquency"},
        id="platform-failing-investors-is-platform-risk-not-delinquency",
    ),
    pytest.param(
        None,
        "借款人逾期后，催收人员给她的父母和同事打电话，说她欠网贷不还。",
        True, {"violent_collection"}, set(),
        id="calls-to-family-are-violent-collection",
    ),
    pytest.param(
        "冒充网贷催收员诈骗",
        "骗子冒充网贷平台催收人员，称借款人逾期要上征信，诱导其转账到所谓还款账户，多名借款人被骗。",
        True, {"anti_collection"}, set(),
        id="fake-collector-aimed-at-borrowers-is-anti-collection",
    ),
    pytest.param(
        None,
        "王先生下载了一个贷款App，对方称放款前要交解冻费和保证金，他转账8000元后贷款一直没有到账，才知道被骗。",
        False, set(), set(),
        id="fake-loan-app-fee-scam-not-relevant",
    ),
    pytest.param(
        "A股收评",
        "沪指收涨1%，金融科技板块走强，多只消费金融概念股涨停，北向资金净买入。",
        False, set(), set(),
        id="stock-news-not-relevant",
    ),
    pytest.param(
        "本市举办春季招聘会",
        "招聘会提供岗位两万余个，吸引大批求职者。会上还发放了防范网贷风险的宣传单。主办方表示将每月举办一次。下一场招聘会聚焦制造业。",
        False, set(), set(),
        id="passing-mention-not-relevant",
    ),
    pytest.param(  # a P2P platform named without 贷/金服/钱包/创投: the P2P context makes it the subject
        None,
        "鑫源财富逾期兑付快一年了，我们出借人的本金一分没回来，已经集体去经侦报案。",
        True, {"platform_risk", "complaints"}, {"delinquency"},
        id="p2p-platform-without-lending-word-is-relevant",
    ),
    pytest.param(
        None,
        "某私募基金到期不能兑付，投资人多次到公司讨要本金，管理人说项目还没退出，已经有人去报案了。",
        False, set(), set(),
        id="private-fund-not-paying-is-not-lending",
    ),
    pytest.param(
        None,
        "币圈又一家交易所跑路了，投资者提现不了，平台客服全部失联，报案也追不回来。",
        False, set(), set(),
        id="crypto-exchange-collapse-not-relevant",
    ),
    pytest.param(
        "银行加大小微企业信贷投放",
        "多家银行推出小微企业经营贷款，普惠小微贷款余额同比增长，贷款利率持续下降，支持实体经济。",
        False, set(), set(),
        id="business-lending-not-relevant",
    ),
]


@pytest.mark.parametrize("title,text,relevant,present,absent", CASES)
def test_boundary_cases(title, text, relevant, present, absent):
    t = tags(text, title)
    assert t.relevant is relevant, t.evidence["relevant"]
    assert present <= set(t.topics), (t.topics, t.evidence["topics"])
    assert not (absent & set(t.topics)), (t.topics, t.evidence["topics"])
    if not relevant:
        assert t.topics == []


def test_topic_evidence_names_terms_and_sentences():
    t = tags("催收人员爆通讯录，给借款人的同事和父母发辱骂短信。这家网贷平台还收取砍头息。")
    assert "violent_collection" in t.topics
    ev = t.evidence["topics"]["violent_collection"]
    assert "爆通讯录" in ev["terms"]
    assert any("爆通讯录" in s for s in ev["sentences"])
    assert ev["score"] >= ev["threshold"]
    assert t.evidence["relevant"]["terms"] and t.evidence["relevant"]["sentences"]


# ------------------------------------------------------------------- evaluation gates
# Floors are the figures measured when the lexicon was last changed, minus a small margin.


# Measured with lexicon + learned layer + text head lex-a1760be56d2a (analysis/models/topics.npz,
# analysis/models/README.md): own holdout rel P 0.970 R 1.000, topics 0.864; real-post holdout (234) rel P
# 0.952 R 0.909, topics 0.878 (high-confidence labels 0.983 / 0.937, 0.911); blind set rel P 0.982 R 1.000,
# topics 0.872 (first measured at 0.857 / 0.982, 0.879); articles rel P 0.992 R 1.000, topics 0.850;
# topics-dev (training rows) 0.980 / 1.000, topics 0.963.
# With the 425 real collection-side training texts (lex-aff8d38955c7): real-post holdout 0.939 / 0.875,
# topics 0.861; blind set 0.947 / 0.982, topics 0.854 (one more look-alike accepted); articles unchanged at
# 0.992 / 1.000, topics 0.843; collection-side holdout 0.699 / 0.889, topics 0.844 (0.552 / 0.965, 0.857
# before).
# With page furniture cut before analysis (lex-10f9a43b68cf): blind set 0.948 / 1.000, topics 0.860; articles
# 1.000 / 1.000, topics 0.844; real-post holdout unchanged; collection-side holdout (now a dev set: its
# errors were studied) 0.719 / 0.889, topics 0.843.
BLIND_FLOOR = (0.94, 0.97, 0.84)
def test_holdout_gate():
    result = evaluate_topics(OWN, split="holdout")
    print(format_report(result, verbose=True))
    assert result["n"] >= 40
    assert result["relevance"]["precision"] >= 0.95
    assert result["relevance"]["recall"] >= 0.95
    assert result["topics"]["micro_f1"] >= 0.84


def test_training_texts_are_fitted():
    for path, split in ((OWN, "tune"), (OWN_TRAIN, None)):
        result = evaluate_topics(path, split=split)
        assert result["relevance"]["f1"] >= 0.95, path  # 0.968 on own_train: its 40 look-alikes are hard
        assert result["topics"]["micro_f1"] >= 0.90, path


def test_blind_set_gate():
    """90 texts written and labelled without seeing the tagger, 35 of them look-alikes that are not relevant."""
    result = evaluate_topics(BLIND)
    print(format_report(result, verbose=True))
    assert result["n"] == 90
    assert result["relevance"]["precision"] >= BLIND_FLOOR[0]
    assert result["relevance"]["recall"] >= BLIND_FLOOR[1]
    assert result["topics"]["micro_f1"] >= BLIND_FLOOR[2]


@pytest.mark.skipif(not texts_available(REAL_POSTS_CSV), reason="../shared/data/sentiment is not present")
def test_real_post_holdout_gate():
    """Real posts labelled by us and never trained on (the ``holdout`` split of finnsp_topics.jsonl)."""
    result = evaluate_topics(REAL, split="holdout")
    print(format_report(result, verbose=True))
    assert result["n"] >= 200
    assert result["relevance"]["precision"] >= 0.93
    assert result["relevance"]["recall"] >= 0.87  # 0.875 since the collection-side texts joined training
    assert result["topics"]["micro_f1"] >= 0.85


@pytest.mark.skipif(not texts_available(COLLECTION_TEXTS), reason="the collection-side texts are read from ../shared")
def test_collection_holdout_floor():
    """391 real collection-side texts labelled by us, split from the training texts by origin (the
    ``holdout`` split of collection_texts.jsonl; a dev set since its errors were studied). Floors, not
    targets: see models/README.md."""
    result = evaluate_topics(COLLECTION, split="holdout")
    print(format_report(result, verbose=True))
    assert result["n"] >= 380
    assert result["relevance"]["precision"] >= 0.70  # 0.719 (0.699 before the page-furniture cut)
    assert result["relevance"]["recall"] >= 0.87  # 0.889
    assert result["topics"]["micro_f1"] >= 0.83  # 0.844
    assert result["per_topic"]["platform_risk"]["recall"] >= 0.86  # 0.888 of 125


@pytest.mark.skipif(not DEV.exists(), reason="../shared/data/topics-dev is not present")
def test_dev_file_is_fitted():
    """topics-dev is among the training rows: a floor on how well it is fitted."""
    result = evaluate_topics(DEV)
    print(format_report(result))
    assert result["relevance"]["precision"] >= 0.95
    assert result["relevance"]["recall"] >= 0.93
    assert result["topics"]["micro_f1"] >= 0.93


@pytest.mark.skipif(not any(ARTICLES.glob("*.md")), reason="no sample articles yet")
def test_sample_articles_floor():
    result = evaluate_topics(ARTICLES)
    print(format_report(result))
    assert result["relevance"]["precision"] >= 0.96
    assert result["relevance"]["recall"] >= 0.97
    assert result["topics"]["micro_f1"] >= 0.83


@pytest.mark.skipif(not texts_available(REAL_POSTS_CSV), reason="the real posts are read from ../shared")
def test_shipped_topic_model_matches_its_training(tmp_path):
    """Retraining on the labelled texts gives the shipped arrays (the model is not stale)."""
    import numpy as np

    from analysis.topics import MODEL_PATH
    from analysis.train_topics import train

    figures = train(tmp_path, seed=13)
    assert figures["rows"] >= 600 and figures["bytes"] < 2_000_000
    with np.load(MODEL_PATH, allow_pickle=False) as shipped, np.load(tmp_path / "topics.npz", allow_pickle=False) as new:
        assert bytes(shipped["names"]) == bytes(new["names"])
        np.testing.assert_allclose(shipped["weights"], new["weights"], atol=1e-4)
        np.testing.assert_allclose(shipped["text_w"], new["text_w"], atol=1e-4)


SIDE_MENTION_TITLE = "催收员冒充法院恐吓借款人 逼其向亲友借钱还款"
SIDE_MENTION_BODY = (  # written for this test; the complaint is one sentence in a collection story
    "去年，在某市打工的小王在一款网贷App借了八千元，逾期后噩梦开始。"
    "催收人员每天打来几十个电话，辱骂恐吓，还冒充法院工作人员称要上门抓人。"
    "对方给他的父母和同事群发短信，称他是老赖，并把他的照片P成通缉令发到工作群。"
    "小王说，那段时间他不敢去上班，父母也整夜睡不着。"
    "他曾在网上投诉过一次，但没有下文。"
    "律师表示，冒充司法机关、向借款人亲友散布欠款信息属于违法催收，情节严重的可能构成寻衅滋事。"
    "目前小王已在家人帮助下还清了欠款，但他说那种被人围追堵截的感觉至今难忘。"
)


def test_side_mention_is_not_a_topic():
    t = tags(SIDE_MENTION_BODY, SIDE_MENTION_TITLE)
    assert t.relevant and "violent_collection" in t.topics
    assert "complaints" not in t.topics, t.evidence["topics"].get("complaints")


def test_main_subject_features():
    from analysis.normalize import normalize
    from analysis.tagger import analyze

    doc, a = analyze(normalize(SIDE_MENTION_BODY), SIDE_MENTION_TITLE)
    f = a["features"]
    assert len(doc.sentences) == 7
    # complaints: one body sentence (the 5th), not in the title or lead, a small share of all topic scores
    assert f["complaints:spread"] == pytest.approx(1 / 7)
    assert f["complaints:nsent"] == pytest.approx(1 / 6)
    assert f["complaints:first"] == pytest.approx(1 - 4 / 7)
    assert "complaints:lead" not in f and "complaints:title" not in f
    assert f["complaints:share"] < 0.1
    # violent_collection: in the title and the lead, from the 2nd sentence on, the largest share
    assert f["violent_collection:lead"] == 1.0 and f["violent_collection:title"] == 1.0
    assert f["violent_collection:first"] == pytest.approx(1 - 1 / 7)
    assert f["violent_collection:share"] == max(v for k, v in f.items() if k.endswith(":share") and not k.startswith("r:"))


def test_topic_cutoff_is_cross_validated():
    from analysis.lexicon import TOPIC_CODES
    from analysis.topics import RELEVANCE_HEAD, model
    from analysis.train_topics import CUTOFF_GRID

    m = model()
    assert m.cutoff[RELEVANCE_HEAD] == 0.5
    assert {m.cutoff[t] for t in TOPIC_CODES} == {m.params["meta"]["topic_cutoff"]}
    assert m.params["meta"]["topic_cutoff"] in CUTOFF_GRID


def test_learned_decision_carries_terms_and_sentences():
    from analysis.topics import model

    t = tags("#某贷爆雷# 平台逾期兑付半年，出借人集体报案，求关注！我们的血汗钱什么时候能回来？")
    assert t.relevant and {"platform_risk", "complaints"} <= set(t.topics)
    assert t.evidence["relevant"]["model"]["drivers"]
    for code in ("platform_risk", "complaints"):
        ev = t.evidence["topics"][code]
        assert ev["p"] >= model().cutoff[code] and ev["contributions"]
        assert all(any(term in s for s in ev["sentences"]) for term in list(ev["contributions"])[:1])


def test_p2p_context_needs_an_anchor_and_two_cue_groups():
    from analysis.relevance import p2p_context

    assert p2p_context("丰盈在线的出借人还有八万待收，平台已经停止回款。") == "丰盈在线"
    assert p2p_context("HengXin理财逾期了，本金还能回来吗") == "HengXin理财"
    assert p2p_context("那个平台的老板很有名。听说跑路了") is None  # one cue group, not in the anchor's sentence
    assert p2p_context("听说那个平台跑路了") == "平台"  # one sentence: anchor with a failure cue
    assert p2p_context("出借人的本金还没回来") is None  # no anchor
    assert p2p_context("某信托平台逾期，投资人的本金拿不回来") is None  # another investment (convention 2)


def test_appeal_to_authorities_is_complaints_evidence():
    from analysis.lexicon import Doc, load
    from analysis.topics import APPEAL_KEY, score_topics

    appeal = Doc.build("平台失联半年。恳请政府帮帮我们这些出借人！")
    scores, _hits = score_topics(appeal, load())
    assert scores["complaints"].terms.get(APPEAL_KEY) == 2.5
    notice = Doc.build("如遇可疑情况，请及时向公安机关报案，或拨打我行客服电话。")  # a bank's notice, not an appeal
    scores, _hits = score_topics(notice, load())
    assert APPEAL_KEY not in scores["complaints"].terms


def test_learned_layer_keeps_the_exclusions(monkeypatch):
    """A learned layer that accepts everything still cannot make relevant a text without an issue or one
    where off-topic signals dominate (TOPICS.md's exclusions)."""
    from analysis import tagger, topics
    from analysis.lexicon import TOPIC_CODES

    class AcceptAll:
        text = None  # no text head

        def decide(self, feats):
            return {h: (True, 0.99, {}) for h in (topics.RELEVANCE_HEAD, *TOPIC_CODES)}

    monkeypatch.setattr(topics, "model", lambda: AcceptAll())
    relevant, _topics, ev, _ = tagger.decide("京东白条和信用卡哪个更划算？白条免息期长，信用卡有积分。")
    assert not relevant and "issue score 0 <" in ev["reason"]
    stock = "A股收评：沪指收涨，某消费金融公司股价跌停，公告称逾期率上升。北向资金净卖出，板块普跌，港股恒指收跌。"
    relevant, _topics, ev, _ = tagger.decide(stock)
    assert not relevant and ev["reason"].endswith("off-topic signals dominate")
    crypto = "币圈又一家交易所跑路了，投资者提现不了，平台客服全部失联，报案也追不回来。"
    relevant, _topics, ev, _ = tagger.decide(crypto)
    assert not relevant and "off-topic signals and subject score" in ev["reason"]
    relevant, found, ev, _ = tagger.decide("鑫源财富逾期兑付快一年了，我们出借人的本金一分没回来，已经集体去经侦报案。")
    assert relevant and found == list(TOPIC_CODES) and "reason" not in ev


def test_own_labels_are_well_formed():
    import json

    from analysis.lexicon import TOPIC_CODES

    rows = [json.loads(line) for line in OWN.read_text(encoding="utf-8").splitlines() if line.strip()]
    train = [json.loads(line) for line in OWN_TRAIN.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 60 and len(train) >= 300
    assert sum(600 <= len(r["text"]) <= 1500 for r in train) >= 50
    assert {r["split"] for r in rows} == {"tune", "holdout"} and {r["split"] for r in train} == {"train"}
    assert len({r["id"] for r in rows + train}) == len(rows) + len(train)
    rows += train
    for r in rows:
        assert set(r["topics"]) <= set(TOPIC_CODES), r["id"]
        assert r["sentiment"] in {"negative", "neutral", "positive"}
        assert r["relevant"] or not r["topics"]
    covered = {t for r in rows for t in r["topics"]}
    assert covered == set(TOPIC_CODES)


# ------------------------------------------------------------------- the text head
# Written for these tests: a collection complaint that names no lexicon term the rules need.
PLAIN_COMPLAINT = "在“速速花”借了五千，到期那天晚上十点多还在不停打电话，换着号码打了三十多通，说再不还就通知我老家的亲戚。"


def test_text_head_accepts_what_the_rules_miss_with_evidence():
    t = tags(PLAIN_COMPLAINT)
    ev = t.evidence["relevant"]
    assert t.relevant, ev
    assert ev["accepted_by"].startswith("text head: p=")
    assert ev["text"]["p"] >= ev["text"]["cutoff"]
    assert ev["text"]["sentences"] == [PLAIN_COMPLAINT]
    assert ev["reason_rejected_before"]  # why the rules and the learned layer said no


def test_text_head_does_not_overrule_the_exclusions(monkeypatch):
    from analysis import tagger, topics
    from analysis.relevance_text import TextHead

    class Sure(TextHead):
        def decide(self, f):
            return 0.99, []

    m = topics.model()
    monkeypatch.setattr(m, "text", Sure(m.text.weights, m.text.bias, 0.6))
    crypto = "币圈又一家交易所跑路了，投资者提现不了，平台客服全部失联，报案也追不回来。"
    relevant, _topics, ev, _ = tagger.decide(crypto)
    assert not relevant and "accepted_by" not in ev
    relevant, _topics, ev, _ = tagger.decide("今天天气晴，适合出门散步。")  # no lending word at all
    assert not relevant and ev["scores"]["offtopic_dominates"]
    relevant, _topics, ev, _ = tagger.decide("网贷平台今天上线了新版本App，界面更简洁。")  # no exclusion applies
    assert relevant and ev["accepted_by"] == "text head: p=0.99 >= 0.6"


def test_text_head_trained_over_another_vocabulary_is_not_used(caplog):
    import numpy as np

    from analysis.relevance_text import load_head

    arrays = {"text_w": np.zeros(3, dtype=np.float32)}
    assert load_head(arrays, {"text_vocab": "not-this-one", "text_bias": 0.0, "text_cutoff": 0.6}) is None
    assert "another sentiment vocabulary" in caplog.text
    assert load_head({}, {}) is None


def test_text_head_training_features_are_the_scorers():
    """train_topics builds the text head's tf-idf rows itself; they must be the vectors the scorer dots."""
    import numpy as np

    from analysis import sentiment
    from analysis.train_topics import text_matrix

    texts = [PLAIN_COMPLAINT, SIDE_MENTION_TITLE + "\n" + SIDE_MENTION_BODY]
    x, digest = text_matrix(texts)
    model = sentiment.get_model()
    w = np.random.default_rng(0).normal(size=x.shape[1])
    assert digest == model.vocab_digest
    for row, text in zip(x, texts):
        assert (row @ w).item() == pytest.approx(model.doc_logits(model.features(text), [w])[0], rel=1e-9)


@pytest.mark.skipif(not texts_available(COLLECTION_TEXTS), reason="the collection-side texts are read from ../shared")
def test_fresh_holdout_floor():
    """300 real texts labelled blind by a second annotator after the first holdout had been studied
    (``collection_texts_holdout2.jsonl``), never trained or tuned on. Floors at the measured figures."""
    result = evaluate_topics(HERE / "fixtures" / "labels" / "collection_texts_holdout2.jsonl", split="holdout2")
    assert result["n"] == 300
    assert result["relevance"]["precision"] >= 0.63  # 0.652: adverts and platform PR still pass
    assert result["relevance"]["recall"] >= 0.89  # 0.915
    assert result["topics"]["micro_f1"] >= 0.82  # 0.842
