"""Keyword theme coding and the triangulation of themes with scores, worked by hand."""

import pandas as pd
import pytest

from svcworkbook.analysis import themes

# --------------------------------------------------------------------------- themes


def test_keywords_match_whole_words_ignoring_case():
    coded = themes.code_themes(
        ["I WAITED ages", "Happy with the apple", "the app crashed", "await", None],
        {"waiting time": ["wait*"], "website and app": ["app"]},
    )
    assert coded["waiting time"].tolist() == [True, False, False, False, False]
    assert coded["website and app"].tolist() == [False, False, True, False, False]
    assert coded["themes"].tolist() == ["waiting time", "", "website and app", "", ""]


def test_default_keywords_code_typical_comments():
    coded = themes.code_themes(
        [
            "Kept on hold for 40 minutes",
            "The agent was rude and never called back",
            "I was overcharged on my bill",
        ]
    )
    assert coded["themes"].tolist() == [
        "waiting time",
        "staff attitude; communication",
        "billing and price",
    ]


def test_phrases_match_across_spaces_only_as_whole_phrases():
    coded = themes.code_themes(["on   hold again", "holding on"], {"waiting time": ["on hold"]})
    assert coded["waiting time"].tolist() == [True, False]


def test_bad_keyword_lists_are_explained():
    with pytest.raises(ValueError, match="list of keywords"):
        themes.code_themes(["x"], {"waiting time": "wait*"})
    with pytest.raises(ValueError, match="reserved"):
        themes.code_themes(["x"], {"comment": ["x"]})


def test_no_comments_give_an_empty_table():
    coded = themes.code_themes([], {"waiting time": ["wait*"]})
    assert coded.empty and list(coded.columns) == ["comment", "themes", "waiting time"]


def test_triangulation_worked_by_hand():
    surveys = pd.DataFrame(
        {
            "csat": [1, 2, 5, 4, 3, 5],
            "comment": [
                "waited forever",
                "rude and slow",
                "very friendly",
                "quick",
                "",
                "nothing to add",
            ],
        }
    )
    table = themes.triangulate(
        surveys,
        keywords={
            "waiting time": ["wait*", "slow", "quick"],
            "staff attitude": ["rude", "friendly"],
        },
    ).set_index("theme")
    wait, staff, none = (
        table.loc["waiting time"],
        table.loc["staff attitude"],
        table.loc["(no theme)"],
    )
    assert wait["mentions"] == 3 and wait["mean_score"] == pytest.approx(7 / 3)
    assert wait["low_score_share"] == pytest.approx(2 / 3)
    assert wait["example_comment"] == "waited forever"
    assert wait["share_of_comments"] == pytest.approx(3 / 5)  # the blank comment is not counted
    assert staff["mentions"] == 2 and staff["mean_score"] == pytest.approx(3.5)
    assert none["mentions"] == 1 and none["example_comment"] == "nothing to add"
    assert list(table.index) == ["waiting time", "staff attitude", "(no theme)"]


def test_triangulation_ignores_row_order():
    surveys = pd.DataFrame(
        {"csat": [1, 2, 5, 4], "comment": ["slow", "slow!", "rude", "quick and rude"]}
    )
    forward = themes.triangulate(surveys)
    backward = themes.triangulate(surveys.iloc[::-1])
    pd.testing.assert_frame_equal(forward, backward)
