"""The unit content: complete against the syllabus sources, valid, quizzable, and safely shown.

The syllabus sources are parsed here by the test's own reader (not the library's), counted by hand,
and compared with the YAML both ways, so dropping or inventing a marking point fails a test.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from IPython.lib.pretty import pretty

from svcworkbook import content
from svcworkbook.content import coverage
from svcworkbook.content.models import Question, Unit
from svcworkbook.errors import ContentError

FIXTURES = Path(__file__).parent / "fixtures"
SYLLABUS = FIXTURES / "syllabus"
BAD = FIXTURES / "bad_units"

#: The mapping in the seeds README: unit number -> (slug, source file).
MAPPING = {
    1: ("service_environment", "002_f3930e73c5ce9719.txt"),
    2: ("reliable_delivery", "000_8a3d2ea9747619dd.txt"),
    3: ("managing_operations", "001_2c0119b03b37c1ea.txt"),
    4: ("reviewing_delivery", "003_e31719a6e82a892b.txt"),
    5: ("improving_service", "004_f6ad22541eddcb42.txt"),
}

#: Entries per section in each source, counted by reading the files:
#: (concepts, tips, misconceptions, marking points).
HAND_COUNTS = {1: (5, 2, 3, 3), 2: (5, 8, 6, 8), 3: (5, 4, 4, 5), 4: (5, 7, 6, 8), 5: (5, 4, 4, 4)}

HEADINGS = {
    "Key Concepts & Core Principles": "concepts",
    "Exam Tips & Revision Strategies": "tips",
    "Common Misconceptions & Mistakes to Avoid": "misconceptions",
    "Examiner Marking Points": "marking_points",
}


def source_sections(path: Path) -> dict[str, list[str]]:
    """The '- ' lines under each of the four headings of a syllabus source (the test's reader)."""
    sections: dict[str, list[str]] = {v: [] for v in HEADINGS.values()}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() in HEADINGS:
            current = HEADINGS[line.strip()]
        elif current and line.startswith("- "):
            sections[current].append(line[2:])
    return sections


def coverage_problems(unit: Unit, sections: dict[str, list[str]]) -> list[str]:
    """Source entries missing from the unit, and unit entries citing lines the source lacks."""
    problems = []
    names = [c.name for c in unit.concepts]
    for line in sections["concepts"]:
        if line.split(":", 1)[0] not in names:
            problems.append(f"concept name missing: {line.split(':', 1)[0]}")
    cited = {
        "concepts": [c.source for c in unit.concepts],
        "tips": [t.source for t in unit.tips],
        "misconceptions": [m.source for m in unit.misconceptions],
        "marking_points": [m.text for m in unit.marking_points],
    }
    for section, lines in sections.items():
        problems += [f"{section} missing: {line}" for line in lines if line not in cited[section]]
        problems += [f"{section} invented: {line}" for line in cited[section] if line not in lines]
    return problems


@pytest.fixture(scope="module")
def all_units() -> list[Unit]:
    return content.all_units()


# --- loading -----------------------------------------------------------------------------------


def test_all_units_load_in_order_with_the_seeds_mapping(all_units):
    assert [u.number for u in all_units] == [1, 2, 3, 4, 5]
    for unit in all_units:
        assert (unit.slug, unit.source_file) == MAPPING[unit.number]
        path = content.UNITS_DIR / f"{unit.number:02d}_{unit.slug}.yaml"
        assert path.exists()


@pytest.mark.parametrize("key", [1, "1", "01", "service_environment", "01_service_environment"])
def test_load_unit_by_number_padded_number_or_slug(key):
    unit = content.load_unit(key)
    assert unit.number == 1 and unit.slug == "service_environment"
    assert unit is content.load_unit(1)  # cached: the same object comes back


@pytest.mark.parametrize("key", [0, 6, "07", "no_such_unit", True, 1.0, None])
def test_load_unit_rejects_unknown_units_naming_the_choices(key):
    with pytest.raises(ValueError, match=r"1 \(service_environment\)"):
        content.load_unit(key)


def test_load_unit_file_is_cached_until_the_file_changes(tmp_path):
    path = tmp_path / "minimal.yaml"
    shutil.copy(BAD / "ok_minimal.yaml", path)
    first = content.load_unit_file(path)
    assert content.load_unit_file(path) is first
    path.write_text(path.read_text().replace("A minimal unit", "A renamed unit, longer"))
    assert content.load_unit_file(path).title == "A renamed unit, longer"


def test_load_unit_file_missing_file_names_it(tmp_path):
    with pytest.raises(ContentError, match=r"^nowhere\.yaml: file not found"):
        content.load_unit_file(tmp_path / "nowhere.yaml")


# --- malformed content files --------------------------------------------------------------------


def test_the_minimal_fixture_is_valid_so_each_bad_copy_fails_for_one_reason():
    unit = content.load_unit_file(BAD / "ok_minimal.yaml")
    assert [c.id for c in unit.concepts] == ["U1.C1", "U1.C2"]


def line_containing(name: str, needle: str) -> int:
    """The 1-based line of the first line of a fixture containing needle."""
    lines = (BAD / name).read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("missing_field.yaml", r"^missing_field\.yaml: concepts\[1\]\.explanation: Field required"),
        ("wrong_type.yaml", r"^wrong_type\.yaml: number: Input should be a valid integer.*'one'"),
        (
            "broken_link.yaml",
            r"^broken_link\.yaml: misconceptions\[0\]\.concept: unknown concept 'U1\.C9' "
            r"\(known: U1\.C1, U1\.C2\)",
        ),
        ("bad_answer.yaml", r"^bad_answer\.yaml: questions\[0\]\.answer: 5 is not an option index"),
        ("duplicate_key.yaml", r"^duplicate_key\.yaml: title: the key 'title' appears twice"),
        ("not_a_mapping.yaml", r"^not_a_mapping\.yaml: \(top level\): expected a mapping"),
    ],
)
def test_malformed_files_name_the_file_and_the_field_path(name, expected):
    with pytest.raises(ContentError) as caught:
        content.load_unit_file(BAD / name)
    message = str(caught.value)
    assert re.search(expected, message), message
    assert len(message.splitlines()) == 1, message  # one fault, one line: nothing else reported


