"""Help me choose: three therapists who fit what a client answered, why each fits, and the nearest free time
inside the client's windows.

Who can be offered at all is decided in SQL (storage/repositories/therapists.py: `_matchable`): listed,
not on vacation today, and every answer that is a property of the profile (the language, the price
range, the approach, at least one of the topics), ordered by how many of the chosen topics each works
with, then by a shuffle of the client's own, so that therapists who fit equally share new clients.
Only those are searched for a free time, a batch at a time, and the rule of core/rules/matching.py
ranks what was searched. The search stops once nobody left could rank among the three (they work with
fewer of the topics than the third), or after AMONG_EQUALS searched when many fit equally well: then the
nearest free time decides among those, and the shuffle chose which. So a match costs about the same
with ten therapists or ten thousand.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.bookings import Booking
from core.clock import Clock
from core.matching import KeptAnswers
from core.ports import UnitOfWork
from core.rules.matching import SHOWN, Answers, Candidate, Fit, Question, in_windows, matches, narrowed_most, ranked
from core.therapists import TherapistProfile
from core.usecases.booking import BookingPolicy
from core.usecases.directory import open_slots

# A match has a free time inside the client's windows within this.
MATCH_HORIZON = timedelta(days=14)
# "3 free evening times this week".
WEEK = timedelta(days=7)
# Therapists searched for a free time at a time (read from storage AMONG_EQUALS a query).
BATCH = 12
# When more than this many fit equally well, the nearest free time is looked for among this many of them.
AMONG_EQUALS = 36
# Looking for a third match (or a first) stops after this many searched: "fewer than three" is then said.
SEARCHED_AT_MOST = 120


class MatchGone(LookupError):
    """No such match of this client's (a forged or very old button)."""


@dataclass(frozen=True)
class Match:
    therapist: TherapistProfile
    fit: Fit
    nearest: datetime  # inside the client's windows
    free_this_week: int  # free times inside the windows in the coming seven days


@dataclass(frozen=True)
class MatchResult:
    id: int  # the match's record
    answers: Answers
    matches: list[Match]  # SHOWN at most, best first
    full: list[TherapistProfile]  # fit every answer but have no free time inside the windows: one can wait for them
    narrowed_by: Question | None  # with fewer than SHOWN matches: the answer that left out the most

    @property
    def fewer(self) -> bool:
        return len(self.matches) < SHOWN


def can_be_matched(therapist: TherapistProfile, now: datetime) -> bool:
    """Listed, and not on vacation today in their zone, whether the vacation hides them or not.

    Storage asks the same in SQL (storage/repositories/therapists.py: `_matchable`).
    """
    today = now.astimezone(ZoneInfo(therapist.timezone)).date()
    return therapist.listed() and not any(vacation.covers(today) for vacation in therapist.vacations)


async def answers_of(uow: UnitOfWork, client_id: int) -> KeptAnswers | None:
    """What the client answered last time, if they kept it."""
    return await uow.matching.answers_of(client_id)


async def forget_answers(uow: UnitOfWork, client_id: int) -> bool:
    """The client's answers go; whether there were any."""
    forgotten = await uow.matching.forget_answers(client_id)
    await uow.commit()
    return forgotten


async def let_answers_fill_requests(uow: UnitOfWork, clock: Clock, client_id: int, *, agreed: bool) -> KeptAnswers | None:
    """Whether the kept topics fill in the client's first request to a therapist; None when nothing is kept."""
    kept = await uow.matching.answers_of(client_id)
    if kept is None:
        return None
    kept = replace(kept, fill_requests=agreed)
    await uow.matching.keep_answers(client_id, kept)
    await uow.commit()
    return kept


async def topics_for_request(uow: UnitOfWork, *, client_id: int, therapist: TherapistProfile) -> tuple[str, ...]:
    """The kept topics this therapist works with, when the client agreed they fill in a first request."""
    kept = await uow.matching.answers_of(client_id)
    if kept is None or not kept.fill_requests:
        return ()
    return tuple(topic for topic in kept.answers.topics if topic in therapist.topics)


