"""The measured figures shipped with the models belong to the models shipped."""

from analysis.quality import model_figures
from analysis.sentiment import SENTIMENT_VERSION
from analysis.tagger import LEXICON_VERSION


def test_figures_are_for_the_current_model_versions():
    figures = {m["name"]: m for m in model_figures()}
    assert figures["sentiment"]["version"] == SENTIMENT_VERSION, "re-measure and update metrics.json"
    assert figures["topics"]["version"] == LEXICON_VERSION, "re-measure and update metrics.json"
    for model in figures.values():
        assert model["metrics"] and all(0 <= v <= 1 for v in model["metrics"].values())
        assert model["measured_on"]
