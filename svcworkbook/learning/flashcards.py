"""Flashcards of a unit's concepts and marking points, scheduled by FSRS, and Anki export.

Each card is atomic: the back holds one idea in at most ``BACK_LIMIT`` (300) characters, the
opening sentences of the explanation; the rest sits behind a "More" toggle. Scheduling is FSRS
(``svcworkbook.learning.scheduling``): rate a card Again, Hard, Good or Easy and it comes back
when the chance of recalling it falls to the chosen retention (default 90%). Give the exam date
and no card is left to fall below that retention on the day. A card rated Again (or still in its
first learning steps) comes back later in the same session. States are saved with the learner's
progress; old Leitner boxes are migrated to FSRS when read, never lost.

    from svcworkbook.learning.flashcards import flashcards, export_anki
    flashcards(1, learner="sam", exam=date(2027, 6, 14))   # Again / Hard / Good / Easy
    export_anki([1, 2], "deck.apkg")                         # the same cards, for Anki
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from svcworkbook.content.models import Unit
from svcworkbook.learning import progress, scheduling
from svcworkbook.learning.scheduling import LEITNER_DAYS, RATINGS, CardState

#: The longest back of a card, in characters: one idea, readable at a glance.
BACK_LIMIT = 300

#: Days between reviews in the old Leitner boxes (kept for old files and the static site).
INTERVAL_DAYS = LEITNER_DAYS


@dataclass(frozen=True)
class Card:
    """One flashcard: id (a concept or marking point id), unit, kind, front, back and more."""

    id: str
    unit: int
    kind: str
    front: str
    back: str
    more: str = ""


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"\u201c(])")


def split_back(text: str, limit: int = BACK_LIMIT) -> tuple[str, str]:
    """(back, more): whole opening sentences of ``text`` up to ``limit`` characters, then the rest.

    A first sentence longer than the limit is cut at the last word that fits, with an ellipsis.
    """
    text = " ".join(text.split())
    sentences = _SENTENCE_END.split(text)
    back = ""
    for i, sentence in enumerate(sentences):
        candidate = f"{back} {sentence}".strip()
        if len(candidate) > limit:
            if not back:
                cut = sentence[: limit - 1].rsplit(" ", 1)[0]
                return cut + "\u2026", text[len(cut) :].strip()
            return back, " ".join(sentences[i:])
        back = candidate
    return back, ""


def concept_card(unit: Unit, concept) -> Card:
    """Front: the concept's name; back: the explanation's opening; more: the rest, in practice."""
    paragraphs = [p for p in concept.explanation.strip().split("\n\n") if p.strip()]
    back, rest = split_back(paragraphs[0] if paragraphs else concept.explanation)
    more = [rest] if rest else []
    more += [" ".join(p.split()) for p in paragraphs[1:]]
    if concept.in_practice:
        more.append(f"In practice: {' '.join(concept.in_practice.split())}")
    front = f"{concept.name}: what does it mean, and what does it look like at work?"
    return Card(concept.id, unit.number, "concept", front, back, "\n\n".join(more))


def marking_point_card(unit: Unit, point) -> Card:
    """Front: the marking point verbatim; back: the concepts it needs and one piece of evidence."""
    names = "; ".join(unit.concept(c).name for c in point.concepts)
    examples = [" ".join(e.split()) for e in point.evidence_examples]
    back = f"Concepts: {names}."
    more = examples[1:]
    if examples:
        example, rest = split_back(examples[0], BACK_LIMIT - len(back) - len(" For example: "))
        back += f" For example: {example}"
        more = ([rest] if rest else []) + more
    front = f"Marking point {point.id}: \u201c{point.text}\u201d What evidence would meet it?"
    extra = "\n".join(f"- {e}" for e in more)
    return Card(point.id, unit.number, "marking point", front, back,
                f"More evidence that could meet it:\n{extra}" if extra else "")  # fmt: skip


def unit_cards(unit: Unit) -> list[Card]:
    """All of a unit's cards: its concepts, then its marking points, in content order."""
    return [concept_card(unit, c) for c in unit.concepts] + [
        marking_point_card(unit, p) for p in unit.marking_points
    ]


def _as_unit(unit: Unit | int | str) -> Unit:
    """A Unit object from a Unit, a unit number or a slug."""
    if isinstance(unit, Unit):
        return unit
    from svcworkbook.content import load_unit

    return load_unit(unit)


def _now() -> datetime:
    """The current time (UTC)."""
    return datetime.now(UTC)


