"""Labels of third-party texts kept by key: joined to their texts at evaluation time, clear errors otherwise."""

import json

import pytest

from analysis.evaluate_topics import evaluate_topics
from analysis.keyed_labels import MissingTexts, attach_texts, text_key

SOURCE = "data/sentiment/posts_train.csv"
# Written for this test, standing in for third-party posts.
RELEVANT = "网贷平台逾期兑付半年，出借人集体到经侦报案，要求立案追回本金。"
OTHER = "今日沪指震荡上行，券商板块领涨，两市成交额超过八千亿元。"


@pytest.fixture
def shared(tmp_path, monkeypatch):
    root = tmp_path / "shared"
    (root / "data" / "sentiment").mkdir(parents=True)
    (root / SOURCE).write_text(f"text,label,label3\n{RELEVANT},0,neg\n{OTHER},1,nonneg\n", encoding="utf-8")
    monkeypatch.setenv("LENDWATCH_SHARED", str(root))
    return root


def keyed_file(tmp_path, rows):
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_keyed_rows_get_their_texts(shared, tmp_path):
    rows = [{"key": text_key(OTHER), "source": SOURCE, "relevant": False},
            {"text": "自带文本", "relevant": False}]
    out = attach_texts(rows, "labels.jsonl")
    assert [r["text"] for r in out] == [OTHER, "自带文本"]
    assert "text" not in rows[0]  # the input rows are left as they were


def test_evaluation_reads_keyed_labels(shared, tmp_path):
    path = keyed_file(tmp_path, [
        {"key": text_key(RELEVANT), "source": SOURCE, "split": "holdout", "relevant": True,
         "topics": ["platform_risk", "complaints"]},
        {"key": text_key(OTHER), "source": SOURCE, "split": "train", "relevant": False, "topics": []},
    ])
    result = evaluate_topics(path, split="holdout")
    assert result["n"] == 1
    assert result["relevance"]["tp"] == 1  # the joined text was tagged: an empty text is never relevant


def test_missing_csv_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("LENDWATCH_SHARED", str(tmp_path / "nowhere"))
    with pytest.raises(MissingTexts, match=r"labels\.jsonl: row 1 .*posts_train\.csv.*LENDWATCH_SHARED"):
        attach_texts([{"key": "0123456789ab", "source": SOURCE}], "labels.jsonl")


def test_unknown_key_is_an_error(shared):
    with pytest.raises(MissingTexts, match="no text with key ffffffffffff"):
        attach_texts([{"key": "ffffffffffff", "source": SOURCE}], "labels.jsonl")


def test_agreement_scores_a_second_annotator(tmp_path):
    from analysis.evaluate_topics import agreement

    first = tmp_path / "first.jsonl"
    first.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [
        {"id": "a", "text": RELEVANT, "relevant": True, "topics": ["platform_risk", "complaints"]},
        {"id": "b", "text": OTHER, "relevant": False, "topics": []},
        {"id": "c", "text": RELEVANT, "relevant": True, "topics": ["platform_risk"]},
    ]), encoding="utf-8")
    second = tmp_path / "second.jsonl"  # no texts needed; "c" is not labelled, "d" is not in the first file
    second.write_text("".join(json.dumps(r) + "\n" for r in [
        {"id": "a", "relevant": True, "topics": ["platform_risk"]},
        {"id": "b", "relevant": True, "topics": ["complaints"]},
        {"id": "d", "relevant": True, "topics": []},
    ]), encoding="utf-8")
    result = agreement(first, second)
    assert result["n"] == 2
    assert {k: result["relevance"][k] for k in ("tp", "fp", "fn", "tn")} == {"tp": 1, "fp": 1, "fn": 0, "tn": 0}
    assert (result["topics"]["tp"], result["topics"]["fp"], result["topics"]["fn"]) == (1, 0, 1)
    assert result["relevance"]["kappa"] == 0.0  # 50% agreement, as expected by chance


def test_jsonl_sources_give_text_and_title(tmp_path, monkeypatch):
    root = tmp_path / "shared"
    (root / "data" / "collection-texts").mkdir(parents=True)
    source = "data/collection-texts/posts.jsonl"
    (root / source).write_text(
        json.dumps({"id": "p-1", "text": RELEVANT, "title": "出借人报案"}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "p-2", "text": OTHER, "title": None}, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setenv("LENDWATCH_SHARED", str(root))
    out = attach_texts([{"key": text_key(RELEVANT), "source": source}, {"key": text_key(OTHER), "source": source}],
                       "labels.jsonl")
    assert [(r["text"], r.get("title")) for r in out] == [(RELEVANT, "出借人报案"), (OTHER, None)]


def test_sentiment_evaluation_reads_keyed_labels_of_one_split(shared, tmp_path):
    from analysis.evaluate import read_labeled

    path = keyed_file(tmp_path, [
        {"key": text_key(RELEVANT), "source": SOURCE, "split": "holdout", "sentiment": "negative"},
        {"key": text_key(OTHER), "source": SOURCE, "split": "train", "sentiment": "neutral"},
    ])
    assert read_labeled(path, "holdout") == [(RELEVANT, True, "negative")]
    assert len(read_labeled(path)) == 2


def test_collection_labels_are_well_formed():
    """Our labels of real collection-side texts: keys only, split by origin, a second pass on a fifth."""
    from pathlib import Path

    from analysis.lexicon import TOPIC_CODES

    labels = Path(__file__).parent / "fixtures" / "labels"
    rows = [json.loads(x) for x in (labels / "collection_texts.jsonl").read_text(encoding="utf-8").splitlines()]
    second = [json.loads(x) for x in (labels / "collection_texts_second.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 600 and len({r["key"] for r in rows}) == len(rows)
    assert all("text" not in r and r["source"].startswith("data/collection-texts/") for r in rows)
    for r in rows:
        assert r["split"] in ("train", "holdout") and r["sentiment"] in ("negative", "neutral", "positive")
        assert set(r["topics"]) <= set(TOPIC_CODES) and (r["relevant"] or not r["topics"])
    holdout_origins = {r["source"] for r in rows if r["split"] == "holdout"}
    assert "data/collection-texts/online_shopping_lookalike.jsonl" not in holdout_origins
    assert {r["key"] for r in second} <= {r["key"] for r in rows} and len(second) >= len(rows) // 5
