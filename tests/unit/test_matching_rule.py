"""The matching rule (core/rules/matching.py): who fits what was asked, and the order it gives."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.rules.matching import (
    Answers,
    Candidate,
    Question,
    UnknownAnswer,
    Window,
    fit_of,
    in_windows,
    matches,
    narrowed_most,
    ranked,
)
from core.therapists import APPROACHES, LANGUAGES, PRICE_BANDS, TOPICS

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
KYIV = "Europe/Kyiv"

answers_strategy = st.builds(
    Answers,
    topics=st.lists(st.sampled_from(TOPICS), unique=True, max_size=4).map(tuple),
    language=st.none() | st.sampled_from(LANGUAGES),
    price_band=st.none() | st.integers(0, len(PRICE_BANDS) - 1),
    windows=st.lists(st.sampled_from(list(Window)), unique=True, max_size=3).map(tuple),
    approach=st.none() | st.sampled_from(APPROACHES),
)


@st.composite
def candidates_strategy(draw: st.DrawFn) -> list[Candidate]:
    count = draw(st.integers(0, 12))
    made = []
    for therapist_id in draw(st.lists(st.integers(1, 10_000), unique=True, min_size=count, max_size=count)):
        made.append(
            Candidate(
                therapist_id=therapist_id,
                topics=frozenset(draw(st.lists(st.sampled_from(TOPICS), unique=True, max_size=5))),
                approaches=frozenset(draw(st.lists(st.sampled_from(APPROACHES), unique=True, max_size=2))),
                languages=frozenset(draw(st.lists(st.sampled_from(LANGUAGES), unique=True, max_size=3))),
                price_minor=draw(st.integers(50_000, 250_000)),
                # Few distinct times, so equal scores meet equal times too.
                nearest=draw(st.none() | st.integers(0, 6).map(lambda hours: NOW + timedelta(hours=hours * 12))),
            )
        )
    return made


@settings(max_examples=300, deadline=None)
@given(answers_strategy, candidates_strategy())
def test_who_fits_strictly_more_never_ranks_below_who_fits_less(answers: Answers, candidates: list[Candidate]) -> None:
    order = ranked(candidates, answers)
    assert sorted(r.candidate.therapist_id for r in order) == sorted(c.therapist_id for c in candidates)
    for earlier, later in combinations(order, 2):
        assert earlier.fit.score >= later.fit.score
        fitted_earlier = set(earlier.fit.topics) | set(earlier.fit.met)
        fitted_later = set(later.fit.topics) | set(later.fit.met)
        assert not fitted_earlier < fitted_later  # a strict superset of what one fits never comes after it


@settings(max_examples=300, deadline=None)
@given(answers_strategy, candidates_strategy())
def test_an_equal_score_goes_to_the_nearest_free_time(answers: Answers, candidates: list[Candidate]) -> None:
    order = ranked(candidates, answers)
    for earlier, later in combinations(order, 2):
        if earlier.fit.score == later.fit.score and later.candidate.nearest is not None:
            assert earlier.candidate.nearest is not None
            assert earlier.candidate.nearest <= later.candidate.nearest


@settings(max_examples=300, deadline=None)
@given(answers_strategy, candidates_strategy())
def test_the_offered_are_the_best_whole_fits_with_a_time(answers: Answers, candidates: list[Candidate]) -> None:
    offered = matches(candidates, answers)
    assert len(offered) <= 3
    assert all(r.fit.whole and r.candidate.nearest is not None for r in offered)
    left = [
        fit_of(c, answers)
        for c in candidates
        if c.therapist_id not in {r.candidate.therapist_id for r in offered}
        and c.nearest is not None
        and fit_of(c, answers).whole
    ]
    if len(offered) < 3:
        assert left == []  # nobody who could have been offered was held back
    else:
        assert all(fit.score <= offered[-1].fit.score for fit in left)


@settings(max_examples=200, deadline=None)
@given(answers_strategy, candidates_strategy())
def test_the_order_does_not_depend_on_the_order_candidates_come_in_but_for_full_ties(
    answers: Answers, candidates: list[Candidate]
) -> None:
    forward = [(r.fit.score, r.candidate.nearest) for r in ranked(candidates, answers)]
    backward = [(r.fit.score, r.candidate.nearest) for r in ranked(list(reversed(candidates)), answers)]
    assert forward == backward


@settings(max_examples=200, deadline=None)
@given(answers_strategy, candidates_strategy())
def test_a_fit_says_exactly_what_of_the_answers_a_therapist_fits(answers: Answers, candidates: list[Candidate]) -> None:
    for candidate in candidates:
        fit = fit_of(candidate, answers)
        assert fit.topics == tuple(t for t in answers.topics if t in candidate.topics)
        assert (Question.LANGUAGE in fit.met) == (answers.language is not None and answers.language in candidate.languages)
        assert (Question.APPROACH in fit.met) == (answers.approach is not None and answers.approach in candidate.approaches)
        assert (Question.WINDOWS in fit.met) == (bool(answers.windows) and candidate.nearest is not None)
        low, high = answers.price_range
        within = (low is None or candidate.price_minor >= low) and (high is None or candidate.price_minor < high)
        assert (Question.PRICE in fit.met) == (answers.price_band is not None and within)
        assert fit.whole == all(
            (q is Question.TOPICS and fit.topics) or q in fit.met for q in answers.asked
        )


def test_an_example_in_plain_words() -> None:
    answers = Answers(topics=("anxiety", "burnout"), language="uk", price_band=1, windows=(Window.EVENINGS,))
    evening = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 18:00 in Kyiv, a Wednesday
    both = Candidate(1, frozenset({"anxiety", "burnout"}), frozenset(), frozenset({"uk"}), 120_000, evening + timedelta(days=2))
    one_sooner = Candidate(2, frozenset({"anxiety"}), frozenset(), frozenset({"uk", "en"}), 110_000, evening)
    dearer = Candidate(3, frozenset({"anxiety", "burnout"}), frozenset(), frozenset({"uk"}), 180_000, evening)
    english = Candidate(4, frozenset({"anxiety", "burnout"}), frozenset(), frozenset({"en"}), 120_000, evening)
    no_time = Candidate(5, frozenset({"anxiety", "burnout"}), frozenset(), frozenset({"uk"}), 120_000, None)
    offered = matches([one_sooner, dearer, no_time, english, both], answers)
    assert [r.candidate.therapist_id for r in offered] == [1, 2]
    assert offered[0].fit.score == 5 and offered[1].fit.score == 4
    assert fit_of(dearer, answers).missed == (Question.PRICE,)
    assert fit_of(english, answers).missed == (Question.LANGUAGE,)
    assert fit_of(no_time, answers).missed == (Question.WINDOWS,)


def test_skipped_questions_ask_nothing() -> None:
    anyone = Candidate(1, frozenset(), frozenset(), frozenset(), 999_999, NOW)
    fit = fit_of(anyone, Answers())
    assert fit.asked == () and fit.whole and fit.score == 0
    assert [r.candidate for r in matches([anyone], Answers())] == [anyone]


@pytest.mark.parametrize(
    ("wrong", "values"),
    [
        ("an unknown topic", {"topics": ("astrology",)}),
        ("a topic twice", {"topics": ("anxiety", "anxiety")}),
        ("an unknown language", {"language": "xx"}),
        ("a price band past the last", {"price_band": len(PRICE_BANDS)}),
        ("a negative price band", {"price_band": -1}),
        ("an unknown approach", {"approach": "astrology"}),
        ("a window twice", {"windows": (Window.EVENINGS, Window.EVENINGS)}),
    ],
)
def test_answers_the_platform_does_not_know_are_refused(wrong: str, values: dict[str, object]) -> None:
    with pytest.raises(UnknownAnswer):
        Answers(**values)  # type: ignore[arg-type]  # on purpose: what a forged button could carry


def kyiv(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(KYIV))


WEDNESDAY, SATURDAY = date(2026, 11, 25), date(2026, 11, 28)


@pytest.mark.parametrize(
    ("moment", "window", "inside"),
    [
        (kyiv(WEDNESDAY, 7), Window.MORNINGS, True),
        (kyiv(WEDNESDAY, 6, 59), Window.MORNINGS, False),
        (kyiv(WEDNESDAY, 11, 59), Window.MORNINGS, True),
        (kyiv(WEDNESDAY, 12), Window.MORNINGS, False),
        (kyiv(WEDNESDAY, 12), Window.DAYTIME, True),
        (kyiv(WEDNESDAY, 17), Window.EVENINGS, True),
        (kyiv(WEDNESDAY, 22), Window.EVENINGS, False),
        (kyiv(SATURDAY, 18), Window.EVENINGS, False),  # evenings are the weekdays'
        (kyiv(SATURDAY, 18), Window.WEEKENDS, True),
        (kyiv(WEDNESDAY, 18), Window.WEEKENDS, False),
    ],
)
def test_windows_are_read_on_the_clients_own_clock(moment: datetime, window: Window, inside: bool) -> None:
    assert in_windows(moment.astimezone(UTC), (window,), KYIV) is inside


def test_the_same_instant_is_an_evening_in_kyiv_and_daytime_in_new_york() -> None:
    instant = kyiv(WEDNESDAY, 19).astimezone(UTC)  # 12:00 in New York
    assert in_windows(instant, (Window.EVENINGS,), KYIV)
    assert not in_windows(instant, (Window.EVENINGS,), "America/New_York")
    assert in_windows(instant, (Window.DAYTIME,), "America/New_York")


def test_windows_follow_summer_time() -> None:
    # 17:30 in Kyiv is 14:30 UTC in summer and 15:30 UTC in winter: an evening both times.
    assert in_windows(datetime(2026, 7, 8, 14, 30, tzinfo=UTC), (Window.EVENINGS,), KYIV)
    assert in_windows(datetime(2026, 12, 9, 15, 30, tzinfo=UTC), (Window.EVENINGS,), KYIV)
    assert not in_windows(datetime(2026, 12, 9, 14, 30, tzinfo=UTC), (Window.EVENINGS,), KYIV)


@settings(deadline=None)
@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)),
    st.lists(st.sampled_from(list(Window)), unique=True, min_size=1).map(tuple),
)
def test_several_windows_are_any_of_them(moment: datetime, windows: tuple[Window, ...]) -> None:
    assert in_windows(moment, (), KYIV)  # skipped: any time suits
    assert in_windows(moment, windows, KYIV) == any(in_windows(moment, (w,), KYIV) for w in windows)


def test_the_answer_that_narrowed_most_is_the_one_that_left_out_most() -> None:
    answers = Answers(topics=("grief",), language="de", price_band=0)
    assert narrowed_most(answers, {Question.TOPICS: 4, Question.LANGUAGE: 40, Question.PRICE: 12}) is Question.LANGUAGE
    assert narrowed_most(answers, {Question.TOPICS: 5, Question.LANGUAGE: 5}) is Question.TOPICS  # a tie: the earlier
    assert narrowed_most(answers, {Question.TOPICS: 0, Question.LANGUAGE: 0}) is None
    assert narrowed_most(answers, {Question.APPROACH: 9}) is None  # not asked, so not the reason


def test_without_skips_exactly_one_question() -> None:
    answers = Answers(topics=("grief",), language="de", price_band=0, windows=(Window.MORNINGS,), approach="cbt")
    for question in Question:
        assert answers.without(question).asked == tuple(q for q in answers.asked if q is not question)
