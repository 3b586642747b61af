"""Showing a unit's content in a notebook: header, concept cards, misconceptions, tips, checklist.

Every function returns a ``Shown`` (see ``svcworkbook.display``): accessible HTML for JupyterLab
and HTML reports, and wrapped plain text for ``print()``, papermill and nbval. All content text is
escaped with ``html.escape``; the output has no random ids or dates, so it is the same every run.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Mapping, Sequence

from svcworkbook.content.models import Unit
from svcworkbook.display import Shown

#: Width of wrapped plain text.
TEXT_WIDTH = 88

#: Accent colours (seaborn's colour-blind palette); the words, not the colours, carry meaning.
ACCENTS = {
    "concept": "#0173b2",
    "misconception": "#d55e00",
    "tip": "#029e73",
    "marking point": "#cc78bc",
}


def _e(text: object) -> str:
    """Escape text for HTML (including quotes, so it is safe in attributes too)."""
    return html.escape(str(text), quote=True)


def _paragraphs(text: str) -> list[str]:
    """Split content text into paragraphs at line breaks."""
    return [p.strip() for p in text.split("\n") if p.strip()]


def _html_paragraphs(text: str, lead: str = "") -> str:
    """Text as escaped <p> paragraphs, the first starting with an optional bold lead-in."""
    parts = []
    for i, para in enumerate(_paragraphs(text)):
        head = f"<strong>{_e(lead)}</strong> " if lead and i == 0 else ""
        parts.append(f'<p style="margin:.3rem 0">{head}{_e(para)}</p>')
    return "".join(parts)


def _wrap(text: str, indent: str = "", lead: str = "", hang: str | None = None) -> str:
    """Text wrapped to TEXT_WIDTH with paragraphs kept.

    The first line starts with ``indent`` and an optional ``lead`` ("In fact:"); later lines are
    indented by ``hang`` (default: ``indent``), so "1. ..." and "- ..." lists hang neatly.
    """
    rest = indent if hang is None else hang
    paragraphs = _paragraphs(text)
    lines = []
    for i, para in enumerate(paragraphs):
        first = f"{indent}{lead} " if lead and i == 0 else rest if i else indent
        lines.append(
            textwrap.fill(
                para,
                TEXT_WIDTH,
                initial_indent=first,
                subsequent_indent=rest,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def _heading(text: str, underline: str = "-") -> str:
    """A plain-text heading underlined to its length."""
    return f"{text}\n{underline * len(text)}"


def _card(kind: str, label: str, body: str) -> str:
    """An <article> card with an accent border and an accessible label."""
    style = (
        f"border:1px solid #9a9a9a;border-left:4px solid {ACCENTS[kind]};border-radius:4px;"
        "padding:.4rem .8rem;margin:.5rem 0"
    )
    return f'<article class="svc-card svc-{kind.replace(" ", "-")}" aria-label="{_e(label)}" style="{style}">{body}</article>'


def _title_line(text: str) -> str:
    """A card's bold first line."""
    return f'<p style="margin:.2rem 0"><strong>{_e(text)}</strong></p>'


def _section_heading(text: str) -> str:
    """A section title marked as a heading for screen readers (kept out of the notebook contents)."""
    return (
        f'<p role="heading" aria-level="3" style="font-size:1.15em;font-weight:bold;'
        f'margin:.6rem 0 .3rem">{_e(text)}</p>'
    )


def _count(n: int, word: str) -> str:
    """'1 tip', '3 tips'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def show_unit_header(unit: Unit) -> Shown:
    """The unit's title, synopsis and what it contains."""
    title = f"Unit {unit.number}: {unit.title}"
    contents = ", ".join(
        [
            _count(len(unit.concepts), "key concept"),
            _count(len(unit.tips), "revision tip"),
            _count(len(unit.misconceptions), "misconception"),
            _count(len(unit.marking_points), "marking point"),
            _count(len(unit.questions), "quiz question"),
        ]
    )
    html_text = (
        f'<section class="svc-unit-header" aria-label="{_e(title)}">'
        f'<p role="heading" aria-level="2" style="font-size:1.4em;font-weight:bold;margin:.3rem 0">'
        f"{_e(title)}</p>"
        f"{_html_paragraphs(unit.synopsis)}"
        f'<p style="margin:.3rem 0;font-size:.9em">This unit has {_e(contents)}. '
        f"Syllabus source: {_e(unit.source_file)}.</p></section>"
    )
    plain = "\n".join(
        [
            _heading(title, "="),
            _wrap(unit.synopsis),
            "",
            _wrap(f"This unit has {contents}. Syllabus source: {unit.source_file}."),
        ]
    )
    return Shown(html_text, plain)


