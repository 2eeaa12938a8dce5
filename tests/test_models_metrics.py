"""The measured figures shipped with the models belong to the models shipped."""

from analysis.quality import model_figures
from analysis.sentiment import SENTIMENT_VERSION
from analysis.tagger import LEXICON_VERSION


def test_figures_are_for_the_current_model_versions():
    figures = {m["name"]: m for m in model_figures()}
    assert figures["sentiment"]["version"] == SENTIMENT_VERSION, "re-measure and update metrics.json"
    assert figures["topics"]["version"] == LEXICON_VERSION, "re-measure and update metrics.json"
    for model in figures.values():
        figures = {k: v for k, v in model["metrics"].items() if isinstance(v, (int, float))}
        assert figures and all(0 <= v <= 1 for v in figures.values())
        assert all(len(cells) == 4 and min(cells) >= 0 for cells in model["metrics"]["confusion"].values())
        assert model["measured_on"] and model["metrics"]["confusion_on"]
