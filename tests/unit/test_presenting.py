"""Dates, times, numbers, money and time zones as a Ukrainian and an English reader see them (Babel)."""
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from bot.i18n import build_i18n
from bot.views.presenting import (
    calendar_day,
    day_label,
    from_now,
    local_day,
    local_moment,
    moment_label,
    money,
    number,
    weekday_name,
    weekday_short,
    zone_city,
    zone_label,
)
from core.usecases.users import UnknownTimezone, resolve_timezone

WINTER = datetime(2026, 12, 6, 16, 0, tzinfo=UTC)  # a Sunday
SUMMER = datetime(2026, 7, 6, 16, 0, tzinfo=UTC)
I18N = build_i18n("uk")


@pytest.fixture(params=["uk", "en"])
def reader(request):
    with I18N.context(), I18N.use_locale(request.param):
        yield request.param


def test_a_ukrainian_reads_month_names_in_the_genitive_and_abbreviations_with_a_period():
    with I18N.context(), I18N.use_locale("uk"):
        assert local_day(WINTER, "Europe/Kyiv") == "нд, 6 грудня"
        assert day_label(WINTER, "Europe/Kyiv") == "Нд, 6 груд."
        assert local_moment(WINTER, "Europe/Kyiv") == "нд, 6 грудня, 18:00 (Київ, UTC+2)"
        assert moment_label(WINTER, "America/New_York") == "Нд, 6 груд., 11:00 (Нью-Йорк, UTC-5)"
        assert calendar_day(date(2027, 1, 5)) == "5 січня 2027"
        assert (weekday_name(5), weekday_name(5, label=True), weekday_short(0)) == ("субота", "Субота", "Пн")


def test_an_english_reader_gets_british_english():
    with I18N.context(), I18N.use_locale("en"):
        assert local_moment(WINTER, "Europe/Kyiv") == "Sun 6 December, 18:00 (Kyiv, UTC+2)"
        assert moment_label(WINTER, "Europe/Warsaw") == "Sun 6 Dec, 17:00 (Warsaw, UTC+1)"
        assert calendar_day(date(2027, 1, 5)) == "5 January 2027"
        assert weekday_name(5) == "Saturday"


def test_the_offset_is_the_one_of_that_moment(reader):
    city = "Київ" if reader == "uk" else "Kyiv"
    assert zone_label("Europe/Kyiv", WINTER) == f"{city}, UTC+2"
    assert zone_label("Europe/Kyiv", SUMMER) == f"{city}, UTC+3"
    assert zone_label("Asia/Kolkata", WINTER).endswith(", UTC+5:30")
    assert zone_label("Europe/Lisbon", WINTER).endswith(", UTC+0")
    assert zone_label("UTC", WINTER) == "UTC"
    assert zone_city("Etc/GMT-3") == "UTC+3"  # the sign of Etc/ names is inverted; the offset is not


def test_numbers_and_money_follow_the_readers_notation():
    with I18N.context(), I18N.use_locale("uk"):
        assert number(Decimal("0.5"), places=2) == "0,50"
        assert number(1234567) == "1 234 567"
        assert (money(120_000), money(162_501), money(0)) == ("1 200 ₴", "1 625,01 ₴", "0 ₴")
        assert money(1800, "XTR") == "1 800 ⭐"
    with I18N.context(), I18N.use_locale("en"):
        assert number(Decimal("0.5"), places=2) == "0.50"
        assert (money(120_000), money(162_501)) == ("₴1,200", "₴1,625.01")
        assert money(1800, "XTR") == "1,800 ⭐"


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Київ", "Europe/Kyiv"),
        ("київ", "Europe/Kyiv"),
        ("Kyiv", "Europe/Kyiv"),
        ("Варшава", "Europe/Warsaw"),
        ("нью-йорк", "America/New_York"),
        ("New York", "America/New_York"),
        ("Лондон", "Europe/London"),
        ("Торонто", "America/Toronto"),
        ("Europe/Berlin", "Europe/Berlin"),
    ],
)
def test_a_city_typed_in_either_language_finds_its_zone(typed, zone):
    assert resolve_timezone(typed) == zone


def test_a_place_that_is_no_zone_is_refused():
    with pytest.raises(UnknownTimezone):
        resolve_timezone("Атлантида")


def test_how_soon_reads_as_a_person_says_it_even_sent_a_moment_late():
    with I18N.context(), I18N.use_locale("uk"):
        assert from_now(WINTER, WINTER - timedelta(minutes=59, seconds=59), "Europe/Kyiv") == "Через 1 годину"
        assert from_now(WINTER, WINTER - timedelta(minutes=59, seconds=20), "Europe/Kyiv") == "Через 59 хвилин"
        assert from_now(WINTER, WINTER - timedelta(hours=2), "Europe/Kyiv") == "Через 2 години"
        assert from_now(WINTER, WINTER - timedelta(hours=20), "Europe/Kyiv") == "Завтра о 18:00"
    with I18N.context(), I18N.use_locale("en"):
        assert from_now(WINTER, WINTER - timedelta(seconds=30), "Europe/Kyiv") == "In 1 minute"
