"""Help me choose against in-memory fakes: who is offered, why, with which time, and what is kept."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.clock import ManualClock
from core.rules.matching import Answers, Question, Window, in_windows
from core.schedule import Vacation, WorkingHours
from core.therapists import TherapistProfile
from core.usecases.booking import BookingPolicy, free_times, request_booking
from core.usecases.matching import (
    AMONG_EQUALS,
    can_be_matched,
    find_matches,
    forget_answers,
    let_answers_fill_requests,
    topics_for_request,
)
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # Tuesday, 10:00 in Kyiv
CLIENT = 1001
KYIV = "Europe/Kyiv"
POLICY = BookingPolicy()
EVENINGS = [WorkingHours(day, time(18), time(21)) for day in range(5)]
MORNINGS = [WorkingHours(day, time(8), time(12)) for day in range(5)]


def therapist(telegram_id: int, **changes: Any) -> TherapistProfile:
    profile = TherapistProfile(
        telegram_id=telegram_id,
        full_name=f"Therapist {telegram_id}",
        about="",
        education="",
        experience_years=5,
        price_minor=120_000,
        timezone=KYIV,
        topics=["anxiety"],
        approaches=["cbt"],
        languages=["uk"],
        share_code=f"t{telegram_id}",
        verified=True,
        hours=EVENINGS,
    )
    return replace(profile, **changes)


async def match(*profiles: TherapistProfile, answers: Answers, uow: Any = None) -> Any:
    uow = uow or FakeUnitOfWork(therapists=profiles, anyone_joined_at=NOW)  # the fakes stand in for the ports
    return await find_matches(uow, ManualClock(NOW), client_id=CLIENT, answers=answers, zone=KYIV, policy=POLICY), uow


async def test_three_who_fit_most_are_offered_with_a_time_inside_the_windows_and_why():
    answers = Answers(topics=("anxiety", "burnout"), language="uk", price_band=1, windows=(Window.EVENINGS,))
    both = therapist(1, topics=["anxiety", "burnout"])
    one = therapist(2)
    other_one = therapist(3, topics=["burnout", "grief"])
    mornings_only = therapist(4, topics=["anxiety", "burnout"], hours=MORNINGS)
    result, uow = await match(one, mornings_only, other_one, both, answers=answers)

    assert result.matches[0].therapist.telegram_id == 1
    assert {m.therapist.telegram_id for m in result.matches} == {1, 2, 3}
    first = result.matches[0]
    assert first.fit.topics == ("anxiety", "burnout")
    assert first.fit.met == {Question.LANGUAGE, Question.PRICE, Question.WINDOWS}
    for offered in result.matches:
        assert in_windows(offered.nearest, (Window.EVENINGS,), KYIV)
        assert offered.nearest - NOW <= timedelta(days=14)
        assert offered.free_this_week > 0
    assert result.full == [mornings_only]  # fits every answer but the times: one can wait for them
    assert result.narrowed_by is None
    assert uow.matching.matches[0].offered == tuple(m.therapist.telegram_id for m in result.matches)


async def test_paused_hidden_away_or_full_therapists_are_never_offered():
    today = date(2026, 11, 24)
    fine = therapist(1)
    paused = therapist(2, accepting_clients=False)
    hidden = therapist(3, hidden=True)
    away = therapist(4, vacations=[Vacation(today, today + timedelta(days=2))])
    away_but_shown = therapist(5, vacations=[Vacation(today, today)], hide_during_vacation=False)
    unverified = therapist(6, verified=False)
    no_hours = therapist(7, hours=[])
    result, _uow = await match(fine, paused, hidden, away, away_but_shown, unverified, no_hours, answers=Answers())
    assert [m.therapist.telegram_id for m in result.matches] == [1]
    assert not can_be_matched(away_but_shown, NOW)
    assert [t.telegram_id for t in result.full] == [7]


async def test_a_therapist_booked_for_two_weeks_is_not_offered():
    full = therapist(1)
    uow = FakeUnitOfWork(therapists=[full, therapist(2)], anyone_joined_at=NOW)
    clock = ManualClock(NOW)
    for n, start in enumerate(await free_times(uow, clock, full, POLICY)):
        if start <= NOW + timedelta(days=15):
            await request_booking(uow, clock, client_id=5000 + n, therapist_id=1, starts_at=start, policy=POLICY)
    result, _ = await match(answers=Answers(), uow=uow)
    assert [m.therapist.telegram_id for m in result.matches] == [2]
    assert [t.telegram_id for t in result.full] == [1]


async def test_fewer_than_three_says_which_answer_narrowed_it_most():
    german = therapist(1, languages=["uk", "de"])
    others = [therapist(n) for n in range(2, 12)]
    result, _ = await match(german, *others, answers=Answers(topics=("anxiety",), language="de"))
    assert [m.therapist.telegram_id for m in result.matches] == [1]
    assert result.fewer and result.narrowed_by is Question.LANGUAGE


async def test_when_the_windows_narrowed_it_most_they_are_named():
    morning_people = [therapist(n, hours=MORNINGS) for n in range(1, 6)]
    result, _ = await match(*morning_people, answers=Answers(topics=("anxiety",), windows=(Window.WEEKENDS,)))
    assert result.matches == [] and result.narrowed_by is Question.WINDOWS
    assert len(result.full) == 3


async def test_ties_go_to_the_nearest_free_time_inside_the_windows():
    friday = therapist(1, hours=[WorkingHours(4, time(18), time(19))])
    wednesday = therapist(2, hours=[WorkingHours(2, time(18), time(19))])  # 18:00 tomorrow: past the 25-hour notice
    thursday = therapist(3, hours=[WorkingHours(3, time(18), time(19))])
    result, _ = await match(friday, thursday, wednesday, answers=Answers(windows=(Window.EVENINGS,)))
    assert [m.therapist.telegram_id for m in result.matches] == [2, 3, 1]
    assert result.matches[0].nearest == datetime(2026, 11, 25, 18, tzinfo=ZoneInfo(KYIV))


async def test_who_fits_more_topics_comes_first_however_many_fit_fewer():
    crowd = [therapist(n) for n in range(1, 200)]
    best = therapist(500, topics=["anxiety", "grief"], hours=[WorkingHours(4, time(20), time(21))])
    result, _ = await match(*crowd, best, answers=Answers(topics=("anxiety", "grief")))
    assert result.matches[0].therapist.telegram_id == 500
    assert len(result.matches) == 3


async def test_among_many_equals_the_search_is_bounded_and_the_nearest_of_those_searched_wins():
    crowd = [therapist(n, hours=[WorkingHours(4, time(18), time(19))]) for n in range(1, 300)]
    uow = FakeUnitOfWork(therapists=crowd, anyone_joined_at=NOW)
    searched: list[int] = []
    original = uow.therapists.matching

    async def counting(*args: Any, **kwargs: Any) -> Any:
        found = await original(*args, **kwargs)
        searched.extend(p.telegram_id for p, _ in found)
        return found

    uow.therapists.matching = counting  # counts what the search reads
    result, _ = await match(answers=Answers(topics=("anxiety",)), uow=uow)
    assert len(result.matches) == 3
    assert len(searched) == AMONG_EQUALS


async def test_the_answers_are_kept_until_forgotten_and_fill_a_request_only_with_consent():
    answers = Answers(topics=("anxiety", "grief"), windows=(Window.EVENINGS,))
    profile = therapist(1, topics=["anxiety", "trauma"])
    _result, uow = await match(profile, answers=answers)
    kept = await uow.matching.answers_of(CLIENT)
    assert kept is not None and kept.answers == answers and not kept.fill_requests
    assert await topics_for_request(uow, client_id=CLIENT, therapist=profile) == ()
    await let_answers_fill_requests(uow, ManualClock(NOW), CLIENT, agreed=True)
    assert await topics_for_request(uow, client_id=CLIENT, therapist=profile) == ("anxiety",)
    await find_matches(uow, ManualClock(NOW), client_id=CLIENT, answers=answers, zone=KYIV, policy=POLICY)
    again = await uow.matching.answers_of(CLIENT)
    assert again is not None and again.fill_requests  # answering again keeps the consent
    assert await forget_answers(uow, CLIENT)
    assert await uow.matching.answers_of(CLIENT) is None
    assert not await forget_answers(uow, CLIENT)
    assert await topics_for_request(uow, client_id=CLIENT, therapist=profile) == ()


async def test_windows_are_the_clients_own_clock():
    # Evenings in New York (17–22) are midnight to 05:00 in Kyiv: a Kyiv therapist working evenings is not there.
    result, _ = await match(therapist(1), answers=Answers(windows=(Window.EVENINGS,)), uow=None)
    assert result.matches
    uow = FakeUnitOfWork(therapists=[therapist(1)], anyone_joined_at=NOW)
    away = await find_matches(
        uow, ManualClock(NOW), client_id=CLIENT, answers=Answers(windows=(Window.EVENINGS,)), zone="America/New_York",
        policy=POLICY,
    )
    assert away.matches == []
    early = therapist(2, hours=[WorkingHours(day, time(1), time(4)) for day in range(1, 6)])  # 18:00–21:00 in New York
    uow = FakeUnitOfWork(therapists=[early], anyone_joined_at=NOW)
    found = await find_matches(
        uow, ManualClock(NOW), client_id=CLIENT, answers=Answers(windows=(Window.EVENINGS,)), zone="America/New_York",
        policy=POLICY,
    )
    [offered] = found.matches
    assert 17 <= offered.nearest.astimezone(ZoneInfo("America/New_York")).hour < 22