def test_broken_link_error_gives_the_line_of_the_bad_value():
    with pytest.raises(ContentError) as caught:
        content.load_unit_file(BAD / "broken_link.yaml")
    assert str(caught.value).endswith(f"(line {line_containing('broken_link.yaml', 'U1.C9')})")


def test_missing_field_error_points_at_the_entry_that_lacks_it():
    with pytest.raises(ContentError) as caught:
        content.load_unit_file(BAD / "missing_field.yaml")
    assert str(caught.value).endswith(f"(line {line_containing('missing_field.yaml', 'U1.C2')})")


def test_misspelt_field_reports_both_the_missing_and_the_unknown_name():
    with pytest.raises(ContentError) as caught:
        content.load_unit_file(BAD / "unknown_field.yaml")
    assert str(caught.value).splitlines() == [
        f"unknown_field.yaml: tips[0].text: Field required "
        f"(line {line_containing('unknown_field.yaml', 'U1.T1')})",
        f"unknown_field.yaml: tips[0].txet: Extra inputs are not permitted "
        f"(line {line_containing('unknown_field.yaml', 'txet')})",
    ]


def test_bad_syntax_names_the_file_and_the_line():
    with pytest.raises(ContentError) as caught:
        content.load_unit_file(BAD / "bad_syntax.yaml")
    message = str(caught.value)
    opened = line_containing("bad_syntax.yaml", "[U1.C1")
    assert message.startswith("bad_syntax.yaml: line ") and "YAML syntax error" in message
    assert f"starts at line {opened}" in message


def test_a_file_named_for_one_unit_must_hold_that_unit(tmp_path):
    path = tmp_path / "02_minimal.yaml"
    shutil.copy(BAD / "ok_minimal.yaml", path)
    with pytest.raises(ContentError, match=r"^02_minimal\.yaml: number: 1 does not match"):
        content.load_unit_file(path)


def test_duplicate_and_wrongly_prefixed_ids_are_reported_with_paths():
    data = yaml.safe_load((BAD / "ok_minimal.yaml").read_text())
    data["concepts"][1]["id"] = "U1.C1"
    data["tips"][0]["id"] = "U2.T1"
    with pytest.raises(ValueError) as caught:
        Unit.model_validate(data)
    message = str(caught.value)
    assert "concepts[1].id: duplicate id U1.C1 (first used at concepts[0].id)" in message
    assert "tips[0].id: U2.T1 must start with 'U1.'" in message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "true_false", "options": ["Yes", "No"]}, "options"),
        ({"kind": "marking_point", "options": ["a", "b"], "marking_point": None}, "marking_point"),
        ({"options": ["a", "a"]}, "options"),
        ({"concept": None, "marking_point": None}, "concept"),
    ],
)
def test_question_rules_name_the_field_at_fault(changes, field):
    base = {
        "id": "U1.Q1",
        "kind": "multiple_choice",
        "prompt": "p",
        "options": ["a", "b", "c"],
        "answer": 0,
        "explanation": "e",
        "concept": "U1.C1",
    }
    with pytest.raises(ValueError, match=rf"{field}: "):
        Question.model_validate(base | changes)


