"""What every generator draws with: seeded random streams, ids, timestamps and fake people.

Each part of the generation has its own random stream (seed, stream number), so one dataset
generated alone equals the same dataset generated with all the others. Personal data is fake:
UK-style names, phone numbers in Ofcom's ranges reserved for drama (07700 900xxx,
01632 960xxx), emails at example.com/example.co.uk, real outward postcodes with made-up ends.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcworkbook.data.generators.scenarios import SECONDS_PER_DAY, STREAMS, Plan

FIRST_NAMES = np.array(
    """Oliver Amelia George Isla Harry Ava Noah Mia Jack Ivy Leo Grace Arthur Freya Muhammad Lily
    Oscar Florence Charlie Evie Jacob Emily Thomas Sophie Alfie Poppy Henry Ella William Olivia
    James Rosie Joshua Isabella Aisha Priya Rhys Cerys Callum Niamh Ewan Siobhan Tariq Chloe Daniel
    Hannah Samuel Zara Kwame Megan Owen Bethan Ravi Anjali""".split()
)

SURNAMES = np.array(
    """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
    Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood
    Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James
    Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter
    Richardson Bailey Collins Bell Shaw Murphy Khan Ahmed Begum Singh Kaur Campbell MacDonald
    Reid Stewart Jenkins Lloyd Owen""".split()
)

#: Real outward codes (area + district); inward parts are random, so a postcode is plausible only.
OUTWARD_CODES = np.array(
    """LS1 LS6 M14 M20 B15 B29 CF10 CF24 EH3 EH11 G12 G41 BS8 BS16 NG7 L15 S10 NE6 SO17 PL4 EX4
    YO10 CB1 OX4 RG1 BN2 NR2 LE2 CV4 SA1 AB10 DD1 BT7 BT9 N16 E17 SE15 SW9 W12 NW5""".split()
)

POSTCODE_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))


def _rng(plan: Plan, stream: str) -> np.random.Generator:
    """The random stream of one part of the generation: seeded by (seed, stream number)."""
    return np.random.default_rng([plan.seed, STREAMS[stream]])


def _ids(prefix: str, count: int, width: int) -> np.ndarray:
    """Ids such as C0000001: prefix + a 1-based number zero-padded to at least `width` digits."""
    if count == 0:
        return np.array([], dtype=object)
    digits = max(width, len(str(count)))
    numbers = np.char.zfill(np.arange(1, count + 1).astype(str), digits)
    return np.char.add(prefix, numbers).astype(object)


def _text_or_blank(keep: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A text column: the values where `keep`, else blank (NaN, as pandas reads a blank cell)."""
    out = np.full(len(keep), np.nan, dtype=object)
    out[keep] = np.asarray(values, dtype=object)[keep]
    return out


def _choose(rng: np.random.Generator, cumulative: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Categorical draws: for each row r, an index into cumulative[rows[r]] (a CDF per group)."""
    u = rng.random(len(rows))
    return (u[:, None] > cumulative[rows]).sum(axis=1)


def _seconds(frame_start: pd.Timestamp, seconds: np.ndarray) -> np.ndarray:
    """Timestamps from whole seconds after `frame_start` (NaN -> NaT), as datetime64[ns]."""
    out = np.full(len(seconds), np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = ~np.isnan(seconds)
    out[ok] = np.datetime64(frame_start.to_datetime64(), "ns") + (
        np.round(seconds[ok]).astype(np.int64) * np.int64(1_000_000_000)
    ).astype("timedelta64[ns]")
    return out


def _fake_names(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Random UK-style first names and surnames."""
    return (
        FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), count)],
        SURNAMES[rng.integers(0, len(SURNAMES), count)],
    )


def _fake_phones(rng: np.random.Generator, count: int) -> np.ndarray:
    """Phone numbers in Ofcom's drama ranges: mobiles 07700 900xxx, landlines 01632 960xxx."""
    mobile = rng.random(count) < 0.7
    ends = np.char.zfill(rng.integers(0, 1000, count).astype(str), 3)
    return np.where(mobile, np.char.add("07700 900", ends), np.char.add("01632 960", ends))


def _fake_postcodes(rng: np.random.Generator, count: int) -> np.ndarray:
    """Postcodes in the UK format: a real outward code + a digit and two letters."""
    outward = OUTWARD_CODES[rng.integers(0, len(OUTWARD_CODES), count)]
    digit = rng.integers(1, 10, count).astype(str)
    letters = np.char.add(
        POSTCODE_LETTERS[rng.integers(0, len(POSTCODE_LETTERS), count)],
        POSTCODE_LETTERS[rng.integers(0, len(POSTCODE_LETTERS), count)],
    )
    return np.char.add(np.char.add(outward, " "), np.char.add(digit, letters))


def _fake_emails(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Emails first.last<nn>@example.com / example.co.uk (domains reserved for examples)."""
    number = rng.integers(1, 100, len(first)).astype(str)
    domain = np.where(rng.random(len(first)) < 0.6, "@example.com", "@example.co.uk")
    local = np.char.add(np.char.add(np.char.lower(first), "."), np.char.lower(last))
    return np.char.add(np.char.add(local, number), domain)


def _random_times(rng, start: pd.Timestamp, days: int, count: int, hours=(9, 17)) -> np.ndarray:
    """Whole-second offsets from start: a random day of the period, within working hours."""
    day = rng.integers(0, days, count)
    within = rng.integers(hours[0] * 3600, hours[1] * 3600, count)
    return (day * SECONDS_PER_DAY + within).astype(float)
