"""Checking a unit's content against its syllabus source, and its question bank for gaps.

A syllabus source (see ``tests/fixtures/syllabus/``) is plain text: a synopsis after the line
``Topic Synopsis`` and four sections whose entries are lines starting ``- ``. The rule this module
checks: everything in the source is in the unit (concepts by name and line, tips and misconceptions
by their ``source`` line, marking points word for word), and nothing in the unit claims a source
line that is not there (no invented marking points).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from svcworkbook.content import fairness
from svcworkbook.content.models import QUESTION_KINDS, Unit
from svcworkbook.errors import ContentError

#: Section headings in a syllabus source, and the field of ``Syllabus`` each one fills.
SECTIONS = {
    "Key Concepts & Core Principles": "concepts",
    "Exam Tips & Revision Strategies": "tips",
    "Common Misconceptions & Mistakes to Avoid": "misconceptions",
    "Examiner Marking Points": "marking_points",
}

#: The smallest question bank a unit may have.
MIN_QUESTIONS = 12

#: Each unit has at least this many numeric questions (the learner works a figure out).
MIN_NUMERIC = 2


@dataclass(frozen=True)
class Syllabus:
    """The entries of one syllabus source, each the text after ``- `` exactly as written."""

    file_name: str
    synopsis: str
    concepts: tuple[str, ...]
    tips: tuple[str, ...]
    misconceptions: tuple[str, ...]
    marking_points: tuple[str, ...]

    @property
    def concept_names(self) -> tuple[str, ...]:
        """Each concept's name: its line up to the first colon."""
        return tuple(line.split(":", 1)[0].strip() for line in self.concepts)


def read_syllabus(path: str | Path) -> Syllabus:
    """Parse a syllabus source into its synopsis and four lists of ``- `` entries."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    entries: dict[str, list[str]] = {field: [] for field in SECTIONS.values()}
    synopsis, section = "", None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line == "Topic Synopsis":
            section = "synopsis"
        elif line in SECTIONS:
            section = SECTIONS[line]
        elif not line or section is None:
            continue  # blank lines, and the preview line before "Topic Synopsis"
        elif section == "synopsis":
            synopsis = f"{synopsis} {line}".strip()
        elif line.startswith("- "):
            entries[section].append(line[2:])
        else:
            raise ContentError(
                f"{path.name}: line {number}: expected an entry starting '- ' in the "
                f"section for {section}, found {line[:60]!r}"
            )
    empty = [heading for heading, field in SECTIONS.items() if not entries[field]]
    if empty or not synopsis:
        missing = (["Topic Synopsis"] if not synopsis else []) + empty
        raise ContentError(f"{path.name}: no entries under: {', '.join(missing)}")
    return Syllabus(path.name, synopsis, **{k: tuple(v) for k, v in entries.items()})


def syllabus_gaps(unit: Unit, syllabus: Syllabus) -> list[str]:
    """Everything in the source missing from the unit, and everything the unit invents.

    Rule: every source concept name is a concept's ``name`` and its line a concept's ``source``;
    every tip and misconception line is some entry's ``source``; every marking point line is,
    verbatim, some marking point's ``text``, each exactly once; and, the other way round, no
    concept, tip, misconception or marking point cites a line the source does not have.
    """
    gaps: list[str] = []
    if unit.source_file != syllabus.file_name:
        gaps.append(f"unit source_file {unit.source_file!r} is not {syllabus.file_name!r}")
    names = {c.name for c in unit.concepts}
    gaps += [f"concept name not in unit: {n!r}" for n in syllabus.concept_names if n not in names]
    groups = [
        ("concept", syllabus.concepts, [(c.id, c.source) for c in unit.concepts]),
        ("tip", syllabus.tips, [(t.id, t.source) for t in unit.tips]),
        ("misconception", syllabus.misconceptions, [(m.id, m.source) for m in unit.misconceptions]),
        ("marking point", syllabus.marking_points, [(m.id, m.text) for m in unit.marking_points]),
    ]
    for kind, source_lines, cited in groups:
        cited_lines = {line for _, line in cited}
        gaps += [
            f"{kind} line not in unit: {line!r}" for line in source_lines if line not in cited_lines
        ]
        gaps += [
            f"{kind} {entry_id} is not a line of {syllabus.file_name}: {line!r}"
            for entry_id, line in cited
            if line not in source_lines
        ]
    repeated = Counter(m.text for m in unit.marking_points)
    gaps += [f"marking point quoted {n} times: {text!r}" for text, n in repeated.items() if n > 1]
    return gaps


def question_bank_gaps(unit: Unit, minimum: int = MIN_QUESTIONS) -> list[str]:
    """What a unit's question bank lacks: enough questions, every kind (two numeric), every
    misconception tested, and no give-away cue (``fairness.cue_problems``)."""
    gaps: list[str] = []
    if len(unit.questions) < minimum:
        gaps.append(f"unit {unit.number} has {len(unit.questions)} questions; at least {minimum}")
    kinds = {q.kind for q in unit.questions}
    for kind in QUESTION_KINDS:
        if kind not in kinds:
            gaps.append(f"unit {unit.number} has no {kind} question")
    numeric = sum(q.kind == "numeric" for q in unit.questions)
    if 0 < numeric < MIN_NUMERIC:
        gaps.append(f"unit {unit.number} has {numeric} numeric question; at least {MIN_NUMERIC}")
    tested = {q.misconception for q in unit.questions}
    gaps += [
        f"misconception {m.id} is not the basis of any question"
        for m in unit.misconceptions
        if m.id not in tested
    ]
    return gaps + fairness.cue_problems(unit)