def saved_states(
    learner: str | None = None, home: str | Path | None = None
) -> dict[str, CardState]:
    """The learner's saved card states by card id (old Leitner states migrated to FSRS)."""
    cards = progress.load_progress(learner, home).cards
    return {card: CardState.from_dict(state) for card, state in cards.items()}


def record_review(
    card_id: str,
    rating: str,
    *,
    learner: str | None = None,
    home: str | Path | None = None,
    now: datetime | None = None,
    exam: date | None = None,
    retention: float = scheduling.DEFAULT_RETENTION,
) -> CardState:
    """Apply one review to the saved state of a card (under the progress lock) and return it."""
    now = now or _now()
    result: dict[str, CardState] = {}

    def change(data: dict[str, Any]) -> dict[str, Any]:
        saved = data["cards"].get(card_id)
        state = CardState.from_dict(saved) if saved else scheduling.new_state(now)
        result["state"] = scheduling.review(state, rating, now, exam=exam, retention=retention)
        data["cards"][card_id] = result["state"].to_dict()
        return data

    progress.update_progress(change, learner, home)
    return result["state"]


def migrate_leitner(learner: str | None = None, home: str | Path | None = None) -> int:
    """Rewrite any old Leitner card states in the learner's file as FSRS; returns how many."""
    moved = {"n": 0}

    def change(data: dict[str, Any]) -> dict[str, Any]:
        for card_id, state in list(data["cards"].items()):
            if "fsrs" not in state:
                data["cards"][card_id] = CardState.from_dict(state).to_dict()
                moved["n"] += 1
        return data

    progress.update_progress(change, learner, home)
    return moved["n"]


def due_cards(card_ids: Sequence[str], states: dict[str, CardState], now: datetime) -> list[str]:
    """Cards due by the end of today (unseen cards count as due), most overdue first."""
    order = {card: i for i, card in enumerate(card_ids)}
    today = now.date()
    current = {card: states.get(card) or scheduling.new_state(now) for card in card_ids}
    due = [card for card in card_ids if scheduling.due_today(current[card], today)]
    return sorted(due, key=lambda c: (current[c].due, order[c]))


def _html_text(text: str) -> str:
    """Escape text for HTML, keeping its line breaks."""
    return html.escape(text).replace("\n", "<br>")


def _back_html(card: Card) -> str:
    """The back of a card as HTML: the short answer, then the rest behind a "More" toggle."""
    more = (
        f"<details class='svc-card-more'><summary>More</summary>{_html_text(card.more)}</details>"
        if card.more
        else ""
    )
    return f"<p>{_html_text(card.back)}</p>{more}"


