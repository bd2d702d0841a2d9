"""The one formatting the bot and the pages share reads as each language writes it."""
from decimal import Decimal

from core.formatting import money, number, price_band, vocative


def test_ukrainian_has_the_decimal_comma_and_grouped_thousands():
    assert number(Decimal("1234.5"), "uk", places=2) == "1 234,50"
    assert money(152667, "uk") == "1 526,67 ₴"
    assert money(150000, "uk") == "1 500 ₴"


def test_english_reads_the_hryvnia_sign_first_and_stars_are_whole():
    assert money(120000, "en") == "₴1,200"
    assert money(1800, "en", "XTR") == "1,800 ⭐"


def test_a_price_band_is_translated_by_the_reader_s_gettext():
    assert price_band(0, "uk", {"up to {price}": "до {price}"}.__getitem__).startswith("до ")


def test_ukrainian_given_names_in_the_vocative_and_none_when_unsure():
    assert [vocative(name) for name in ("Олена", "Марія", "Ірина", "Олег", "Петро", "Анна-Марія")] == [
        "Олено", "Маріє", "Ірино", "Олегу", "Петре", "Анно-Маріє"
    ]
    assert [vocative(name) for name in ("Olena", "John", "Жак", "О2", "")] == [None] * 5
