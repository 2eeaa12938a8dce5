"""The one vocabulary and the one ``/articles`` filter contract."""

import tomllib

import pytest

from analysis import entities, lexicon
from lendwatch import segment, vocabulary
from reports import filters
from reports.browse import queries


def test_every_topic_code_in_the_lexicon_data_is_in_the_vocabulary():
    used = {line.split("\t")[0].strip() for line in (lexicon.DATA_DIR / "topic_terms.tsv").read_text("utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")}
    rules = tomllib.loads((lexicon.DATA_DIR / "rules.toml").read_text("utf-8"))
    used |= set(rules["topics"].get("thresholds", {}))
    assert used <= set(vocabulary.TOPIC_CODES)
    assert set(lexicon.load().topic_matcher.terms)  # the lexicon loads against the vocabulary


def test_entity_kinds_are_the_ones_analysis_writes():
    assert [k for k in entities.entities("") if k != "lender_evidence"] == list(vocabulary.ENTITIES)


def test_segmenter_dictionary_holds_every_lexicon_term():
    lex = lexicon.load()
    terms = set(lex.topic_weights) | set(lex.subject) | {a for names in lex.gazetteer.values() for a in names}
    assert terms <= segment.domain_words()


def test_months():
    assert vocabulary.parse_month("2024-09") == (2024, 9)
    assert vocabulary.shift_month("2024-01", -1) == "2023-12"
    assert vocabulary.month_span("2024-11", "2025-01") == ["2024-11", "2024-12", "2025-01"]
    assert vocabulary.month_label("2024-09") == "2024年9月"
    for bad in ("2024-13", "2024-9", "202409", None):
        assert not vocabulary.is_month(bad)
        with pytest.raises(ValueError, match="YYYY-MM"):
            vocabulary.parse_month(bad)


def test_filter_contract_round_trip():
    assert filters.query(month="2024-09", relevant=True, topic="regulation") == "month=2024-09&relevant=1&topic=regulation"
    assert filters.query(from_="2024-09-01", to="2024-09-01", outlet="") == "from=2024-09-01&to=2024-09-01"
    with pytest.raises(ValueError, match="not a list parameter: topics"):
        filters.query(topics="regulation")
    f = filters.Filters.parse({"month": ["2024-09"], "relevant": ["1"], "lender": ["示例贷"], "sort": ["reach"]})
    assert filters.Filters.parse({k: [v] for k, v in f.params()}) == f
    assert set(queries.SORTS) == set(filters.SORTS)


def test_figures_link_to_a_target_or_stay():
    html = (b'<span class="fig" data-browse="month=2024-09&amp;relevant=1"><a class="n" href="#f2">12</a></span>'
            b'<span class="fig" data-browse="source=s"><a class="n">3</a></span>')
    linked = filters.link_figures(html, lambda q: "list?" + q if "month" in q else None)
    assert linked == html.replace(b'href="#f2"', b'href="list?month=2024-09&amp;relevant=1"')