class Flashcards:
    """A flashcard session for one unit: a widget in JupyterLab, plain text/HTML elsewhere.

    The queue is today's due cards; a card rated so that FSRS wants it again today (Again, or a
    new card still in its learning steps) goes back to the end of the queue.
    """

    def __init__(
        self,
        unit: Unit,
        learner: str | None = None,
        home: str | Path | None = None,
        now: datetime | None = None,
        exam: date | None = None,
        retention: float = scheduling.DEFAULT_RETENTION,
    ):
        scheduling.scheduler(retention)  # a bad retention fails here, not at the first card
        self.unit = unit
        self.learner = learner
        self.home = home
        self.now = now or _now()
        self.exam = exam
        self.retention = retention
        self.cards = {card.id: card for card in unit_cards(unit)}
        saved = progress.load_progress(learner, home).cards
        if any("fsrs" not in state for state in saved.values()):
            migrate_leitner(learner, home)  # old Leitner boxes rewritten once, old state kept
        self.states = {k: v for k, v in saved_states(learner, home).items() if k in self.cards}
        self.queue = due_cards(list(self.cards), self.states, self.now)
        self.position = 0
        self.reviewed = 0
        self._widget = None

    @property
    def current(self) -> Card | None:
        """The card being shown, or None when today's cards are done."""
        return self.cards[self.queue[self.position]] if self.position < len(self.queue) else None

    def answer(self, rating: str | bool, at: datetime | None = None) -> CardState:
        """Rate the current card (again, hard, good, easy; True = good, False = again), move on."""
        if isinstance(rating, bool):
            rating = "good" if rating else "again"
        card = self.current
        if card is None:
            raise ValueError("no card left to review today; come back tomorrow")
        when = at or max(self.now, _now())
        state = record_review(
            card.id,
            rating,
            learner=self.learner,
            home=self.home,
            now=when,
            exam=self.exam,
            retention=self.retention,
        )
        self.states[card.id] = state
        self.position += 1
        self.reviewed += 1
        if scheduling.due_today(state, when.date()):
            self.queue.append(card.id)  # not learnt yet: it comes back in this session
        return state

    def due_count(self) -> int:
        """Cards still to review in this session (including those coming back)."""
        return len(self.queue) - self.position

    def _counts_text(self) -> str:
        """One line: cards in the unit, due today, and the exam date if there is one."""
        seen = sum(1 for c in self.cards if c in self.states)
        text = f"{len(self.cards)} cards ({seen} reviewed before); {self.due_count()} to review"
        if self.exam:
            text += f"; exam on {self.exam:%d %B %Y}, aiming at {self.retention:.0%} recall"
        return text

    def __str__(self) -> str:
        lines = [
            f"Flashcards: Unit {self.unit.number} {self.unit.title}",
            f"{self._counts_text()}.",
            "Open this notebook in JupyterLab to flip the cards. Fronts:",
        ]
        lines += [f"- {self.cards[c].front}" for c in self.queue[self.position :]]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        fronts = "".join(
            f"<li>{html.escape(self.cards[c].front)}</li>" for c in self.queue[self.position :]
        )
        return (
            f"<div class='svc-flashcards-text'><strong>Flashcards: Unit {self.unit.number} "
            f"{html.escape(self.unit.title)}</strong><p>{html.escape(self._counts_text())}.</p>"
            f"<p>Open this notebook in JupyterLab to flip the cards. Fronts:</p><ul>{fronts}</ul>"
            "</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = str(self)
        bundle["text/html"] = self._repr_html_()
        return bundle

    @property
    def widget(self):
        """The ipywidgets view (built on first use)."""
        if self._widget is None:
            self._widget = _FlashcardWidget(self).box
        return self._widget


#: Flashcard widget colours (text on background), each pair at least 4.5:1 (WCAG AA).
_CARD_CSS = """<style>
.svc-flashcards .svc-card-rate button, .svc-flashcards .svc-card-flip {
  color: #1b1b1b; background: #f3f4f6; border: 1px solid #6b7280; }
.svc-flashcards button:focus-visible { outline: 3px solid #1f4e9c; outline-offset: 2px; }
.svc-flashcards button:disabled { color: #4b5563; background: #e5e7eb; opacity: 1; }
.svc-flashcards .svc-card-more summary { color: #1f4e9c; cursor: pointer; }
</style>"""


class _FlashcardWidget:
    """The ipywidgets controls of a flashcard session: card, Show the back, four ratings."""

    def __init__(self, deck: Flashcards):
        import ipywidgets as w

        self.deck = deck
        self.header = w.HTML()
        self.front = w.HTML()
        self.back = w.HTML()
        self.flip = w.Button(description="Show the back", tooltip="Show the back of the card")
        self.flip.add_class("svc-card-flip")
        self.ratings = []
        for name, (_, words) in RATINGS.items():
            button = w.Button(description=words, disabled=True, layout=w.Layout(width="auto"))
            button.add_class(f"svc-card-{name}")
            button.on_click(lambda _, name=name: self._answer(name))
            self.ratings.append(button)
        self.front.add_class("svc-card-front")
        self.back.add_class("svc-card-back")
        self.flip.on_click(lambda _: self._show_back())
        rate = w.HBox(self.ratings, layout=w.Layout(flex_flow="row wrap"))
        rate.add_class("svc-card-rate")
        parts = [w.HTML(_CARD_CSS), self.header, self.front, self.back, self.flip, rate]
        self.box = w.VBox(parts)
        self.box.add_class("svc-flashcards")
        self._show_front()

    def _show_front(self) -> None:
        """Show the current card's front (or a 'done for today' message)."""
        deck, card = self.deck, self.deck.current
        self.header.value = (
            f"<strong>Unit {deck.unit.number} flashcards</strong>: "
            f"{html.escape(deck._counts_text())}"
        )
        self.back.value = ""
        for button in self.ratings:
            button.disabled = True
        if card is None:
            self.front.value = "<p>All done for today. Each card comes back when it is due.</p>"
            self.flip.disabled = True
            return
        self.front.value = f"<div style='font-size:1.1em'>{_html_text(card.front)}</div>"
        self.flip.disabled = False

    def _show_back(self) -> None:
        """Reveal the back and let the learner rate how well they knew it."""
        card = self.deck.current
        if card is not None:
            self.back.value = f"<div style='border-top:1px solid #6b7280'>{_back_html(card)}</div>"
            self.flip.disabled = True
            for button in self.ratings:
                button.disabled = False

    def _answer(self, rating: str) -> None:
        """Save the review and show the next card; a save failure is shown, not raised."""
        try:
            self.deck.answer(rating)
        except OSError as error:
            self.back.value += f"<p class='svc-error'>Could not save: {html.escape(str(error))}</p>"
            return
        self._show_front()


def flashcards(
    unit: Unit | int | str,
    learner: str | None = None,
    home: str | Path | None = None,
    exam: date | str | None = None,
    retention: float = scheduling.DEFAULT_RETENTION,
    now: datetime | None = None,
) -> Flashcards:
    """Today's flashcards for a unit, scheduled by FSRS toward the exam date if one is given."""
    if isinstance(exam, str):
        try:
            exam = date.fromisoformat(exam.strip())
        except ValueError:
            raise ValueError(
                f"exam date {exam!r} must be written yyyy-mm-dd, e.g. 2027-06-14"
            ) from None
    return Flashcards(_as_unit(unit), learner, home, now, exam, retention)


def stable_id(text: str) -> int:
    """A deterministic Anki id in [2**30, 2**31) from text (first 8 hex digits of its SHA-256)."""
    return (1 << 30) + int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % (1 << 30)


def anki_model():
    """The note type of every card: Front, Back, Card id, More; ids fixed so re-imports update."""
    import genanki

    return genanki.Model(
        stable_id("svcworkbook note type v2"),
        "svcworkbook card",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Card id"}, {"name": "More"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}{{#More}}<details><summary>More"
                "</summary>{{More}}</details>{{/More}}<p class=src>{{Card id}}</p>",
            }
        ],
        css=".card{font-family:sans-serif;font-size:18px;text-align:left}.src{color:#777;font-size:12px}",
    )