# --- completeness against the syllabus ----------------------------------------------------------


@pytest.mark.parametrize("number", sorted(MAPPING))
def test_reader_finds_the_hand_counted_entries(number):
    sections = source_sections(SYLLABUS / MAPPING[number][1])
    counts = tuple(len(sections[s]) for s in HEADINGS.values())
    assert counts == HAND_COUNTS[number]


@pytest.mark.parametrize("number", sorted(MAPPING))
def test_every_source_entry_is_in_the_unit_and_nothing_is_invented(number):
    unit = content.load_unit(number)
    sections = source_sections(SYLLABUS / unit.source_file)
    assert coverage_problems(unit, sections) == []
    assert [c.name for c in unit.concepts] == [s.split(":", 1)[0] for s in sections["concepts"]]
    assert len(unit.marking_points) == HAND_COUNTS[number][3]


@pytest.mark.parametrize("number", sorted(MAPPING))
def test_library_coverage_check_agrees(number):
    unit = content.load_unit(number)
    syllabus = content.read_syllabus(SYLLABUS / unit.source_file)
    assert coverage.syllabus_gaps(unit, syllabus) == []
    assert syllabus.marking_points == tuple(
        source_sections(SYLLABUS / unit.source_file)["marking_points"]
    )


def _every_marking_point():
    return [(u.number, mp.id) for u in content.all_units() for mp in u.marking_points]


@pytest.mark.parametrize(("number", "mp_id"), _every_marking_point())
def test_removing_any_marking_point_is_caught(number, mp_id):
    unit = content.load_unit(number)
    removed = unit.marking_point(mp_id)
    copy = unit.model_copy(
        update={"marking_points": [m for m in unit.marking_points if m.id != mp_id]}
    )
    sections = source_sections(SYLLABUS / unit.source_file)
    assert coverage_problems(copy, sections) == [f"marking_points missing: {removed.text}"]
    gaps = coverage.syllabus_gaps(copy, content.read_syllabus(SYLLABUS / unit.source_file))
    assert gaps == [f"marking point line not in unit: {removed.text!r}"]


def test_a_paraphrased_or_invented_marking_point_is_caught():
    unit = content.load_unit(1)
    first = unit.marking_points[0]
    paraphrase = first.model_copy(update={"text": first.text.replace("clear link", "link")})
    invented = first.model_copy(update={"id": "U1.MP9", "text": "Award credit for smiling."})
    copy = unit.model_copy(
        update={"marking_points": [paraphrase, *unit.marking_points[1:], invented]}
    )
    problems = coverage_problems(copy, source_sections(SYLLABUS / unit.source_file))
    assert f"marking_points missing: {first.text}" in problems
    assert f"marking_points invented: {paraphrase.text}" in problems
    assert "marking_points invented: Award credit for smiling." in problems


@pytest.mark.parametrize("kind", ["tips", "misconceptions", "concepts"])
def test_removing_a_tip_misconception_or_concept_is_caught(kind):
    unit = content.load_unit(2)
    kept = getattr(unit, kind)[1:]
    copy = unit.model_copy(update={kind: kept})
    problems = coverage_problems(copy, source_sections(SYLLABUS / unit.source_file))
    assert any(p.startswith(f"{kind} missing: ") for p in problems)


def test_read_syllabus_rejects_a_stray_line(tmp_path):
    text = (
        (SYLLABUS / MAPPING[1][1])
        .read_text()
        .replace("- Confusing brand image", "Confusing brand image")
    )
    path = tmp_path / "changed.txt"
    path.write_text(text)
    wanted = text.splitlines().index(
        next(x for x in text.splitlines() if x.startswith("Confusing"))
    )
    with pytest.raises(ContentError, match=rf"^changed\.txt: line {wanted + 1}: expected an entry"):
        content.read_syllabus(path)


def test_the_fixture_sources_are_the_seeds_verbatim():
    seeds = Path("/work/shared/seeds")
    if not seeds.exists():
        pytest.skip("the shared seeds folder is only on the build machine")
    for name in [*(f for _, f in MAPPING.values()), "README.md"]:
        assert (SYLLABUS / name).read_bytes() == (seeds / name).read_bytes()


