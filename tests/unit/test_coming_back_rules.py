"""The same time a week on keeps its wall-clock hour across summer time; the nearest free times are the closest ones."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.usecases.coming_back import nearest, same_time_later

H = timedelta(hours=1)


def test_the_same_time_next_week_keeps_its_hour_in_kyiv_when_summer_time_begins():
    # Thursday 25 March 2027, 12:00 in Kyiv (UTC+2); summer time begins on Sunday 28 March
    session = datetime(2027, 3, 25, 10, tzinfo=UTC)
    assert same_time_later(session, "Europe/Kyiv", session + H) == datetime(2027, 4, 1, 9, tzinfo=UTC)  # 12:00 UTC+3


def test_a_week_too_close_to_book_gives_the_one_after():
    session = datetime(2026, 11, 26, 10, tzinfo=UTC)
    assert same_time_later(session, "Europe/Kyiv", datetime(2026, 12, 3, 9, tzinfo=UTC)) == datetime(2026, 12, 3, 10, tzinfo=UTC)
    assert same_time_later(session, "Europe/Kyiv", datetime(2026, 12, 3, 11, tzinfo=UTC)) == datetime(2026, 12, 10, 10, tzinfo=UTC)
    assert same_time_later(session, "Europe/Kyiv", datetime(2027, 1, 5, tzinfo=UTC)) == datetime(2027, 1, 7, 10, tzinfo=UTC)


def test_the_nearest_free_times_are_the_closest_in_order_later_first_on_a_tie():
    wanted = datetime(2026, 12, 3, 10, tzinfo=UTC)
    free = [wanted + hours * H for hours in (-30, -2, -1, 1, 3, 24)]
    assert nearest(free, wanted, 3) == [wanted - 2 * H, wanted - H, wanted + H]
    assert nearest(free, wanted, 2) == [wanted - H, wanted + H]
    assert nearest([wanted - H, wanted + H], wanted, 1) == [wanted + H]
    assert nearest([], wanted, 4) == []
