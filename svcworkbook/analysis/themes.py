"""Comment themes and triangulation: what free-text feedback is about, read with its scores.

Keyword coding of comments into themes (the keyword lists are plain data, meant to be read and
edited), and a triangulation that sets each theme's mentions beside the scores of the same
responses, with an example comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from svcworkbook.errors import NAME_YOUR_COLUMN, require_columns

#: Keyword coding of free-text comments: {theme: [keywords]}. Read and edit it freely. Matching
#: ignores case and matches whole words; a keyword ending in * matches any word starting with it
#: ("wait*" matches wait, waited, waiting). A theme says what a comment is about, not whether it
#: is praise or criticism: the score says that.
THEME_KEYWORDS: dict[str, list[str]] = {
    "waiting time": [
        "wait*",
        "queue*",
        "on hold",
        "hold music",
        "slow*",
        "quick*",
        "fast",
        "speed*",
        "ages",
        "delay*",
        "prompt*",
        "straight through",
    ],
    "staff attitude": [
        "rude*",
        "friendly",
        "unfriendly",
        "helpful",
        "unhelpful",
        "polite*",
        "impolite",
        "patient",
        "impatient",
        "kind*",
        "attitude",
        "courteous",
        "dismissive",
        "caring",
        "lovely",
        "manner*",
        "empath*",
        "listened",
        "respect*",
    ],
    "resolution": [
        "resolv*",
        "unresolved",
        "fixed",
        "not fixed",
        "sorted",
        "solved",
        "solution*",
        "still broken",
        "still waiting",
        "first time",
        "went away",
        "no answer",
    ],
    "billing and price": [
        "bill*",
        "charg*",
        "overcharg*",
        "price*",
        "pricing",
        "refund*",
        "invoice*",
        "payment*",
        "paid",
        "cost*",
        "expensive",
        "money",
        "fee*",
    ],
    "communication": [
        "updat*",
        "inform*",
        "told",
        "explain*",
        "kept me",
        "call back",
        "called back",
        "never called",
        "rang back",
        "follow up",
        "followed up",
        "clear*",
        "confus*",
        "jargon",
        "letter*",
    ],
    "website and app": [
        "website",
        "web site",
        "online",
        "app",
        "log in",
        "login",
        "password*",
        "portal",
        "chatbot",
        "bot",
    ],
    "delivery": [
        "deliver*",
        "parcel*",
        "courier*",
        "dispatch*",
        "arriv*",
        "missing item*",
        "tracking",
    ],
    "product knowledge": [
        "knowledg*",
        "knew",
        "clueless",
        "expert*",
        "trained",
        "untrained",
        "understood",
        "did not understand",
        "didn't understand",
    ],
}
#: Theme given to comments that match no keyword (shown, not dropped).
NO_THEME = "(no theme)"


def keyword_pattern(keyword: str) -> re.Pattern:
    """A case-insensitive whole-word pattern for one keyword; a trailing * allows any ending."""
    text = keyword.strip().lower()
    if not text or text == "*":
        raise ValueError(f"a theme keyword must contain a word, not {keyword!r}")
    stem, wildcard = (text[:-1], True) if text.endswith("*") else (text, False)
    words = r"\s+".join(re.escape(word) for word in stem.split())
    return re.compile(r"\b" + words + (r"\w*" if wildcard else r"\b"), re.IGNORECASE)


def _theme_patterns(keywords: Mapping[str, Sequence[str]]) -> dict[str, list[re.Pattern]]:
    """Compiled patterns per theme; an empty theme or a bare string is a ValueError."""
    if not keywords:
        raise ValueError("keywords must name at least one theme, e.g. {'waiting time': ['wait*']}")
    patterns = {}
    for theme, words in keywords.items():
        if theme in ("comment", "themes", NO_THEME):
            raise ValueError(f"{theme!r} is reserved; give the theme another name")
        if isinstance(words, str) or not words:
            raise ValueError(
                f"theme {theme!r} needs a list of keywords, e.g. ['wait*', 'queue'], not {words!r}"
            )
        patterns[theme] = [keyword_pattern(word) for word in words]
    return patterns


def code_themes(
    comments: Iterable, keywords: Mapping[str, Sequence[str]] = THEME_KEYWORDS
) -> pd.DataFrame:
    """Tag each comment with the themes whose keywords it contains: columns comment, themes
    ('; '-joined, '' if none) and one True/False column per theme. Blank comments match nothing."""
    patterns = _theme_patterns(keywords)
    texts = comments if isinstance(comments, pd.Series) else pd.Series(list(comments))
    texts = texts.astype("object").where(texts.notna(), "").astype(str)
    # one alternation per theme, and each distinct comment coded once (survey comments repeat)
    either = {
        theme: re.compile("|".join(f"(?:{p.pattern})" for p in ps), re.IGNORECASE)
        for theme, ps in patterns.items()
    }
    coded = {
        text: [theme for theme, pattern in either.items() if pattern.search(text)]
        for text in texts.unique()
    }
    found = texts.map(coded)
    table = pd.DataFrame({"comment": texts, "themes": found.map("; ".join)})
    for theme in patterns:
        table[theme] = found.map(lambda themes, name=theme: name in themes).astype(bool)
    return table[["comment", "themes", *patterns]]


def triangulate(
    surveys: pd.DataFrame,
    score: str = "csat",
    comment: str = "comment",
    keywords: Mapping[str, Sequence[str]] = THEME_KEYWORDS,
    low_at_or_below: float = 2,
) -> pd.DataFrame:
    """Join scores with comment themes: per theme, mentions (comments coded to it), share of
    comments, mean score, share of low scores (<= `low_at_or_below`, e.g. CSAT 1-2) and an example
    (the lowest-scoring comment, alphabetical among ties). Comments with no theme get their own
    row. Only rows with a comment count; a comment can carry several themes."""
    require_columns(surveys, [score, comment], "triangulate", fix=NAME_YOUR_COLUMN)
    has_comment = surveys[comment].notna() & (surveys[comment].astype(str).str.strip() != "")
    answered = surveys.loc[has_comment]
    scores = pd.to_numeric(answered[score], errors="coerce")
    coded = code_themes(answered[comment], keywords)
    themes = [t for t in coded.columns if t not in ("comment", "themes")]
    coded[NO_THEME] = ~coded[themes].any(axis=1)
    rows = []
    for theme in [*themes, NO_THEME]:
        mask = coded[theme].to_numpy()
        theme_scores = scores[mask]
        examples = pd.DataFrame({"score": theme_scores, "comment": coded["comment"][mask]})
        examples = examples.sort_values(["score", "comment"], na_position="last")
        rows.append(
            {
                "theme": theme,
                "mentions": int(mask.sum()),
                "share_of_comments": float(mask.mean()) if mask.size else float("nan"),
                "mean_score": float(theme_scores.mean())
                if theme_scores.notna().any()
                else float("nan"),
                "low_score_share": (
                    float((theme_scores.dropna() <= low_at_or_below).mean())
                    if theme_scores.notna().any()
                    else float("nan")
                ),
                "example_comment": examples["comment"].iloc[0] if len(examples) else "",
            }
        )
    table = pd.DataFrame(rows)
    order = table["theme"].eq(NO_THEME)
    table = pd.concat(
        [
            table[~order].sort_values(["mentions", "theme"], ascending=[False, True]),
            table[order],
        ],
        ignore_index=True,
    )
    return table
