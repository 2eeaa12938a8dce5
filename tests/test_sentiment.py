"""Sentiment model: shipped-model behaviour (offline), training determinism, evaluation, CLI."""

from __future__ import annotations

import csv
import json
import time
import warnings
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner

from analysis import sentiment
from analysis.evaluate import evaluate_sentiment, read_labeled
from analysis.keyed_labels import texts_available
from analysis.sentiment import MODEL_PATH, Sentiment, SentimentModel, score
from analysis.sentiment_text import normalize, normalize_spans, sentence_spans

REPO = Path(__file__).resolve().parents[1]
OWN = REPO / "analysis" / "data" / "sentiment_own.jsonl"
SAMPLE_ARTICLES = REPO / "lendwatch" / "sandbox" / "articles"
LABELS = REPO / "tests" / "fixtures" / "labels"
SHARED_DATA = REPO.parent / "shared" / "data" / "sentiment"
needs_shared = pytest.mark.skipif(
    not (SHARED_DATA / "finnsp_train.csv").is_file(), reason="../shared/data/sentiment not present"
)

# Texts written for these tests.
NEGATIVE = [
    "催收人员辱骂威胁借款人，并将其照片发到亲友群，借款人不堪其扰，精神几近崩溃。",
    "这家网贷平台暴力催收，爆通讯录，骚扰借款人的家人和同事，多名借款人被逼无奈借新还旧。",
    "平台涉嫌非法集资，老板跑路，数千名出借人血本无归，至今维权无门。",
]
NOT_NEGATIVE = [
    "该平台本月成交额为712万元，较上月增加10%。",
    "公司积极整改，投诉量大幅下降，用户满意度明显提升，获得表彰。",
    "银保监会表示，将加强对互联网贷款的监管，保护消费者权益。",
]
NEUTRAL_SENTENCES = [
    "记者从市金融办获悉，本市共有小额贷款公司四十二家。",
    "该公司成立于二零一五年，注册资本五千万元，主要从事消费金融业务。",
    "根据公告，平台将于下周一进行系统升级，届时部分功能暂停使用。",
    "业内人士介绍，消费贷款的期限一般为三到十二个月。",
    "数据显示，上半年全国消费信贷余额保持增长。",
]


def _article(n_chars: int) -> str:
    paras, i, size = [], 0, 0
    while size < n_chars:
        pool = NEUTRAL_SENTENCES if i % 4 else NEGATIVE
        paras.append(pool[i % len(pool)])
        size += len(paras[-1]) + 1
        i += 1
    return "\n".join(paras)


# -- shipped model ----------------------------------------------------------------------
def test_model_file_small_and_loads_without_pickle():
    assert MODEL_PATH.is_file()
    assert MODEL_PATH.stat().st_size < 2_000_000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.load(MODEL_PATH, allow_pickle=False) as f:
            assert {"vocab", "idf", "w_neg", "w_pos", "params"} <= set(f.files)
        model = SentimentModel.load(MODEL_PATH)
    assert model.vocab_size == len(model.idf) == len(model.w_neg) == len(model.w_pos)


def test_version_is_a_string():
    assert isinstance(sentiment.SENTIMENT_VERSION, str) and sentiment.SENTIMENT_VERSION


@pytest.mark.parametrize("text", NEGATIVE)
def test_clearly_negative(text):
    r = score(text)
    assert isinstance(r, Sentiment)
    assert r.label == "negative"
    assert 0.5 < r.p_negative < 1.0
    assert 1 <= len(r.evidence) <= 3
    assert all(e in text for e in r.evidence)


@pytest.mark.parametrize("text", NOT_NEGATIVE)
def test_clearly_not_negative(text):
    r = score(text)
    assert r.label in ("neutral", "positive")
    assert r.p_negative < 0.5
    assert r.evidence == []


def test_clearly_positive_label():
    r = score("为你们点赞！社区志愿者帮助老人识别网贷陷阱，获评优秀志愿服务项目。")
    assert r.label == "positive"
    assert r.p_negative < 0.2


