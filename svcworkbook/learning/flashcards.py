"""Flashcards of a unit's concepts and marking points, scheduled with Leitner boxes, and Anki export.

Leitner boxes: every card starts in box 1. "Knew it" moves a card up one box (at most box 5);
"Didn't" sends it back to box 1. A card in box b is next due ``INTERVAL_DAYS[b]`` days after its
review (1, 2, 4, 8, 16), so weak cards come back sooner. Boxes are saved with the learner's
progress (``svcworkbook.learning.progress``).

    from svcworkbook.learning.flashcards import flashcards, export_anki
    flashcards(1, learner="sam")                 # flip, "knew it" / "didn't"
    export_anki([1, 2], "deck.apkg")             # revise on a phone with Anki
"""

from __future__ import annotations

import argparse
import hashlib
import html
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from svcworkbook.content.models import Unit
from svcworkbook.learning import progress

#: Days until a card in each box is due again after a review.
INTERVAL_DAYS = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16}

#: The highest Leitner box.
TOP_BOX = max(INTERVAL_DAYS)


@dataclass(frozen=True)
class CardState:
    """Where a card stands: its Leitner box, the date it is next due, reviews and lapses so far."""

    box: int
    due: date
    reviews: int = 0
    lapses: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON-ready values (due as yyyy-mm-dd)."""
        return {
            "box": self.box,
            "due": self.due.isoformat(),
            "reviews": self.reviews,
            "lapses": self.lapses,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardState:
        """Read a saved state; a box outside 1-5 or a bad date raises ValueError."""
        box = int(data["box"])
        if box not in INTERVAL_DAYS:
            raise ValueError(f"Leitner box must be 1 to {TOP_BOX}, not {box}")
        return cls(
            box,
            date.fromisoformat(str(data["due"])),
            int(data.get("reviews", 0)),
            int(data.get("lapses", 0)),
        )


def new_card(today: date) -> CardState:
    """A card not yet reviewed: box 1, due today."""
    return CardState(box=1, due=today)


def review(state: CardState, knew: bool, today: date) -> CardState:
    """Leitner step: knew -> next box (max 5), didn't -> box 1; due = today + INTERVAL_DAYS[box]."""
    box = min(state.box + 1, TOP_BOX) if knew else 1
    return replace(
        state,
        box=box,
        due=today + timedelta(days=INTERVAL_DAYS[box]),
        reviews=state.reviews + 1,
        lapses=state.lapses + (0 if knew else 1),
    )


def is_due(state: CardState, today: date) -> bool:
    """A card is due when its due date is today or earlier."""
    return state.due <= today


def due_cards(card_ids: Sequence[str], states: dict[str, CardState], today: date) -> list[str]:
    """Cards due today (unseen cards count as due), lowest box first, then earliest due date."""
    order = {card: i for i, card in enumerate(card_ids)}
    current = {card: states.get(card, new_card(today)) for card in card_ids}
    due = [card for card in card_ids if is_due(current[card], today)]
    return sorted(due, key=lambda c: (current[c].box, current[c].due, order[c]))


def box_counts(card_ids: Iterable[str], states: dict[str, CardState]) -> dict[int, int]:
    """How many of these cards sit in each box (unseen cards are in box 1)."""
    counts = dict.fromkeys(INTERVAL_DAYS, 0)
    for card in card_ids:
        counts[states[card].box if card in states else 1] += 1
    return counts


@dataclass(frozen=True)
class Card:
    """One flashcard: id (a concept or marking point id), unit, kind, front and back text."""

    id: str
    unit: int
    kind: str
    front: str
    back: str


def concept_card(unit: Unit, concept) -> Card:
    """Front: the concept's name; back: the workbook's explanation and how it looks in practice."""
    back = concept.explanation.strip()
    if concept.in_practice:
        back += f"\n\nIn practice: {concept.in_practice.strip()}"
    front = f"{concept.name}: what does it mean, and what does it look like at work?"
    return Card(concept.id, unit.number, "concept", front, back)


def marking_point_card(unit: Unit, point) -> Card:
    """Front: the marking point verbatim; back: the concepts it needs and evidence that meets it."""
    names = [unit.concept(c).name for c in point.concepts]
    back = "Concepts: " + "; ".join(names)
    if point.evidence_examples:
        back += "\n\nEvidence that could meet it:\n" + "\n".join(
            f"- {example}" for example in point.evidence_examples
        )
    front = f"Marking point {point.id}: \u201c{point.text}\u201d What evidence would meet it?"
    return Card(point.id, unit.number, "marking point", front, back)


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


def _today() -> date:
    """Today's date (UTC)."""
    return datetime.now(UTC).date()


def saved_states(
    learner: str | None = None, home: str | Path | None = None
) -> dict[str, CardState]:
    """The learner's saved card states by card id."""
    cards = progress.load_progress(learner, home).cards
    return {card: CardState.from_dict(state) for card, state in cards.items()}


def record_review(
    card_id: str,
    knew: bool,
    *,
    learner: str | None = None,
    home: str | Path | None = None,
    today: date | None = None,
) -> CardState:
    """Apply one review to the saved state of a card (under the progress lock) and return it."""
    today = today or _today()
    result: dict[str, CardState] = {}

    def change(data: dict[str, Any]) -> dict[str, Any]:
        saved = data["cards"].get(card_id)
        state = CardState.from_dict(saved) if saved else new_card(today)
        result["state"] = review(state, knew, today)
        data["cards"][card_id] = result["state"].to_dict()
        return data

    progress.update_progress(change, learner, home)
    return result["state"]


