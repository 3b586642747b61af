"""Pydantic models of a unit's content: concepts, tips, misconceptions, marking points, questions.

One YAML file per unit (``svcworkbook/content/NN_slug.yaml``) is validated against ``Unit``.
Every entry taken from a syllabus source keeps that source's line in ``source`` so the coverage
test can prove that nothing in the sources was left out.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

EVIDENCE_TYPES = (
    "observation",
    "witness testimony",
    "work product",
    "reflective account",
    "customer feedback",
    "professional discussion",
    "data extract",
)


class FieldProblems(ValueError):
    """Problems found by a cross-field check, each as (field path, message).

    The path is relative to the model that raised it, e.g. ``misconceptions[2].concept``; the
    loader prefixes the path of that model inside the file so a content author can find the line.
    """

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Concept(_Strict):
    """A key concept: its name as the source gives it and the workbook's explanation."""

    id: str = Field(pattern=r"^U[1-5]\.C[0-9]+$")
    name: str
    explanation: str
    source: str
    in_practice: str = ""
    #: the statute sections or official guidance behind what the explanation says about the law
    references: list[str] = Field(default_factory=list)


class Tip(_Strict):
    """An exam tip or revision strategy, in the workbook's words, with the source line."""

    id: str = Field(pattern=r"^U[1-5]\.T[0-9]+$")
    text: str
    source: str
    concept: str | None = None


class Misconception(_Strict):
    """A mistaken belief, the correction, and why it matters to an assessor."""

    id: str = Field(pattern=r"^U[1-5]\.M[0-9]+$")
    belief: str
    correction: str
    why_it_matters: str
    concept: str
    source: str


class MarkingPoint(_Strict):
    """An examiner marking point, quoted verbatim from the source."""

    id: str = Field(pattern=r"^U[1-5]\.MP[0-9]+$")
    text: str
    concepts: list[str] = Field(min_length=1)
    evidence_examples: list[str] = Field(default_factory=list)


#: The kinds of question: three where the learner picks an option, one where they work a figure out.
QUESTION_KINDS = ("multiple_choice", "true_false", "marking_point", "numeric")

#: The kinds answered by choosing one of ``options``.
CHOICE_KINDS = ("multiple_choice", "true_false", "marking_point")


class Question(_Strict):
    """A quiz question, with its answer and an explanation (the question model the quizzes use).

    The fields, for every front end that shows a quiz (the notebook widget, the static site):

    - ``kind``: ``multiple_choice`` (one right option of 3-4), ``true_false`` (options exactly
      ``["True", "False"]``), ``marking_point`` (which examiner marking point does this evidence
      meet; options start with the marking point id), or ``numeric`` (the learner works a figure
      out from numbers in the prompt and types it; no options).
    - ``prompt``: the question, in short plain sentences.
    - ``options``: the choices, in the order written (quizzes shuffle them when shown); empty for
      ``numeric``.
    - ``answer``: for a choice kind, the index in ``options`` of the right option (0-based); for
      ``numeric``, the right figure (a number, in ``answer_unit``).
    - ``tolerance``: numeric only: an answer within plus or minus this of ``answer`` is right
      (rounding). ``answer_unit``: numeric only: what the figure is in ("%", "advisers").
    - ``explanation``: why the answer is right; for ``numeric``, the worked method.
    - ``concept``, ``marking_point``, ``misconception``: the ids the question tests (at least a
      concept or a marking point); a question linked to a misconception is built on it.
    """

    id: str = Field(pattern=r"^U[1-5]\.Q[0-9]+$")
    kind: Literal["multiple_choice", "true_false", "marking_point", "numeric"]
    prompt: str
    options: list[str] = Field(default_factory=list)
    answer: int | float
    explanation: str
    tolerance: float | None = Field(default=None, ge=0)
    answer_unit: str = ""
    concept: str | None = None
    marking_point: str | None = None
    misconception: str | None = None

    @property
    def is_numeric(self) -> bool:
        """True for a question answered by typing a figure."""
        return self.kind == "numeric"

    def accepts(self, value: float) -> bool:
        """A numeric answer is right when |value - answer| <= tolerance."""
        return abs(float(value) - float(self.answer)) <= (self.tolerance or 0.0) + 1e-9

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> Question:
        problems = _numeric_problems(self) if self.is_numeric else _choice_problems(self)
        if self.concept is None and self.marking_point is None:
            problems.append(("concept", "a question links to a concept or a marking point"))
        if problems:
            raise FieldProblems(problems)
        return self


def _choice_problems(q: Question) -> list[tuple[str, str]]:
    """Rules of a question answered by choosing: answer an index, options distinct, shapes."""
    problems: list[tuple[str, str]] = []
    if len(q.options) < 2:
        problems.append(("options", f"a {q.kind} question needs at least 2 options"))
    if isinstance(q.answer, float) or not 0 <= q.answer < max(len(q.options), 1):
        problems.append(("answer", f"{q.answer} is not an option index (0..{len(q.options) - 1})"))
    if len(set(q.options)) != len(q.options):
        problems.append(("options", "options must be distinct"))
    if q.kind == "true_false" and q.options != ["True", "False"]:
        problems.append(("options", "a true_false question has options ['True', 'False']"))
    if q.kind == "marking_point" and q.marking_point is None:
        problems.append(
            ("marking_point", "a marking_point question names the marking point it tests")
        )
    if q.tolerance is not None or q.answer_unit:
        problems.append(("tolerance", "only a numeric question has a tolerance or answer_unit"))
    return problems


