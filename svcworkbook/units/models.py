"""Pydantic models of a unit's content: concepts, tips, misconceptions, marking points, questions.

One YAML file per unit (``svcworkbook/units/NN_slug.yaml``) is validated against ``Unit``.
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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Concept(_Strict):
    """A key concept: its name as the source gives it and the workbook's explanation."""

    id: str = Field(pattern=r"^U[1-5]\.C[0-9]+$")
    name: str
    explanation: str
    source: str
    in_practice: str = ""


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


class Question(_Strict):
    """A quiz question with one right answer, plausible distractors and an explanation."""

    id: str = Field(pattern=r"^U[1-5]\.Q[0-9]+$")
    kind: Literal["multiple_choice", "true_false", "marking_point"]
    prompt: str
    options: list[str] = Field(min_length=2)
    answer: int = Field(ge=0)
    explanation: str
    concept: str | None = None
    marking_point: str | None = None
    misconception: str | None = None

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> Question:
        if self.answer >= len(self.options):
            raise ValueError(
                f"answer {self.answer} is not an option index (0..{len(self.options) - 1})"
            )
        if len(set(self.options)) != len(self.options):
            raise ValueError("options must be distinct")
        if self.kind == "true_false" and self.options != ["True", "False"]:
            raise ValueError("a true_false question has options ['True', 'False']")
        if self.kind == "marking_point" and self.marking_point is None:
            raise ValueError("a marking_point question names the marking point it tests")
        if self.concept is None and self.marking_point is None:
            raise ValueError("a question links to a concept or a marking point")
        return self


class Unit(_Strict):
    """One unit of the qualification, as data."""

    number: int = Field(ge=1, le=5)
    slug: str = Field(pattern=r"^[a-z_]+$")
    title: str
    source_file: str
    synopsis: str
    concepts: list[Concept] = Field(min_length=1)
    tips: list[Tip] = Field(min_length=1)
    misconceptions: list[Misconception] = Field(min_length=1)
    marking_points: list[MarkingPoint] = Field(min_length=1)
    questions: list[Question] = Field(default_factory=list)

    @model_validator(mode="after")
    def _links_resolve(self) -> Unit:
        prefix = f"U{self.number}."
        concept_ids = {c.id for c in self.concepts}
        mp_ids = {m.id for m in self.marking_points}
        mc_ids = {m.id for m in self.misconceptions}
        all_ids = [
            e.id
            for group in (
                self.concepts,
                self.tips,
                self.misconceptions,
                self.marking_points,
                self.questions,
            )
            for e in group
        ]
        dupes = sorted({i for i in all_ids if all_ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate ids: {', '.join(dupes)}")
        wrong = [i for i in all_ids if not i.startswith(prefix)]
        if wrong:
            raise ValueError(f"ids must start with {prefix!r}: {', '.join(wrong)}")
        problems = []
        for t in self.tips:
            if t.concept and t.concept not in concept_ids:
                problems.append(f"tip {t.id} links to unknown concept {t.concept}")
        for m in self.misconceptions:
            if m.concept not in concept_ids:
                problems.append(f"misconception {m.id} links to unknown concept {m.concept}")
        for mp in self.marking_points:
            for c in mp.concepts:
                if c not in concept_ids:
                    problems.append(f"marking point {mp.id} links to unknown concept {c}")
        for q in self.questions:
            if q.concept and q.concept not in concept_ids:
                problems.append(f"question {q.id} links to unknown concept {q.concept}")
            if q.marking_point and q.marking_point not in mp_ids:
                problems.append(f"question {q.id} links to unknown marking point {q.marking_point}")
            if q.misconception and q.misconception not in mc_ids:
                problems.append(
                    f"question {q.id} links to unknown misconception {q.misconception}"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def concept(self, concept_id: str) -> Concept:
        """The concept with this id."""
        return next(c for c in self.concepts if c.id == concept_id)

    def marking_point(self, mp_id: str) -> MarkingPoint:
        """The marking point with this id."""
        return next(m for m in self.marking_points if m.id == mp_id)
