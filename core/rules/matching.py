"""Matching a client to therapists: what of the client's answers a therapist fits, and the order that gives.

The rule, in plain words. Every answer the client gave is something a therapist fits or not: each topic
chosen (works with it), the language of the sessions (holds sessions in it), the price range (their price
lies in it), the times the client can meet (a free time of theirs falls in them, within two weeks) and the
approach (practises it). The score is how many of those a therapist fits, each counting one. A therapist
is a match only when they fit every answer (of the topics, at least one) and have a free time inside the
client's windows. Matches go by score, highest first; an equal score goes to the nearest free time; then,
to keep the order the same from one asking to the next, by who is first in the candidates' given order.

So a therapist who fits strictly more of what was asked never comes after one who fits less
(tests/unit/test_matching_rule.py holds it for any answers and candidates).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.therapists import APPROACHES, LANGUAGES, PRICE_BANDS, TOPICS

# Of their answers, how many matches a client is shown.
SHOWN = 3


class Window(StrEnum):
    """When a client can meet, on their own clock."""

    MORNINGS = "mornings"  # Monday to Friday, 07:00–12:00
    DAYTIME = "daytime"  # Monday to Friday, 12:00–17:00
    EVENINGS = "evenings"  # Monday to Friday, 17:00–22:00
    WEEKENDS = "weekends"  # Saturday and Sunday, 07:00–22:00


_WORKDAYS = frozenset(range(5))
# weekdays, first minute, minute after the last: a session fits a window when it starts inside it.
_SPANS: dict[Window, tuple[frozenset[int], int, int]] = {
    Window.MORNINGS: (_WORKDAYS, 7 * 60, 12 * 60),
    Window.DAYTIME: (_WORKDAYS, 12 * 60, 17 * 60),
    Window.EVENINGS: (_WORKDAYS, 17 * 60, 22 * 60),
    Window.WEEKENDS: (frozenset({5, 6}), 7 * 60, 22 * 60),
}


def in_windows(start: datetime, windows: Sequence[Window], zone: str) -> bool:
    """Whether a session starting then suits someone free in `windows` on the clock of `zone`; no windows: any time."""
    if not windows:
        return True
    local = start.astimezone(ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    return any(local.weekday() in days and first <= minute < end for days, first, end in (_SPANS[w] for w in windows))


class Question(StrEnum):
    """The questions of "Help me choose", in the order they are asked."""

    TOPICS = "topics"
    LANGUAGE = "language"
    PRICE = "price"
    WINDOWS = "windows"
    APPROACH = "approach"


class UnknownAnswer(ValueError):
    """A code the platform does not know (a forged button, or a topic since retired)."""


@dataclass(frozen=True)
class Answers:
    """What a client told "Help me choose"; empty or None is "not answered" (skipped)."""

    topics: tuple[str, ...] = ()
    language: str | None = None
    price_band: int | None = None  # an index into PRICE_BANDS
    windows: tuple[Window, ...] = ()
    approach: str | None = None

    def __post_init__(self) -> None:
        if any(topic not in TOPICS for topic in self.topics) or len(set(self.topics)) != len(self.topics):
            raise UnknownAnswer(f"topics {self.topics!r}")
        if self.language is not None and self.language not in LANGUAGES:
            raise UnknownAnswer(f"language {self.language!r}")
        if self.price_band is not None and not 0 <= self.price_band < len(PRICE_BANDS):
            raise UnknownAnswer(f"price band {self.price_band!r}")
        if self.approach is not None and self.approach not in APPROACHES:
            raise UnknownAnswer(f"approach {self.approach!r}")
        if len(set(self.windows)) != len(self.windows):
            raise UnknownAnswer(f"windows {self.windows!r}")

    @property
    def asked(self) -> tuple[Question, ...]:
        """The questions answered, in their order."""
        given = {
            Question.TOPICS: bool(self.topics),
            Question.LANGUAGE: self.language is not None,
            Question.PRICE: self.price_band is not None,
            Question.WINDOWS: bool(self.windows),
            Question.APPROACH: self.approach is not None,
        }
        return tuple(question for question in Question if given[question])

    @property
    def price_range(self) -> tuple[int | None, int | None]:
        """[low, high) in kopiyky; None where the band is open, or both when the price was skipped."""
        return PRICE_BANDS[self.price_band] if self.price_band is not None else (None, None)

    def without(self, question: Question) -> Answers:
        """The same answers with one question skipped: how many more would fit without it."""
        if question is Question.TOPICS:
            return replace(self, topics=())
        if question is Question.LANGUAGE:
            return replace(self, language=None)
        if question is Question.PRICE:
            return replace(self, price_band=None)
        if question is Question.WINDOWS:
            return replace(self, windows=())
        return replace(self, approach=None)


@dataclass(frozen=True)
class Candidate:
    """What the rule reads of a therapist."""

    therapist_id: int
    topics: frozenset[str]
    approaches: frozenset[str]
    languages: frozenset[str]
    price_minor: int
    nearest: datetime | None  # the nearest free time inside the client's windows, within two weeks; None: none


@dataclass(frozen=True)
class Fit:
    """What of the client's answers a therapist fits: the reasons, in plain words, come from this."""

    asked: tuple[Question, ...]
    topics: tuple[str, ...]  # the chosen topics they work with, in the client's order
    met: frozenset[Question] = field(default_factory=frozenset)  # the other answered questions they fit

    @property
    def score(self) -> int:
        """Each chosen topic they work with counts one, and each other answer they fit."""
        return len(self.topics) + len(self.met)

    @property
    def missed(self) -> tuple[Question, ...]:
        """The answered questions they do not fit at all (of the topics: none of them)."""
        return tuple(
            q for q in self.asked if not (q in self.met or (q is Question.TOPICS and self.topics))
        )

    @property
    def whole(self) -> bool:
        return not self.missed


