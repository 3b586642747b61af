"""Privacy: finding personal data, keyed pseudonyms, redaction, spreadsheet-safe exports."""

import hashlib
import hmac

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from svcworkbook.data import generators, privacy
from svcworkbook.errors import DataError

KEY = b"a test key of more than sixteen bytes"


def test_a_token_is_the_keyed_hash_of_the_value():
    expected = hmac.new(KEY, b"CU000123", hashlib.sha256).hexdigest()[:12]
    assert privacy.token("CU000123", KEY) == f"P-{expected}"
    assert privacy.token(" CU000123 ", KEY) == f"P-{expected}"  # spaces do not matter


@given(
    st.lists(st.text(min_size=1).filter(str.strip), min_size=2, max_size=30, unique_by=str.strip)
)
def test_pseudonyms_are_stable_and_distinct_for_distinct_values(values):
    frame = pd.DataFrame({"customer_id": values})
    once = privacy.pseudonymise(frame, KEY, ["customer_id"])["customer_id"]
    twice = privacy.pseudonymise(frame, KEY, ["customer_id"])["customer_id"]
    assert once.tolist() == twice.tolist()
    assert len(set(once.tolist())) == len(values)  # Python sets: pandas hashing stops at a NUL
    assert once.notna().all()


def test_values_differing_after_a_nul_character_keep_their_own_tokens():
    frame = pd.DataFrame({"customer_id": ["\x00", "\x000", "K1\x00a", "K1\x00b"]})
    tokens = privacy.pseudonymise(frame, KEY, ["customer_id"])["customer_id"].tolist()
    assert tokens == [privacy.token(v, KEY) for v in frame["customer_id"]]
    assert len(set(tokens)) == 4


def test_another_key_gives_other_tokens():
    frame = pd.DataFrame({"customer_id": ["A", "B"]})
    one = privacy.pseudonymise(frame, KEY, ["customer_id"])
    two = privacy.pseudonymise(frame, b"another key, also long enough", ["customer_id"])
    assert not set(one["customer_id"]) & set(two["customer_id"])


def test_a_short_key_is_refused_with_how_to_make_one(tmp_path):
    with pytest.raises(ValueError, match="at least 16 bytes"):
        privacy.pseudonymise(pd.DataFrame({"customer_id": ["A"]}), b"short", ["customer_id"])
    (tmp_path / "k").write_text("tiny\n")
    with pytest.raises(DataError, match="holds 4 bytes.*svcworkbook keygen --out"):
        privacy.read_key(tmp_path / "k")
    with pytest.raises(DataError, match="does not exist"):
        privacy.read_key(tmp_path / "missing")
    (tmp_path / "good").write_text("x" * 40 + "\n")
    assert privacy.read_key(tmp_path / "good") == b"x" * 40


def test_redaction_of_a_realistic_comment():
    comment = (
        "Please call me on 07700 900123 or +44 20 7946 0018, or email jo.bloggs@example.co.uk. "
        "I live at SW1A 1AA. My name is Jo Bloggs."
    )
    assert privacy.redact(comment) == (
        "Please call me on [PHONE] or [PHONE], or email [EMAIL]. I live at [POSTCODE]. "
        "My name is [NAME]."
    )


@pytest.mark.parametrize(
    "text",
    ["Order 12345 arrived late", "Refund of £25.00 took 14 days", "Rated 9 out of 10", None, 3.5],
)
def test_ordinary_text_and_numbers_are_left_alone(text):
    assert privacy.redact(text) == text


def test_personal_data_is_found_by_content_when_names_do_not_say():
    frame = pd.DataFrame(
        {
            "col_a": ["ring 07700 900456", "fine"],
            "col_b": ["a@example.com", "b@example.com"],
            "col_c": ["order 1", "order 2"],
        }
    )
    found = privacy.find_personal_data(frame).set_index("column")
    assert found.loc["col_a", "kind"] == "phone"
    assert found.loc["col_b", "kind"] == "email"
    assert found.loc["col_b", "rows_with_personal_data"] == 2
    assert "col_c" not in found.index
    assert "a@example.com" not in found.to_string()  # examples are masked


def test_anonymised_data_keeps_no_personal_data_and_still_joins():
    data = generators.generate_all(seed=5, days=28)
    complaints = privacy.anonymise(data["complaints"], KEY, "complaints")
    customers = privacy.anonymise(data["customers"], KEY, "customers")
    surveys = privacy.anonymise(data["surveys"], KEY, "surveys")
    originals = set()
    for column in ("customer_name", "customer_email", "customer_phone"):
        originals |= set(data["complaints"][column].dropna())
    every_cell = set(complaints.astype(str).to_numpy().ravel())
    assert not originals & every_cell
    assert privacy.personal_data_left(surveys) == []
    assert set(complaints["customer_id"]) <= set(customers["customer_id"])
    # postcodes keep only the area (outward code)
    assert complaints["customer_postcode"].dropna().str.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?").all()


def test_spreadsheet_safe_quotes_formulas_but_keeps_numbers(tmp_path):
    frame = pd.DataFrame(
        {"text": ['=HYPERLINK("http://x")', "+447700900123", "-cmd", "@SUM(A1)", "ok"],
         "number": [-5, 1, 2, 3, 4]}
    )  # fmt: skip
    safe = privacy.spreadsheet_safe(frame)
    assert safe["text"].tolist() == [
        "'=HYPERLINK(\"http://x\")", "'+447700900123", "'-cmd", "'@SUM(A1)", "ok"
    ]  # fmt: skip
    assert safe["number"].tolist() == [-5, 1, 2, 3, 4]
    path = privacy.write_safe_csv(frame, tmp_path / "out.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM so Excel reads UTF-8
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["number"].tolist() == [-5, 1, 2, 3, 4]
    assert back["text"].iloc[2] == "'-cmd"
