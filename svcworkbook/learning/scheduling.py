"""When a flashcard comes back: FSRS (the scheduler Anki uses), aimed at an exam date.

FSRS models each card's memory with a stability S (days until the chance of recall falls to
90%) and a difficulty. The chance of recall t days after the last review is the forgetting
curve R(t) = (1 + F x t / S) ^ -d, with the decay d = parameters[20] and F = 0.9 ^ (-1/d) - 1,
so that R(S) = 0.9. After a review FSRS sets the next due date where R falls to the desired
retention. We use the `fsrs` package (py-fsrs) for all of that; fuzzing is off, so a learner
who reviews the same way gets the same dates (and tests can check them).

**Exam date.** A card whose next review falls after the exam is brought forward to the day
before the exam when its predicted recall on exam day, R(exam), would be below the chosen
retention (default 90%). So every card is either reviewed again before the exam, or predicted
to be recalled with at least that chance on the day.

**Old Leitner states** (``{"box", "due", "reviews", "lapses"}``, saved before FSRS) are
migrated, not lost: a card in box b was due ``LEITNER_DAYS[b]`` days after its last review, so
it becomes a Review card with that many days as its stability, the same due date, and a
difficulty that rises with its lapses. The old state is kept beside the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

#: The retention aimed at on exam day unless the learner chooses another.
DEFAULT_RETENTION = 0.9

#: Days until a card in each old Leitner box was due again (1, 2, 4, 8, 16).
LEITNER_DAYS = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16}

#: The four answers a learner gives, as FSRS names them, with the words on the buttons.
RATINGS = {
    "again": (Rating.Again, "Again: I didn't know it"),
    "hard": (Rating.Hard, "Hard: I got it with effort"),
    "good": (Rating.Good, "Good: I knew it"),
    "easy": (Rating.Easy, "Easy: I knew it at once"),
}


def scheduler(retention: float = DEFAULT_RETENTION) -> Scheduler:
    """An FSRS scheduler aiming at this retention (0.7-0.97), without fuzz."""
    if not 0.7 <= float(retention) <= 0.97:
        raise ValueError(f"retention must be between 0.7 and 0.97 (e.g. 0.9), not {retention!r}")
    return Scheduler(desired_retention=float(retention), enable_fuzzing=False)


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of a day."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def recall_chance(card: FsrsCard, when: datetime, sched: Scheduler) -> float:
    """R at ``when``: (1 + F x days since the last review / S) ^ -d (0 for an unseen card)."""
    return float(sched.get_card_retrievability(card, when))


@dataclass(frozen=True)
class CardState:
    """A card's FSRS memory state plus the learner's counts of reviews and lapses ("again")."""

    card: FsrsCard
    reviews: int = 0
    lapses: int = 0
    leitner: dict[str, Any] | None = None

    @property
    def due(self) -> datetime:
        """When the card is next due (UTC)."""
        return self.card.due

    def to_dict(self) -> dict[str, Any]:
        """The state as saved in progress.json (the FSRS card as py-fsrs writes it)."""
        saved: dict[str, Any] = {
            "fsrs": self.card.to_dict(),
            "reviews": self.reviews,
            "lapses": self.lapses,
        }
        if self.leitner is not None:
            saved["leitner"] = self.leitner
        return saved

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardState:
        """Read a saved state: an FSRS one, or an old Leitner one (migrated)."""
        if "fsrs" in data:
            return cls(
                FsrsCard.from_dict(data["fsrs"]),
                int(data.get("reviews", 0)),
                int(data.get("lapses", 0)),
                data.get("leitner"),
            )
        if "box" in data:
            return from_leitner(data)
        raise ValueError(f"not a flashcard state: {sorted(data)}")


def new_state(now: datetime) -> CardState:
    """A card never reviewed: due now."""
    return CardState(FsrsCard(card_id=1, due=now))


def from_leitner(data: dict[str, Any]) -> CardState:
    """An old Leitner state as FSRS: stability = the box's interval, same due date, kept beside."""
    box = int(data["box"])
    if box not in LEITNER_DAYS:
        raise ValueError(f"Leitner box must be 1 to {max(LEITNER_DAYS)}, not {box}")
    due = start_of(date.fromisoformat(str(data["due"])))
    reviews, lapses = int(data.get("reviews", 0)), int(data.get("lapses", 0))
    kept = {k: data[k] for k in ("box", "due", "reviews", "lapses") if k in data}
    if reviews == 0:
        return CardState(FsrsCard(card_id=1, due=due), 0, 0, kept)
    days = LEITNER_DAYS[box]
    card = FsrsCard(
        card_id=1,
        state=State.Review,
        step=None,
        stability=float(days),
        difficulty=float(min(10.0, 5.0 + lapses)),
        due=due,
        last_review=due - timedelta(days=days),
    )
    return CardState(card, reviews, lapses, kept)


def review(
    state: CardState,
    rating: str,
    now: datetime,
    *,
    exam: date | None = None,
    retention: float = DEFAULT_RETENTION,
) -> CardState:
    """One review by FSRS; then, with an exam date, the exam rule (see the module docstring)."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
    sched = scheduler(retention)
    card, _log = sched.review_card(state.card, RATINGS[rating][0], now)
    if exam is not None:
        card = aim_at_exam(card, exam, now, sched)
    return CardState(
        card,
        state.reviews + 1,
        state.lapses + (rating == "again"),
        state.leitner,
    )


def aim_at_exam(card: FsrsCard, exam: date, now: datetime, sched: Scheduler) -> FsrsCard:
    """Bring the due date before the exam when R on exam day would be below the retention."""
    exam_day = start_of(exam)
    if card.due <= exam_day or now >= exam_day:
        return card
    if recall_chance(card, exam_day, sched) >= sched.desired_retention:
        return card
    day_before = max(exam_day - timedelta(days=1), now)
    moved = FsrsCard.from_dict(card.to_dict())
    moved.due = day_before
    return moved


#: A card is known well once its stability reaches this many days: the interval of the old
#: Leitner box 3, which a tutor's overview used to count.
KNOWN_WELL_DAYS = LEITNER_DAYS[3]


def known_well(state: CardState) -> bool:
    """Past its first learning steps, with a stability of at least KNOWN_WELL_DAYS: the chance
    of recalling it is still 90% that many days after the last review."""
    card = state.card
    return card.state == State.Review and (card.stability or 0) >= KNOWN_WELL_DAYS


def is_due(state: CardState, now: datetime) -> bool:
    """A card is due when its due time is now or earlier."""
    return state.due <= now


def due_today(state: CardState, today: date) -> bool:
    """A card is due today when its due time is before the end of today (UTC)."""
    return state.due < start_of(today + timedelta(days=1))