# Known gap, kept visible: finnsp calls any "negative information about a financial entity"
# negative (a case registered, funds frozen), while TOPICS.md calls such a bulletin neutral; our own
# labelled texts (analysis/data/sentiment_own.jsonl) are too few to outweigh it.
@pytest.mark.xfail(reason="finnsp labels enforcement bulletins negative; TOPICS.md says neutral", strict=False)
def test_enforcement_bulletin_is_neutral():
    assert score("某网贷平台被立案侦查，警方已冻结涉案资金3000万元。").label == "neutral"


def test_victim_made_whole_is_positive():
    r = score("在监管部门的帮助下，王女士拿回了被骗的全部资金，生活重回正轨。")
    assert r.label == "positive" and r.p_negative < 0.5


def test_in_domain_floor_on_sample_articles():
    """Quality gate on the team's 150 sample-site articles (never used in training)."""
    fig = evaluate_sentiment(SAMPLE_ARTICLES)
    assert fig["n"] == 150 and fig["model"] == sentiment.SENTIMENT_VERSION
    assert fig["neg_vs_not_macro_f1"] >= 0.75  # 0.771 with charnb-lr-3 (0.782 with -2; 0.680 before our own labels)
    assert fig["macro_f1"] >= 0.60  # 0.638 (0.647; 0.452 before)
    assert fig["f1_per_class"]["positive"] >= 0.45  # 0.491 (0.525; 0.069 before)


def test_floors_on_blind_and_bulletin_sets():
    """Texts we wrote and never trained on: the blind set (written without seeing the models) and short
    bulletins, where a plain enforcement notice should be neutral."""
    blind = evaluate_sentiment(LABELS / "own_blind.jsonl")
    assert blind["n"] == 90
    assert blind["neg_vs_not_macro_f1"] >= 0.80  # 0.860 with charnb-lr-3 (0.844 with -2)
    assert blind["macro_f1"] >= 0.67  # 0.689 (0.729 with -2: the real collection-side rows cost positives)
    bulletins = evaluate_sentiment(LABELS / "own_sentiment_bulletins.jsonl")
    assert bulletins["n"] == 80
    assert bulletins["macro_f1"] >= 0.70  # 0.722 (0.781 with -2); neutral bulletins still come out negative


@pytest.mark.skipif(not texts_available("data/collection-texts/ccf2019_finentity.jsonl"),
                    reason="the collection-side texts are read from ../shared")
def test_floor_on_collection_holdout():
    """391 real collection-side texts labelled by us, split from the training texts by origin."""
    fig = evaluate_sentiment(LABELS / "collection_texts.jsonl", split="holdout")
    assert fig["n"] >= 380
    assert fig["neg_vs_not_macro_f1"] >= 0.74  # 0.761 (0.839 on its ccf2019 texts, 0.508 on bbt_fincuge news)
    assert fig["roc_auc"] >= 0.83  # 0.858