def fit_of(candidate: Candidate, answers: Answers) -> Fit:
    met: set[Question] = set()
    if answers.language is not None and answers.language in candidate.languages:
        met.add(Question.LANGUAGE)
    low, high = answers.price_range
    if answers.price_band is not None and (low is None or candidate.price_minor >= low) and (
        high is None or candidate.price_minor < high
    ):
        met.add(Question.PRICE)
    if answers.windows and candidate.nearest is not None:
        met.add(Question.WINDOWS)
    if answers.approach is not None and answers.approach in candidate.approaches:
        met.add(Question.APPROACH)
    topics = tuple(topic for topic in answers.topics if topic in candidate.topics)
    return Fit(answers.asked, topics, frozenset(met))


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    fit: Fit


def ranked(candidates: Sequence[Candidate], answers: Answers) -> list[Ranked]:
    """Everyone, best first: by score, then the nearest free time (none comes last), then the given order."""
    scored = [(Ranked(candidate, fit_of(candidate, answers)), place) for place, candidate in enumerate(candidates)]
    scored.sort(
        key=lambda item: (
            -item[0].fit.score,
            item[0].candidate.nearest is None,
            item[0].candidate.nearest.timestamp() if item[0].candidate.nearest else 0.0,
            item[1],
        )
    )
    return [item for item, _place in scored]


def matches(candidates: Sequence[Candidate], answers: Answers, *, count: int = SHOWN) -> list[Ranked]:
    """The ones a client is offered: whole fits with a free time inside their windows, best first, `count` at most."""
    return [r for r in ranked(candidates, answers) if r.fit.whole and r.candidate.nearest is not None][:count]


def narrowed_most(answers: Answers, more_without: dict[Question, int]) -> Question | None:
    """The answer that left out the most therapists: the one which, skipped, would let the most more in.

    `more_without` says, per answered question, how many more would fit without it. None when
    no single answer kept anyone out (then it is the free times, not the answers, that are short).
    """
    return max(
        (question for question in answers.asked if more_without.get(question, 0) > 0),
        key=lambda question: more_without[question],
        default=None,
    )