def show_concepts(unit: Unit) -> Shown:
    """One card per key concept: name, explanation and a contact-centre example."""
    cards, texts = [], [_heading(f"Key concepts: unit {unit.number}")]
    for c in unit.concepts:
        practice = _html_paragraphs(c.in_practice, "In practice:") if c.in_practice else ""
        refs = "; ".join(c.references)
        cited = (
            f'<p style="margin:.3rem 0;font-size:.9em"><strong>Sources:</strong> {_e(refs)}</p>'
            if refs
            else ""
        )
        body = _title_line(f"{c.id} {c.name}") + _html_paragraphs(c.explanation) + practice + cited
        cards.append(_card("concept", f"Key concept {c.id}: {c.name}", body))
        text = [f"{c.id} {c.name}", _wrap(c.explanation, "  ")]
        if c.in_practice:
            text.append(_wrap(c.in_practice, "  ", "In practice:"))
        if refs:
            text.append(_wrap(refs, "  ", "Sources:"))
        texts.append("\n".join(text))
    html_text = (
        f'<section class="svc-concepts">{_section_heading(f"Key concepts: unit {unit.number}")}'
        f"{''.join(cards)}</section>"
    )
    return Shown(html_text, "\n\n".join(texts))


def show_misconceptions(unit: Unit) -> Shown:
    """One card per misconception: the mistaken belief, the correction and why it matters."""
    cards, texts = [], [_heading(f"Common misconceptions: unit {unit.number}")]
    for m in unit.misconceptions:
        concept = unit.concept(m.concept)
        body = (
            _title_line(f"{m.id} Misconception: {m.belief}")
            + _html_paragraphs(m.correction, "In fact:")
            + _html_paragraphs(m.why_it_matters, "Why it matters:")
            + f'<p style="margin:.3rem 0;font-size:.9em">Concept: {_e(concept.id)} {_e(concept.name)}</p>'
        )
        cards.append(_card("misconception", f"Misconception {m.id}", body))
        texts.append(
            "\n".join(
                [
                    _wrap(m.belief, "", f"{m.id} Misconception:", hang="  "),
                    _wrap(m.correction, "  ", "In fact:"),
                    _wrap(m.why_it_matters, "  ", "Why it matters:"),
                    f"  Concept: {concept.id} {concept.name}",
                ]
            )
        )
    html_text = (
        '<section class="svc-misconceptions">'
        f"{_section_heading(f'Common misconceptions: unit {unit.number}')}{''.join(cards)}</section>"
    )
    return Shown(html_text, "\n\n".join(texts))


def show_tips(unit: Unit) -> Shown:
    """The revision and portfolio tips as a numbered list, each with the concept it supports."""
    items, texts = [], [_heading(f"Revision and portfolio tips: unit {unit.number}")]
    for i, t in enumerate(unit.tips, start=1):
        about = f" (concept: {unit.concept(t.concept).name})" if t.concept else ""
        items.append(f'<li style="margin:.3rem 0">{_e(t.text)}<em>{_e(about)}</em></li>')
        texts.append(_wrap(t.text + about, "", f"{i}.", hang="   "))
    html_text = (
        '<section class="svc-tips">'
        f"{_section_heading(f'Revision and portfolio tips: unit {unit.number}')}"
        f'<ol style="border-left:4px solid {ACCENTS["tip"]};padding-left:2rem">{"".join(items)}</ol>'
        "</section>"
    )
    return Shown(html_text, "\n".join(texts))


def _checked_ids(unit: Unit, checked: Iterable[str] | str) -> set[str]:
    """The marking point ids ticked, checked against the unit (ValueError for unknown ids)."""
    ids = {checked} if isinstance(checked, str) else set(checked)
    known = [mp.id for mp in unit.marking_points]
    unknown = sorted(ids - set(known))
    if unknown:
        raise ValueError(
            f"checked names marking points unit {unit.number} does not have: "
            f"{', '.join(unknown)}; its marking points are {', '.join(known)}"
        )
    return ids