# -- our own labelled texts ---------------------------------------------------------------
def test_own_labels_file_is_well_formed():
    rows = [json.loads(line) for line in OWN.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 250
    assert len({r["id"] for r in rows}) == len({r["text"] for r in rows}) == len(rows)
    assert all(100 <= len(r["text"]) <= 1200 for r in rows)
    splits = {(r["sentiment"], r["split"]) for r in rows}
    assert splits == {(label, split) for label in ("negative", "neutral", "positive")
                      for split in ("train", "validation")}
    assert 0.15 <= sum(r["split"] == "validation" for r in rows) / len(rows) <= 0.25


def test_read_own_reports_bad_rows(tmp_path):
    from analysis.train_sentiment import TrainingError, read_own

    bad = tmp_path / "own.jsonl"
    bad.write_text('{"text": "x", "sentiment": "negative", "split": "train"}\n'
                   '{"text": "y", "sentiment": "bad", "split": "train"}\n', encoding="utf-8")
    with pytest.raises(TrainingError, match=r"own.jsonl:2: sentiment must be"):
        read_own(bad)
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(TrainingError, match=r"own.jsonl:1: expected an object"):
        read_own(bad)
    with pytest.raises(TrainingError, match="own labels missing"):
        read_own(tmp_path / "missing.jsonl")


def test_negative_scores_above_not_negative():
    assert min(score(t).p_negative for t in NEGATIVE) > max(score(t).p_negative for t in NOT_NEGATIVE)


def test_long_article_not_saturated_and_evidence_quoted():
    text = _article(3000)
    assert len(text) >= 3000
    r = score(text)
    assert 0.0 < r.p_negative < 1.0
    assert 0.02 < r.p_negative < 0.999
    assert r.label == "negative"
    assert 1 <= len(r.evidence) <= 3
    for e in r.evidence:
        assert e in text
    # the evidence comes from the negative sentences, not the neutral filler
    assert any(any(neg in e or e in neg for neg in NEGATIVE) for e in r.evidence)


@pytest.mark.parametrize("text", ["", "   \n\t ", "Hello world, this is an English sentence.", "12345 !!! ???"])
def test_empty_and_non_chinese_are_neutral(text):
    r = score(text)
    assert r.label == "neutral"
    assert r.p_negative == 0.5
    assert r.evidence == []


def test_none_does_not_crash():
    assert score(None).label == "neutral"  # type: ignore[arg-type]


def test_two_megabyte_text_is_bounded():
    text = _article(2_000_000)
    start = time.perf_counter()
    r = score(text)
    assert time.perf_counter() - start < 3.0
    assert 0.0 <= r.p_negative <= 1.0
    assert all(e in text for e in r.evidence)


def test_deterministic():
    """Speed is measured by bench/analysis_bench.py, not here."""
    text = _article(1500)[:1500]
    assert score(text) == score(text)


def test_sentence_spans_are_slices_and_cover_text():
    text = "第一句。短。\n第二段很长" + "，内容" * 120 + "。最后"
    spans = sentence_spans(text)
    assert spans and spans[0][0] == 0
    for (s, e), (s2, _) in zip(spans, spans[1:]):
        assert e == s2
    assert "".join(text[s:e] for s, e in spans).strip() == text.strip()
    assert all(e - s <= 240 for s, e in spans)


def test_normalize():
    assert normalize("ＡＢＣ１２３ 借款？？？") == "abc0 借款"


def test_normalize_spans_equals_per_sentence_normalize():
    """Scoring normalises the whole text at once; training normalises sentence by sentence."""
    texts = [_article(1500), "ＡＢ　１２ ？？ 借款 x。 好的 ！ 第二句话在这里。", "  a  。 b\n\n c", *NEGATIVE]
    texts += [json.loads(line)["text"] for line in OWN.read_text(encoding="utf-8").splitlines()[:50]]
    for text in texts:
        spans = sentence_spans(text)
        assert normalize_spans(text, spans) == "\x00".join(normalize(text[s:e]) for s, e in spans)


# -- evaluation -------------------------------------------------------------------------
def test_evaluate_sentiment_jsonl_and_csv(tmp_path):
    jl = tmp_path / "labels.jsonl"
    rows = [{"text": t, "sentiment": "negative"} for t in NEGATIVE] + [
        {"text": NOT_NEGATIVE[0], "sentiment": "neutral"},
        {"text": NOT_NEGATIVE[1], "sentiment": "positive"},
    ]
    jl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    fig = evaluate_sentiment(jl)
    assert fig["n"] == 5 and fig["three_class"] is True
    assert fig["neg_vs_not_macro_f1"] == 1.0 and fig["roc_auc"] == 1.0
    assert 0 <= fig["macro_f1"] <= 1

    cs = tmp_path / "labels.csv"
    with cs.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label", "label3"])
        for t in NEGATIVE:
            w.writerow([t, 0, "neg"])
        for t in NOT_NEGATIVE:
            w.writerow([t, 1, "nonneg"])
    fig = evaluate_sentiment(cs)
    assert fig["three_class"] is False and fig["macro_f1"] is None
    assert fig["neg_vs_not_macro_f1"] == 1.0
    assert len(read_labeled(cs)) == 6


def test_evaluate_sentiment_article_folder(tmp_path):
    body = "+++\ntitle = \"{title}\"\nsentiment = \"{label}\"\n+++\n{text}\n"
    (tmp_path / "001-a.md").write_text(body.format(title="催收", label="negative", text=NEGATIVE[0]), encoding="utf-8")
    (tmp_path / "002-b.md").write_text(body.format(title="数据", label="neutral", text=NOT_NEGATIVE[0]), encoding="utf-8")
    (tmp_path / "003-c.md").write_text("+++\ntitle = \"x\"\n+++\n正文\n", encoding="utf-8")  # unlabelled: skipped
    fig = evaluate_sentiment(tmp_path)
    assert fig["n"] == 2 and fig["three_class"] is True and fig["neg_vs_not_macro_f1"] == 1.0


# -- training ---------------------------------------------------------------------------
def _write_set(path: Path, rows: list[tuple[str, int, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label", "label3"])
        w.writerows(rows)


def _synthetic(tmp_path: Path) -> Path:
    bad = ["暴力催收", "威胁恐吓", "非法集资", "老板跑路", "逾期罚息过高", "骚扰家人"]
    good = ["顺利结清", "全额退款", "获得赔偿", "调解成功", "减免罚息", "获评诚信企业"]
    neutral = ["发布公告", "召开会议", "公布数据", "系统升级", "成交额增加", "新增用户"]
    who = ["某平台", "一家小贷公司", "该网贷机构", "一家消费金融公司", "某催收公司"]
    finnsp, bdci = [], []
    for i, w in enumerate(who):
        for j, b in enumerate(bad):
            finnsp.append((f"{w}第{i}{j}号案件：{b}，借款人损失惨重。", 0, "neg"))
            bdci.append((f"{w}{b}引发关注{j}", 0, "neg"))
        for j, (g, n) in enumerate(zip(good, neutral)):
            finnsp.append((f"{w}第{i}{j}期报告：{n}，运营正常。", 1, "nonneg"))
            bdci.append((f"{w}{g}群众点赞{j}", 1, "pos"))
            bdci.append((f"{w}{n}情况通报{j}", 1, "neu"))
    d = tmp_path / "data"
    d.mkdir()
    _write_set(d / "finnsp_train.csv", finnsp)
    _write_set(d / "bdci2019news_train.csv", bdci)
    own = [{"text": f"{w}被立案侦查，警方冻结资金{j}万元，案件正在侦办。", "sentiment": "neutral"} for j, w in enumerate(who)]
    own += [{"text": f"{w}退还多收费用，借款人拿回全部资金{j}次。", "sentiment": "positive"} for j, w in enumerate(who)]
    own += [{"text": f"{w}催收人员辱骂威胁借款人，骚扰家人{j}天。", "sentiment": "negative"} for j, w in enumerate(who)]
    with (d / "own.jsonl").open("w", encoding="utf-8") as f:
        for i, r in enumerate(own):
            f.write(json.dumps({**r, "split": "validation" if i % 5 == 0 else "train"}, ensure_ascii=False) + "\n")
    return d


def _same_model(a: Path, b: Path) -> None:
    with np.load(a, allow_pickle=False) as fa, np.load(b, allow_pickle=False) as fb:
        assert fa.files == fb.files
        for k in fa.files:
            assert np.array_equal(fa[k], fb[k]), k


def test_training_is_deterministic_on_synthetic_data(tmp_path):
    from analysis.train_sentiment import MODEL_FILE, train

    data = _synthetic(tmp_path)
    f1 = train(data, tmp_path / "a", seed=5, snownlp=False, own=data / "own.jsonl")
    f2 = train(data, tmp_path / "b", seed=5, snownlp=False, own=data / "own.jsonl")
    _same_model(tmp_path / "a" / MODEL_FILE, tmp_path / "b" / MODEL_FILE)
    f1.pop("seconds"), f2.pop("seconds"), f1.pop("model_file"), f2.pop("model_file")
    assert f1 == f2
    assert set(f1["validation"]) == {"finnsp", "bdci2019news", "own"}
    assert f1["files"]["own"]["rows"] == 15 and f1["files"]["own"]["valid_rows"] == 3
    assert f1["validation"]["own"]["n"] == 3
    without = train(data, tmp_path / "c", seed=5, snownlp=False, own=None)
    assert set(without["validation"]) == {"finnsp", "bdci2019news"}
    model = SentimentModel.load(tmp_path / "a" / MODEL_FILE)
    assert model.score("某平台暴力催收，威胁恐吓借款人。").p_negative > 0.5


def test_training_missing_file_is_reported(tmp_path):
    from analysis.train_sentiment import TrainingError, train

    with pytest.raises(TrainingError, match="finnsp_train.csv"):
        train(tmp_path, tmp_path / "out", snownlp=False)


@needs_shared
def test_training_is_deterministic_on_a_real_subset(tmp_path):
    from analysis.train_sentiment import MODEL_FILE, SETS, train

    d = tmp_path / "subset"
    d.mkdir()
    for name in SETS:
        with (SHARED_DATA / f"{name}_train.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        _write_set(d / f"{name}_train.csv", [tuple(r) for r in rows[1:151]])
    train(d, tmp_path / "a", seed=13, snownlp=False, own=None)
    train(d, tmp_path / "b", seed=13, snownlp=False, own=None)
    _same_model(tmp_path / "a" / MODEL_FILE, tmp_path / "b" / MODEL_FILE)


@needs_shared
def test_shipped_model_separates_shared_data():
    """Sanity floor on the first rows of the training files (mostly seen in training)."""
    fig = evaluate_sentiment(SHARED_DATA / "finnsp_train.csv")
    assert fig["roc_auc"] > 0.95


# -- CLI --------------------------------------------------------------------------------
@pytest.fixture()
def cli():
    from lendwatch.commands.models import COMMANDS

    return click.Group("lendwatch", commands={c.name: c for c in COMMANDS})


@pytest.mark.parametrize("command", ["train-sentiment", "evaluate"])
def test_cli_help(cli, command):
    result = CliRunner().invoke(cli, [command, "-h"])
    assert result.exit_code == 0
    assert "Example" in result.output and "lendwatch " + command in result.output
    assert cli.commands[command].get_short_help_str()


def test_cli_train_missing_data_exits_2(cli, tmp_path):
    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(cli, ["train-sentiment", "--data", str(missing)])
    assert result.exit_code == 2
    assert str(missing) in result.output


def test_cli_evaluate(cli, tmp_path):
    jl = tmp_path / "x.jsonl"
    jl.write_text(
        "\n".join(json.dumps({"text": t, "sentiment": s}, ensure_ascii=False)
                  for t, s in [(NEGATIVE[0], "negative"), (NOT_NEGATIVE[0], "neutral")]),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["evaluate", "--task", "sentiment", str(jl)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["n"] == 2
    assert CliRunner().invoke(cli, ["evaluate", str(tmp_path / "missing.csv")]).exit_code == 2


def test_cli_train_missing_own_exits_2(cli, tmp_path):
    data = _synthetic(tmp_path)
    result = CliRunner().invoke(cli, ["train-sentiment", "--data", str(data), "--own", str(tmp_path / "no.jsonl")])
    assert result.exit_code == 2
    assert "own labels not found" in result.output


def test_cli_train_warns_that_the_text_head_needs_retraining(cli, tmp_path):
    """A new vocabulary leaves the relevance text head (trained over the old one) unused: say so."""
    import shutil

    from analysis.topics import MODEL_PATH as TOPICS_PATH

    data = _synthetic(tmp_path)
    out = tmp_path / "models"
    out.mkdir()
    shutil.copy(TOPICS_PATH, out / TOPICS_PATH.name)
    result = CliRunner().invoke(cli, ["train-sentiment", "--data", str(data), "--own", str(data / "own.jsonl"),
                                      "--out", str(out), "--no-snownlp"])
    assert result.exit_code == 0, result.output
    assert "run `lendwatch train-topics`" in result.output