def anki_deck_name(unit: Unit) -> str:
    """The Anki deck for a unit, under one parent deck: 'Customer service workbook::Unit 1 ...'."""
    return f"Customer service workbook::Unit {unit.number} {unit.title}"


def export_anki(units: Unit | int | str | Iterable[Unit | int | str], out_path: str | Path) -> Path:
    """Write an Anki package (.apkg) with one deck per unit; ids derive from unit and card ids."""
    import genanki

    if isinstance(units, Unit | int | str):
        units = [units]
    loaded = [_as_unit(u) for u in units]
    if not loaded:
        raise ValueError("export_anki needs at least one unit")
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".apkg":
        raise ValueError(f"{out_path}: an Anki package must end in .apkg")
    model = anki_model()
    decks = []
    for unit in loaded:
        deck = genanki.Deck(stable_id(f"svcworkbook deck unit {unit.number}"), anki_deck_name(unit))
        for card in unit_cards(unit):
            deck.add_note(
                genanki.Note(
                    model=model,
                    fields=[
                        _html_text(card.front),
                        _html_text(card.back),
                        html.escape(card.id),
                        _html_text(card.more),
                    ],
                    guid=genanki.guid_for("svcworkbook", card.id),
                    tags=[f"unit{unit.number}", card.kind.replace(" ", "_")],
                )
            )
        decks.append(deck)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(decks).write_to_file(str(out_path))
    return out_path


def add_flashcards_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the options of ``svcworkbook flashcards``: --unit N (repeatable or 'all'), --out."""
    parser.add_argument(
        "--unit",
        action="append",
        required=True,
        help="unit number 1-5 (repeat for several) or 'all'",
    )
    parser.add_argument("--out", required=True, type=Path, help="the .apkg file to write")
    return parser


def flashcards_command(args: argparse.Namespace) -> int:
    """Run ``svcworkbook flashcards --unit N --out deck.apkg``: write the Anki deck, print where."""
    wanted: list[int | str] = [
        u.strip() for value in args.unit for u in str(value).split(",") if u.strip()
    ]
    try:
        if any(str(u).lower() == "all" for u in wanted):
            from svcworkbook.content import unit_files

            wanted = sorted(unit_files())
        units = [_as_unit(u) for u in wanted]
        path = export_anki(units, args.out)
    except ValueError as error:
        print(f"svcworkbook flashcards: {error}", file=sys.stderr)
        return 2
    count = sum(len(unit_cards(u)) for u in units)
    numbers = ", ".join(str(u.number) for u in units)
    print(f"Wrote {count} flashcards for unit(s) {numbers} to {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m svcworkbook.learning.flashcards --unit 1 --out deck.apkg``."""
    parser = argparse.ArgumentParser(
        prog="svcworkbook flashcards", description="Export unit flashcards to an Anki deck."
    )
    return flashcards_command(add_flashcards_arguments(parser).parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