def _html_text(text: str) -> str:
    """Escape text for HTML, keeping its line breaks."""
    return html.escape(text).replace("\n", "<br>")


class Flashcards:
    """A flashcard session for one unit: a widget in JupyterLab, plain text/HTML elsewhere."""

    def __init__(
        self,
        unit: Unit,
        learner: str | None = None,
        home: str | Path | None = None,
        today: date | None = None,
    ):
        self.unit = unit
        self.learner = learner
        self.home = home
        self.today = today or _today()
        self.cards = {card.id: card for card in unit_cards(unit)}
        self.states = saved_states(learner, home)
        self.queue = due_cards(list(self.cards), self.states, self.today)
        self.position = 0
        self._widget = None

    @property
    def current(self) -> Card | None:
        """The card being shown, or None when today's cards are done."""
        return self.cards[self.queue[self.position]] if self.position < len(self.queue) else None

    def answer(self, knew: bool) -> CardState:
        """Record "knew it" (True) or "didn't" (False) for the current card and move on."""
        card = self.current
        if card is None:
            raise ValueError("no card left to review today; come back tomorrow")
        state = record_review(card.id, knew, learner=self.learner, home=self.home, today=self.today)
        self.states[card.id] = state
        self.position += 1
        return state

    def _counts_text(self) -> str:
        """One line: cards in each box."""
        counts = box_counts(self.cards, self.states)
        return ", ".join(f"box {box}: {n}" for box, n in counts.items())

    def __str__(self) -> str:
        lines = [
            f"Flashcards: Unit {self.unit.number} {self.unit.title}",
            f"{len(self.cards)} cards; {len(self.queue)} due today. {self._counts_text()}.",
            "Open this notebook in JupyterLab to flip the cards. Fronts:",
        ]
        lines += [f"- {self.cards[c].front}" for c in self.queue]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        fronts = "".join(f"<li>{html.escape(self.cards[c].front)}</li>" for c in self.queue)
        return (
            f"<div class='svc-flashcards-text'><strong>Flashcards: Unit {self.unit.number} "
            f"{html.escape(self.unit.title)}</strong><p>{len(self.cards)} cards; "
            f"{len(self.queue)} due today. {html.escape(self._counts_text())}.</p>"
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


class _FlashcardWidget:
    """The ipywidgets controls of a flashcard session: card, Flip, Knew it, Didn't."""

    def __init__(self, deck: Flashcards):
        import ipywidgets as w

        self.deck = deck
        self.header = w.HTML()
        self.front = w.HTML()
        self.back = w.HTML()
        self.flip = w.Button(description="Flip", tooltip="Show the back of the card")
        self.knew = w.Button(description="Knew it", button_style="success", disabled=True)
        self.missed = w.Button(description="Didn't", button_style="warning", disabled=True)
        for button, name in ((self.flip, "flip"), (self.knew, "knew"), (self.missed, "didnt")):
            button.add_class(f"svc-card-{name}")
        self.front.add_class("svc-card-front")
        self.back.add_class("svc-card-back")
        self.flip.on_click(lambda _: self._show_back())
        self.knew.on_click(lambda _: self._answer(True))
        self.missed.on_click(lambda _: self._answer(False))
        buttons = w.HBox([self.flip, self.knew, self.missed])
        self.box = w.VBox([self.header, self.front, self.back, buttons])
        self.box.add_class("svc-flashcards")
        self._show_front()

    def _show_front(self) -> None:
        """Show the current card's front (or a 'done for today' message)."""
        deck, card = self.deck, self.deck.current
        self.header.value = (
            f"<strong>Unit {deck.unit.number} flashcards</strong>: "
            f"card {min(deck.position + 1, len(deck.queue))} of {len(deck.queue)} due today "
            f"({html.escape(deck._counts_text())})"
        )
        self.back.value = ""
        self.knew.disabled = self.missed.disabled = True
        if card is None:
            self.front.value = "<p>All done for today. Cards you missed come back tomorrow.</p>"
            self.flip.disabled = True
            return
        self.front.value = f"<div style='font-size:1.1em'>{_html_text(card.front)}</div>"
        self.flip.disabled = False

    def _show_back(self) -> None:
        """Reveal the back and let the learner say whether they knew it."""
        card = self.deck.current
        if card is not None:
            self.back.value = (
                f"<div style='border-top:1px solid #ccc'>{_html_text(card.back)}</div>"
            )
            self.flip.disabled = True
            self.knew.disabled = self.missed.disabled = False

    def _answer(self, knew: bool) -> None:
        """Save the review and show the next card; a save failure is shown, not raised."""
        try:
            self.deck.answer(knew)
        except OSError as error:
            self.back.value += f"<p class='svc-error'>Could not save: {html.escape(str(error))}</p>"
            return
        self._show_front()


def flashcards(
    unit: Unit | int | str,
    learner: str | None = None,
    home: str | Path | None = None,
    today: date | None = None,
) -> Flashcards:
    """Today's flashcards for a unit (concepts and marking points), due cards first."""
    return Flashcards(_as_unit(unit), learner, home, today)


def stable_id(text: str) -> int:
    """A deterministic Anki id in [2**30, 2**31) from text (first 8 hex digits of its SHA-256)."""
    return (1 << 30) + int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % (1 << 30)


def anki_model():
    """The note type used for every card: Front, Back, Source; ids fixed so re-imports update."""
    import genanki

    return genanki.Model(
        stable_id("svcworkbook note type v1"),
        "svcworkbook card",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Card id"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}<p class=src>{{Card id}}</p>",
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
                    fields=[_html_text(card.front), _html_text(card.back), html.escape(card.id)],
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