# --- content rules the coverage check does not see ----------------------------------------------


def test_uk_gdpr_is_explained_where_the_source_says_gdpr():
    legal = content.load_unit(1).concept("U1.C4")
    assert "General Data Protection Regulation (GDPR)" in legal.source
    for fact in ("UK GDPR", "Data Protection Act 2018", "one month", "lawful basis"):
        assert fact in legal.explanation
    for fact in ("30 days", "within 14 days", "reasonable care and skill", "repeat performance"):
        assert fact in legal.explanation
    assert "reasonable adjustments" in legal.explanation and "nine protected" in legal.explanation


def test_every_concept_has_a_workplace_example_and_richer_explanation(all_units):
    for unit in all_units:
        for c in unit.concepts:
            assert c.in_practice, c.id
            assert len(c.explanation) > len(c.source), c.id
        for mp in unit.marking_points:
            assert 1 <= len(mp.evidence_examples) <= 3, mp.id


# --- question bank ------------------------------------------------------------------------------


@pytest.mark.parametrize("number", sorted(MAPPING))
def test_question_bank_size_kinds_and_misconceptions(number):
    unit = content.load_unit(number)
    assert len(unit.questions) >= 12
    kinds = Counter(q.kind for q in unit.questions)
    assert set(kinds) == {"multiple_choice", "true_false", "marking_point", "numeric"}
    assert {m.id for m in unit.misconceptions} <= {q.misconception for q in unit.questions}
    assert coverage.question_bank_gaps(unit) == []


def test_question_bank_gaps_reports_an_untested_misconception():
    unit = content.load_unit(3)
    kept = [q for q in unit.questions if q.misconception != "U3.M2"]
    gaps = coverage.question_bank_gaps(unit.model_copy(update={"questions": kept}))
    untested = [g for g in gaps if g.startswith("misconception")]
    assert untested == ["misconception U3.M2 is not the basis of any question"]


@pytest.mark.parametrize("number", sorted(MAPPING))
def test_questions_are_well_formed(number):
    unit = content.load_unit(number)
    mp_ids = {mp.id for mp in unit.marking_points}
    for q in unit.questions:
        assert q.explanation.strip() and q.prompt.strip(), q.id
        if q.kind == "true_false":
            assert q.options == ["True", "False"], q.id
            assert q.prompt.startswith("True or false? "), q.id
        elif q.kind == "numeric":
            assert q.options == [] and q.tolerance is not None and q.answer_unit, q.id
        elif q.kind == "multiple_choice":
            assert 3 <= len(q.options) <= 4, q.id
        else:
            assert 3 <= len(q.options) <= 4, q.id
            named = [re.match(r"^(U\d\.MP\d+): ", o) for o in q.options]
            assert all(named), q.id
            ids = [m.group(1) for m in named]
            assert set(ids) <= mp_ids and len(set(ids)) == len(ids), q.id
            assert ids[q.answer] == q.marking_point, q.id
    mc_answers = {
        q.answer for q in unit.questions if q.kind in ("multiple_choice", "marking_point")
    }
    assert len(mc_answers) >= 3  # right answers are not always in the same place


# The worked figures (numeric and multiple-choice) are checked in tests/test_question_bank.py.


# --- rendering ----------------------------------------------------------------------------------

RENDERERS = {
    "header": content.show_unit_header,
    "concepts": content.show_concepts,
    "misconceptions": content.show_misconceptions,
    "tips": content.show_tips,
    "marking_points": content.show_marking_points,
}


