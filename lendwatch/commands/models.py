"""Model commands: rebuild the sentiment model or the topic layer, evaluate a model on a labeled file.

The CLI owner registers ``COMMANDS`` on the ``lendwatch`` group.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"]}
DEFAULT_DATA = Path("../shared/data/sentiment")


@click.command(
    "train-sentiment",
    context_settings=CONTEXT,
    short_help="Rebuild the sentiment model from the labeled CSVs.",
    epilog="Example:\n\n\b\n    lendwatch train-sentiment --data ../shared/data/sentiment --out analysis/models --seed 13",
)
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA,
              show_default=True, envvar="LENDWATCH_SENTIMENT_DATA",
              help="Folder with finnsp_train.csv and bdci2019news_train.csv (read, never copied).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder the model files are written to.  [default: the package's analysis/models]")
@click.option("--own", "own_file", type=click.Path(path_type=Path), default=None,
              help="Our own labels (JSON Lines: text, sentiment, split).  [default: analysis/data/sentiment_own.jsonl]")
@click.option("--collection", "collection_file", type=click.Path(path_type=Path), default=None,
              help="Our keyed labels of real collection-side texts; their train split is used when the texts "
                   "are in ../shared.  [default: tests/fixtures/labels/collection_texts.jsonl]")
@click.option("--seed", type=int, default=13, show_default=True, help="Seed of the validation split and folds.")
@click.option("--no-snownlp", is_flag=True, help="Skip the SnowNLP comparison (faster).")
def train_sentiment(data_dir: Path, out_dir: Path, own_file: Path | None, collection_file: Path | None, seed: int,
                    no_snownlp: bool) -> None:
    """Rebuild the sentiment model from the labeled CSVs and our own labels; print the validation figures.

    Holds out 20% of each training file (by near-duplicate groups) and our own file's
    validation rows, and reports accuracy, macro-F1, negative-vs-not macro-F1 and ROC-AUC
    on them, with SnowNLP's figures on the same texts for comparison.
    """
    from analysis.train_sentiment import COLLECTION_FILE, OWN_FILE, SETS, TrainingError, train

    missing = [data_dir / f"{name}_train.csv" for name in SETS if not (data_dir / f"{name}_train.csv").is_file()]
    if not data_dir.is_dir() or missing:
        where = data_dir if not data_dir.is_dir() else ", ".join(str(p) for p in missing)
        raise click.UsageError(f"training data not found: {where} (pass --data DIR)")
    own_file = own_file or OWN_FILE
    if not own_file.is_file():
        raise click.UsageError(f"own labels not found: {own_file} (pass --own FILE)")
    collection_file = collection_file or COLLECTION_FILE
    if not collection_file.is_file():
        raise click.UsageError(f"collection labels not found: {collection_file} (pass --collection FILE)")
    if out_dir is None:
        from analysis.sentiment import MODEL_PATH

        out_dir = MODEL_PATH.parent
    try:
        figures = train(data_dir, out_dir, seed=seed, snownlp=not no_snownlp, own=own_file, collection=collection_file)
    except TrainingError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
    _warn_if_text_head_is_stale(out_dir)


def _warn_if_text_head_is_stale(out_dir: Path) -> None:
    """The relevance text head's weights belong to the sentiment vocabulary it was trained over."""
    import numpy as np

    from analysis.sentiment import SentimentModel
    from analysis.topics import MODEL_PATH as TOPICS_PATH

    topics_file = Path(out_dir) / TOPICS_PATH.name
    if not topics_file.is_file():
        return
    with np.load(topics_file, allow_pickle=False) as f:
        trained_over = json.loads(bytes(f["params"]).decode("utf-8")).get("text_vocab")
    if trained_over and trained_over != SentimentModel.load(Path(out_dir) / "sentiment.npz").vocab_digest:
        click.echo(f"note: the relevance text head in {topics_file} was trained over the previous vocabulary "
                   "and is not used until you run `lendwatch train-topics`", err=True)


@click.command(
    "evaluate",
    context_settings=CONTEXT,
    short_help="Score a model on a labeled CSV or JSONL file.",
    epilog="Example:\n\n\b\n    lendwatch evaluate --task sentiment ../shared/data/sentiment/finnsp_test.csv",
)
@click.option("--task", type=click.Choice(["sentiment", "topics"]), default="sentiment", show_default=True,
              help="Which model to evaluate.")
@click.option("--split", default=None, help="Only the JSONL rows whose `split` is this (e.g. holdout).")
@click.argument("file", type=click.Path(path_type=Path))
def evaluate(task: str, split: str | None, file: Path) -> None:
    """Score a model on a labeled CSV or JSONL file and print its figures.

    sentiment: CSV with text,label,label3, JSONL with text,sentiment, or a folder of
    sample-site articles (lendwatch/sandbox/articles); prints
    accuracy, macro-F1 (three-class when the file has three classes), negative-vs-not
    macro-F1 and ROC-AUC of p_negative.
    """
    from analysis import evaluate as ev
    from analysis.evaluate_topics import evaluate_topics

    if not file.exists():
        raise click.UsageError(f"no such file: {file}")
    func = ev.evaluate_sentiment if task == "sentiment" else evaluate_topics
    try:
        figures = func(file, split)
    except (ev.EvaluationError, ValueError) as exc:
        raise click.UsageError(f"{file}: {exc}") from exc
    click.echo(json.dumps(figures, indent=2, ensure_ascii=False))


@click.command(
    "train-topics",
    context_settings=CONTEXT,
    short_help="Rebuild the learned relevance/topic layer from the labelled texts.",
    epilog="Example:\n\n\b\n    lendwatch train-topics --out analysis/models --seed 13",
)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder topics.npz is written to.  [default: the package's analysis/models]")
@click.option("--seed", type=int, default=13, show_default=True, help="Seed of the cross-validation folds.")
def train_topics(out_dir: Path | None, seed: int) -> None:
    """Rebuild the learned relevance/topic layer (topics.npz) and print its cross-validation figures.

    Trains on tests/fixtures/labels (own_topics.jsonl split tune, own_train.jsonl, finnsp_topics.jsonl
    split train) and ../shared/data/topics-dev; the holdout splits are never read. The real posts' texts
    are read from ../shared (or $LENDWATCH_SHARED) and left out when it is missing.  LEXICON_VERSION
    hashes the new file, so stored analyses show up as stale.
    """
    from analysis import train_topics as tt

    if out_dir is None:
        from analysis.topics import MODEL_PATH

        out_dir = MODEL_PATH.parent
    try:
        figures = tt.train(out_dir, seed=seed)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"training the topic layer failed: {exc}") from exc
    click.echo(json.dumps(figures, indent=2, ensure_ascii=False))


COMMANDS = [train_sentiment, evaluate, train_topics]
