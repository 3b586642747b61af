"""Roster problems are named with their rows; seeds are reproducible per learner."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from svcworkbook.data.roster import learner_seed, read_roster
from svcworkbook.errors import DataError


def write(tmp_path, text, name="roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_roster_is_read(tmp_path):
    path = write(tmp_path, "\ufeffLearner ID, Name\nA001, Ada Lovelace \nb-2,Ben Okri\n")
    roster = read_roster(path)
    assert roster.to_dict("records") == [
        {"learner_id": "A001", "name": "Ada Lovelace"},
        {"learner_id": "b-2", "name": "Ben Okri"},
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "roster.csv: the file is empty"),
        ("learner_id,name\n", "there are no learners under the header"),
        ("id,email\nA1,a@x\n", "missing column(s) name (found: id, email)"),
        ("learner_id,name\nA1,Ada\nA2,Ben\na1,Cy\n", "repeats ids (A1, a1) in rows 2, 4"),
        ("learner_id,name\nA1,Ada\nA2,\n", "column 'name' is empty in row 3"),
        (
            "learner_id,name\n../etc,Ada\nok,Ben\nx y,Cy\n",
            "cannot be folder names in rows 2, 4 ('../etc', 'x y')",
        ),
        ("learner_id,name\n,Ada\n", "column 'learner_id' is empty in row 2"),
    ],
)
def test_roster_problems_name_rows_and_fix(tmp_path, text, message):
    with pytest.raises(DataError) as err:
        read_roster(write(tmp_path, text))
    assert message in str(err.value)
    assert "Fix:" in str(err.value)


def test_every_problem_is_reported_at_once(tmp_path):
    with pytest.raises(DataError) as err:
        read_roster(write(tmp_path, "learner_id,name\nA1,\nA1,Ben\nbad id,Cy\n"))
    text = str(err.value)
    assert "repeats ids" in text and "'name' is empty in row 2" in text and "folder names" in text


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match="no such roster file"):
        read_roster(tmp_path / "nope.csv")


def test_seed_is_the_documented_hash():
    expected = int(hashlib.sha256(b"A001:baseline").hexdigest()[:8], 16)
    assert learner_seed("A001") == expected


@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_seed_is_reproducible_and_in_range(learner, scenario):
    seed = learner_seed(learner, scenario)
    assert seed == learner_seed(learner, scenario)
    assert 0 <= seed < 2**32
