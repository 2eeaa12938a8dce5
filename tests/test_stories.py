"""Repost grouping on the sample site's stories: all reposts grouped, nothing wrongly merged."""

from collections import defaultdict

from analysis import stories
from analysis.normalize import normalize
from lendwatch.sandbox.articles import load


def test_sample_reposts_grouped_and_nothing_else_merged():
    articles = sorted(load(), key=lambda a: (a.published, a.number))
    rows = [(a.number, a.published.isoformat(), stories.signature(normalize(f"{a.title}\n{a.text}")))
            for a in articles]
    story_of = stories.group(rows)
    groups = defaultdict(set)
    for number, story in story_of.items():
        groups[story].add(number)
    labelled = defaultdict(set)
    for a in articles:
        labelled[a.story or f"alone-{a.number}"].add(a.number)
    assert len([s for s in labelled if s.startswith("s")]) >= 4
    assert sorted(map(sorted, groups.values())) == sorted(map(sorted, labelled.values()))
    # the story id is the earliest article (the origin)
    by_number = {a.number: a for a in articles}
    for story, members in groups.items():
        assert by_number[story].published == min(by_number[m].published for m in members)


def test_short_texts_are_stories_of_their_own():
    assert stories.signature("") is None and stories.signature("短讯") is None
    long = "网贷平台逾期后催收人员频繁致电借款人亲友，借款人向监管部门投诉并报警处理。" * 3
    assert len(stories.signature(long)) == stories.NUM_PERM * 4
    group = stories.group([(1, None, None), (2, None, None), (3, "2024", stories.signature(long)),
                           (4, "2025", stories.signature(long))])
    assert group == {1: 1, 2: 2, 3: 3, 4: 3}
