"""Figures the teaching text quotes from the sample data, recomputed with the library."""

from __future__ import annotations

import re

from svcworkbook import content
from svcworkbook.analysis import kpi
from svcworkbook.report import narrative
from svcworkbook.teaching.session import COMMON_PARAMETERS, load_datasets


def _flat(text: str) -> str:
    """Text with runs of white space as one space."""
    return re.sub(r"\s+", " ", text)


def test_the_short_abandon_figures_in_u2_c2_are_the_samples():
    """Finding 9: U2.C2 quotes service level and abandonment with and without the short-abandon
    rule; the numbers must be what kpi gives on the bundled samples (phone and chat)."""
    contacts = load_datasets(dict(COMMON_PARAMETERS), ("contacts",))["contacts"]
    text = _flat(content.load_unit(2).concept("U2.C2").explanation)
    with_rule = narrative.format_percent(kpi.service_level(contacts), 1)
    without = narrative.format_percent(kpi.service_level(contacts, short_abandon_s=0), 1)
    assert f"service level is {with_rule} with the rule and {without} if short abandons count" in (
        text
    )
    abandon = f"{kpi.abandonment_rate(contacts) * 100:.2f}%"
    abandon_all = f"{kpi.abandonment_rate(contacts, short_abandon_s=0) * 100:.2f}%"
    assert f"abandonment is {abandon} against {abandon_all}" in text
    assert f"within {kpi.DEFAULT_SHORT_ABANDON_S:g} seconds is a short abandon" in text


def test_erlang_c_assumptions_are_taught_where_it_is_used():
    """Finding 10: U2.C4 uses Erlang C, so it names the model's four assumptions."""
    text = _flat(content.load_unit(2).concept("U2.C4").explanation)
    for assumption in ("Poisson", "exponential", "nobody hangs up", "every agent counted is free"):
        assert assumption in text


def test_u3_c2_teaches_aht_by_channel_occupancy_and_the_ces_scale():
    """Finding 11: AHT within a channel, occupancy against utilisation, and which CES scale."""
    text = _flat(content.load_unit(3).concept("U3.C2").explanation)
    assert "Compare handle time within a channel" in text
    assert "Occupancy is the share" in text and "Utilisation is the share of paid time" in text
    assert "from 1 (very easy) to 7 (very difficult), so lower is better" in text
    assert "CES 2.0 runs the other way" in text and "higher is easier" in text
    doc = kpi.customer_effort_score.__doc__
    assert "1 = very easy, 7 = very difficult" in doc and "lower is better" in doc