async def find_matches(
    uow: UnitOfWork, clock: Clock, *, client_id: int, answers: Answers, zone: str, policy: BookingPolicy
) -> MatchResult:
    """The three therapists who fit best, each with the nearest free time inside the windows (on `zone`'s clock).

    Keeps the answers (the client can forget them) and records the match for the platform's figures.
    """
    now = clock.now()
    searched: list[tuple[TherapistProfile, Candidate]] = []
    free_elsewhere = 0  # searched therapists with a free time, but none inside the windows
    offset = 0
    fetched: list[tuple[TherapistProfile, int]] = []  # read from storage, not searched yet
    booked: dict[int, list[Booking]] = {}  # their active bookings
    searched_bookings: dict[int, list[Booking]] = {}  # the searched ones' active bookings
    exhausted = False
    while True:
        if not fetched and not exhausted:
            # One query each reads as many as the search usually needs, and their bookings: the order is a sort of
            # everyone who fits, and a round trip per batch cost more than the rows it saved.
            fetched = await uow.therapists.matching(answers, now, seed=client_id, offset=offset, limit=AMONG_EQUALS)
            exhausted = len(fetched) < AMONG_EQUALS
            booked = {profile.telegram_id: [] for profile, _ in fetched}
            for booking in await uow.bookings.active_of_therapists(list(booked)) if fetched else []:
                booked[booking.therapist_id].append(booking)
        batch, fetched = fetched[:BATCH], fetched[BATCH:]
        offset += len(batch)
        for profile, _topics in batch:
            if profile.telegram_id == client_id:  # a therapist asking is not offered to themselves
                continue
            own = searched_bookings[profile.telegram_id] = booked[profile.telegram_id]
            nearest, any_free = _nearest(profile, own, now, policy, answers, zone)
            free_elsewhere += nearest is None and any_free
            searched.append((profile, _candidate(profile, nearest)))
        best = matches([c for _, c in searched], answers)
        if (exhausted and not fetched) or offset >= SEARCHED_AT_MOST:
            break
        if len(best) == SHOWN and (len(best[-1].fit.topics) > batch[-1][1] or offset >= AMONG_EQUALS):
            break
    profiles = {profile.telegram_id: profile for profile, _ in searched}
    chosen = [
        Match(profiles[r.candidate.therapist_id], r.fit, r.candidate.nearest, 0)
        for r in best
        if r.candidate.nearest is not None
    ]
    chosen = [
        replace(m, free_this_week=_free_this_week(m.therapist, searched_bookings[m.therapist.telegram_id], now, policy, answers, zone))
        for m in chosen
    ]
    full = _full([c for _, c in searched], answers, profiles)
    narrowed_by = await _narrowed_by(uow, now, answers, free_elsewhere) if len(chosen) < SHOWN else None
    kept = await uow.matching.answers_of(client_id)
    await uow.matching.keep_answers(
        client_id, KeptAnswers(answers, now, fill_requests=kept.fill_requests if kept else False)
    )
    match_id = await uow.matching.record_match(
        client_id, now, [m.therapist.telegram_id for m in chosen], [t.telegram_id for t in full]
    )
    await uow.commit()
    return MatchResult(match_id, answers, chosen, full, narrowed_by)


# -- inside ------------------------------------------------------------------------------------


def _candidate(profile: TherapistProfile, nearest: datetime | None) -> Candidate:
    return Candidate(
        therapist_id=profile.telegram_id,
        topics=frozenset(profile.topics),
        approaches=frozenset(profile.approaches),
        languages=frozenset(profile.languages),
        price_minor=profile.price_minor,
        nearest=nearest,
    )


def _nearest(
    therapist: TherapistProfile, bookings: Sequence[Booking], now: datetime, policy: BookingPolicy, answers: Answers, zone: str
) -> tuple[datetime | None, bool]:
    """The first free time inside the windows within MATCH_HORIZON, and whether any free time came before that."""
    any_free = False
    for start in open_slots(therapist, bookings, now, policy):
        if start > now + MATCH_HORIZON:
            break
        if in_windows(start, answers.windows, zone):
            return start, True
        any_free = True
    return None, any_free


def _free_this_week(
    therapist: TherapistProfile, bookings: Sequence[Booking], now: datetime, policy: BookingPolicy, answers: Answers, zone: str
) -> int:
    count = 0
    for start in open_slots(therapist, bookings, now, policy):
        if start > now + WEEK:
            break
        count += in_windows(start, answers.windows, zone)
    return count


def _full(searched: list[Candidate], answers: Answers, profiles: dict[int, TherapistProfile]) -> list[TherapistProfile]:
    """Those who fit every answer but the time: the best SHOWN of them, as the rule ranks them without it."""
    waiting = [c for c in searched if c.nearest is None]
    without_time = answers.without(Question.WINDOWS)
    return [profiles[r.candidate.therapist_id] for r in ranked(waiting, without_time) if r.fit.whole][:SHOWN]


async def _narrowed_by(uow: UnitOfWork, now: datetime, answers: Answers, free_elsewhere: int) -> Question | None:
    """Per answered question, how many more would fit without it; the one that left out the most."""
    more: dict[Question, int] = {}
    if any(question is not Question.WINDOWS for question in answers.asked):
        fitting = await uow.therapists.count_matching(answers, now)
        for question in answers.asked:
            if question is not Question.WINDOWS:
                more[question] = await uow.therapists.count_matching(answers.without(question), now) - fitting
    more[Question.WINDOWS] = free_elsewhere
    return narrowed_most(answers, more)