def _numeric_problems(q: Question) -> list[tuple[str, str]]:
    """Rules of a numeric question: no options, a tolerance and the unit of the answer."""
    problems: list[tuple[str, str]] = []
    if q.options:
        problems.append(("options", "a numeric question has no options (the learner types it)"))
    if q.tolerance is None:
        problems.append(("tolerance", "a numeric question needs a tolerance, e.g. 0.5"))
    if not q.answer_unit:
        problems.append(("answer_unit", "a numeric question says what its answer is in, e.g. %"))
    return problems


class Unit(_Strict):
    """One unit of the qualification, as data."""

    number: int = Field(ge=1, le=5)
    slug: str = Field(pattern=r"^[a-z_]+$")
    title: str
    covers: str
    source_file: str
    synopsis: str
    concepts: list[Concept] = Field(min_length=1)
    tips: list[Tip] = Field(min_length=1)
    misconceptions: list[Misconception] = Field(min_length=1)
    marking_points: list[MarkingPoint] = Field(min_length=1)
    questions: list[Question] = Field(default_factory=list)

    @model_validator(mode="after")
    def _links_resolve(self) -> Unit:
        problems = _id_problems(self) + _link_problems(self)
        if problems:
            raise FieldProblems(problems)
        return self

    def concept(self, concept_id: str) -> Concept:
        """The concept with this id (KeyError naming the known ids if there is none)."""
        return _find(self.concepts, concept_id, f"unit {self.number} concept")

    def misconception(self, misconception_id: str) -> Misconception:
        """The misconception with this id (KeyError naming the known ids if there is none)."""
        return _find(self.misconceptions, misconception_id, f"unit {self.number} misconception")

    def marking_point(self, mp_id: str) -> MarkingPoint:
        """The marking point with this id (KeyError naming the known ids if there is none)."""
        return _find(self.marking_points, mp_id, f"unit {self.number} marking point")


def _find(entries, entry_id: str, what: str):
    """The entry whose id is entry_id, or a KeyError that lists the ids there are."""
    for entry in entries:
        if entry.id == entry_id:
            return entry
    raise KeyError(f"no {what} {entry_id!r}; known: {', '.join(e.id for e in entries)}")


_GROUPS = ("concepts", "tips", "misconceptions", "marking_points", "questions")


def _id_problems(unit: Unit) -> list[tuple[str, str]]:
    """Ids that are repeated or do not start with the unit's prefix (U1. for unit 1)."""
    prefix = f"U{unit.number}."
    seen: dict[str, str] = {}
    problems = []
    for group in _GROUPS:
        for i, entry in enumerate(getattr(unit, group)):
            path = f"{group}[{i}].id"
            if not entry.id.startswith(prefix):
                problems.append((path, f"{entry.id} must start with {prefix!r}"))
            if entry.id in seen:
                problems.append((path, f"duplicate id {entry.id} (first used at {seen[entry.id]})"))
            else:
                seen[entry.id] = path
    return problems


def _link_problems(unit: Unit) -> list[tuple[str, str]]:
    """Links from tips, misconceptions, marking points and questions to ids that do not exist."""
    known = {
        "concept": {c.id for c in unit.concepts},
        "marking point": {m.id for m in unit.marking_points},
        "misconception": {m.id for m in unit.misconceptions},
    }
    links: list[tuple[str, str, str | None]] = []
    links += [(f"tips[{i}].concept", "concept", t.concept) for i, t in enumerate(unit.tips)]
    links += [
        (f"misconceptions[{i}].concept", "concept", m.concept)
        for i, m in enumerate(unit.misconceptions)
    ]
    links += [
        (f"marking_points[{i}].concepts[{j}]", "concept", c)
        for i, mp in enumerate(unit.marking_points)
        for j, c in enumerate(mp.concepts)
    ]
    for i, q in enumerate(unit.questions):
        links += [
            (f"questions[{i}].concept", "concept", q.concept),
            (f"questions[{i}].marking_point", "marking point", q.marking_point),
            (f"questions[{i}].misconception", "misconception", q.misconception),
        ]
    return [
        (path, f"unknown {kind} {target!r} (known: {', '.join(sorted(known[kind]))})")
        for path, kind, target in links
        if target is not None and target not in known[kind]
    ]


class GlossaryTerm(_Strict):
    """A technical term in plain words, with the unit where a learner first meets it."""

    term: str = Field(min_length=1)
    meaning: str = Field(min_length=1)
    unit: int = Field(ge=1, le=5)


class Glossary(_Strict):
    """The workbook's glossary: terms in alphabetical order, each once."""

    terms: list[GlossaryTerm] = Field(min_length=1)

    @model_validator(mode="after")
    def _sorted_and_unique(self) -> Glossary:
        keys = [t.term.casefold() for t in self.terms]
        problems = [
            (f"terms[{i}].term", f"{self.terms[i].term!r} is listed twice")
            for i, key in enumerate(keys)
            if key in keys[:i]
        ]
        if keys != sorted(keys):
            problems.append(("terms", "keep the terms in alphabetical order"))
        if problems:
            raise FieldProblems(problems)
        return self

    def find(self, term: str) -> GlossaryTerm:
        """The entry for a term, matched on its start ('WAPE' finds 'WAPE (weighted ...)')."""
        wanted = term.casefold()
        for entry in self.terms:
            name = entry.term.casefold()
            if name == wanted or name.startswith(wanted + " ") or name.startswith(wanted + "'"):
                return entry
        raise KeyError(f"no glossary term {term!r}; known: {', '.join(t.term for t in self.terms)}")