def show_marking_points(
    unit: Unit,
    checked: Iterable[str] | str = (),
    evidence: Mapping[str, Sequence[str]] | None = None,
) -> Shown:
    """A self-assessment checklist of the marking points (quoted verbatim) with evidence ideas.

    ``evidence`` maps a marking point id to the evidence logged for it (one line each, e.g.
    "1. Call observation (observation, 2026-03-02)"); a point with evidence counts as evidenced.
    """
    evidence = {k: list(v) for k, v in (evidence or {}).items() if v}
    done = _checked_ids(unit, checked) | _checked_ids(unit, evidence)
    n_done = sum(mp.id in done for mp in unit.marking_points)
    title = f"Marking points: unit {unit.number}"
    summary = f"{n_done} of {len(unit.marking_points)} evidenced"
    items, texts = [], [_heading(title), summary]
    for mp in unit.marking_points:
        ticked = mp.id in done
        box, status = ("\u2611", "evidenced") if ticked else ("\u2610", "not yet evidenced")
        concepts = "; ".join(f"{c} {unit.concept(c).name}" for c in mp.concepts)
        ideas = "".join(f"<li>{_e(x)}</li>" for x in mp.evidence_examples)
        ideas_html = (
            f'<p style="margin:.3rem 0 0">Evidence ideas:</p><ul style="margin:.1rem 0">{ideas}</ul>'
            if ideas
            else ""
        )
        logged = evidence.get(mp.id, [])
        if logged:
            items_html = "".join(f"<li>{_e(x)}</li>" for x in logged)
            ideas_html = (
                f'<p style="margin:.3rem 0 0">Evidence logged:</p>'
                f'<ul class="svc-logged" style="margin:.1rem 0">{items_html}</ul>{ideas_html}'
            )
        body = (
            f'<p style="margin:.2rem 0"><span aria-hidden="true">{box}</span> '
            f"<strong>{_e(mp.id)}</strong> ({_e(status)}): \u201c{_e(mp.text)}\u201d</p>"
            f'<p style="margin:.3rem 0;font-size:.9em">Concepts: {_e(concepts)}</p>{ideas_html}'
        )
        items.append(
            f'<li style="list-style:none;border-left:4px solid {ACCENTS["marking point"]};'
            f'padding:.2rem .8rem;margin:.5rem 0">{body}</li>'
        )
        text = [
            _wrap(f"\u201c{mp.text}\u201d", "", f"[{'x' if ticked else ' '}] {mp.id}", hang="    "),
            _wrap(f"Concepts: {concepts}", "    "),
        ]
        if logged:
            text.append("    Evidence logged:")
            text += [_wrap(x, "    ", "-", hang="      ") for x in logged]
        if mp.evidence_examples:
            text.append("    Evidence ideas:")
            text += [_wrap(x, "    ", "-", hang="      ") for x in mp.evidence_examples]
        texts.append("\n".join(text))
    html_text = (
        f'<section class="svc-marking-points" aria-label="{_e(title)}">'
        f'{_section_heading(title)}<p style="margin:.2rem 0">{_e(summary)}</p>'
        f'<ul style="padding-left:0">{"".join(items)}</ul></section>'
    )
    return Shown(html_text, "\n\n".join([texts[0] + "\n" + texts[1], *texts[2:]]))


def units_table(units: Iterable[Unit] | None = None) -> Shown:
    """A table of the units: number, title, what it covers, and how many marking points."""
    if units is None:
        from svcworkbook.content.loader import all_units

        units = all_units()
    units = list(units)
    rows = "".join(
        f"<tr><td>{u.number}</td><td>{_e(u.title)}</td><td>{_e(u.covers)}</td>"
        f'<td style="text-align:right">{len(u.marking_points)}</td></tr>'
        for u in units
    )
    headers = ("Unit", "Title", "What it covers", "Marking points")
    head = "".join(f'<th scope="col" style="text-align:left">{h}</th>' for h in headers)
    html_text = (
        '<table class="svc-table svc-units"><caption>The units of the workbook</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )
    title_width = max([len("Title"), *(len(u.title) for u in units)])
    lines = [f"{'Unit':<5} {'Title':<{title_width}}  {'Marking points':>14}"]
    for u in units:
        lines.append(f"{u.number:<5} {u.title:<{title_width}}  {len(u.marking_points):>14}")
        lines.append(_wrap(u.covers, " " * 6))
    return Shown(html_text, "\n".join(lines))