class _Balance(HTMLParser):
    """Checks that every opened tag is closed in order."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def _balanced(html_text: str) -> bool:
    parser = _Balance()
    parser.feed(html_text)
    return not parser.errors and not parser.stack


def _hostile_unit() -> Unit:
    """The minimal unit with markup-like text in every string it shows."""
    data = yaml.safe_load((BAD / "ok_minimal.yaml").read_text())
    evil = "<script>alert('x')</script> & \"quoted\""
    data["title"] += evil
    data["covers"] += evil
    data["synopsis"] += evil
    data["concepts"][0]["explanation"] = evil
    data["concepts"][0]["name"] += evil
    data["concepts"][0]["in_practice"] = evil
    data["tips"][0]["text"] += evil
    for field in ("belief", "correction", "why_it_matters"):
        data["misconceptions"][0][field] += evil
    data["marking_points"][0]["text"] += evil
    data["marking_points"][0]["evidence_examples"] = [evil]
    return Unit.model_validate(data)


@pytest.mark.parametrize("name", [*RENDERERS, "table"])
def test_html_escapes_every_content_string(name):
    unit = _hostile_unit()
    shown = content.units_table([unit]) if name == "table" else RENDERERS[name](unit)
    page = shown._repr_html_()
    assert "<script>" not in page and "alert('x')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in page
    assert _balanced(page)
    assert "<script>alert('x')</script>" in str(shown)  # plain text shows the words as written


def test_show_concepts_escapes_a_script_in_an_explanation():
    page = content.show_concepts(_hostile_unit())._repr_html_()
    assert '<p style="margin:.3rem 0">&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;' in page


@pytest.mark.parametrize("number", sorted(MAPPING))
@pytest.mark.parametrize("name", RENDERERS)
def test_plain_text_is_readable(number, name):
    unit = content.load_unit(number)
    shown = RENDERERS[name](unit)
    text = str(shown)
    assert not re.search(r"</?[a-z]+[ >]", text)  # no markup
    assert max(len(line) for line in text.splitlines()) <= 88
    assert pretty(shown) == text == repr(shown)
    flat = " ".join(text.split())
    if name == "concepts":
        assert all(c.name in flat for c in unit.concepts)
    if name == "marking_points":
        assert all(mp.text in flat for mp in unit.marking_points)  # verbatim, whatever the wrap
    if name == "misconceptions":
        assert all(" ".join(m.belief.split()) in flat for m in unit.misconceptions)


@pytest.mark.parametrize("number", sorted(MAPPING))
def test_html_is_balanced_and_labelled(number):
    unit = content.load_unit(number)
    for name, render in RENDERERS.items():
        page = render(unit)._repr_html_()
        assert _balanced(page), name
        assert not re.search(r"\bid=", page), name  # no generated ids
    concepts = content.show_concepts(unit)._repr_html_()
    assert concepts.count("<article") == len(unit.concepts)
    assert f'aria-label="Key concept {unit.concepts[0].id}: ' in concepts


def test_marking_point_checklist_ticks_the_checked_points():
    unit = content.load_unit(1)
    shown = content.show_marking_points(unit, checked=["U1.MP2"])
    text = str(shown)
    assert "1 of 3 evidenced" in text
    assert "[x] U1.MP2" in text and "[ ] U1.MP1" in text and "[ ] U1.MP3" in text
    assert shown._repr_html_().count("(not yet evidenced)") == 2
    assert str(content.show_marking_points(unit, checked="U1.MP3")).count("[x]") == 1
    assert "0 of 3 evidenced" in str(content.show_marking_points(unit))


def test_marking_point_checklist_rejects_unknown_ids():
    with pytest.raises(
        ValueError, match=r"U2\.MP1.*its marking points are U1\.MP1, U1\.MP2, U1\.MP3"
    ):
        content.show_marking_points(content.load_unit(1), checked=["U2.MP1"])


def test_units_table_lists_each_unit_with_its_marking_point_count(all_units):
    shown = content.units_table()
    page = shown._repr_html_()
    assert page.count("<tr>") == 6  # header + five units
    for unit in all_units:
        count = len(source_sections(SYLLABUS / unit.source_file)["marking_points"])
        assert f"<td>{unit.number}</td><td>{unit.title}</td>" in page
        assert re.search(rf"^{unit.number}\s+{re.escape(unit.title)}\s+{count}$", str(shown), re.M)


def test_rendering_is_the_same_in_a_fresh_interpreter_with_another_hash_seed():
    script = (
        "import hashlib\nfrom svcworkbook import content\nh = hashlib.sha256()\n"
        "for u in content.all_units():\n"
        "    for f in (content.show_unit_header, content.show_concepts, content.show_misconceptions,"
        " content.show_tips, content.show_marking_points):\n"
        "        s = f(u); h.update(s._repr_html_().encode()); h.update(str(s).encode())\n"
        "s = content.units_table(); h.update(s._repr_html_().encode()); h.update(str(s).encode())\n"
        "print(h.hexdigest())\n"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    here = hashlib.sha256()
    for u in content.all_units():
        for render in RENDERERS.values():
            shown = render(u)
            here.update(shown._repr_html_().encode())
            here.update(str(shown).encode())
    table = content.units_table()
    here.update(table._repr_html_().encode())
    here.update(str(table).encode())
    assert digests == {here.hexdigest()}
