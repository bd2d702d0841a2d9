"""Texts are cut as Telegram counts them: UTF-16 units, where an emoji beyond the BMP takes two."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.views.lengths import MESSAGE_LIMIT, chunks, clip, units

# Letters, BMP symbols and astral emoji side by side, as people write them.
TEXT = st.text(alphabet=st.sampled_from(["а", "b", " ", "\n", "✅", "😊", "🗓", "𝄞"]), max_size=300)


def test_an_astral_emoji_counts_two_units_and_a_bmp_one():
    assert units("Привіт") == 6
    assert units("✅") == 1
    assert units("😊") == 2
    assert units("🗓 12:00") == 8


def test_a_text_that_fits_is_kept_whole():
    assert clip("😊" * 5, 10) == "😊" * 5


def test_emoji_fill_a_message_in_half_the_characters():
    text = "😊" * MESSAGE_LIMIT  # 4096 code points, 8192 units: Telegram refuses it

    clipped = clip(text, MESSAGE_LIMIT)

    assert units(clipped) <= MESSAGE_LIMIT
    assert clipped == "😊" * ((MESSAGE_LIMIT - 1) // 2) + "…"


def test_an_astral_character_is_never_split_in_half():
    assert clip("ab😊cd", 4) == "ab…"
    assert clip("ab😊cd", 5) == "ab😊…"


def test_the_cut_drops_the_spaces_before_the_ellipsis():
    assert clip("one two three", 9) == "one two…"


@given(TEXT, st.integers(min_value=1, max_value=120))
def test_a_clipped_text_fits_and_begins_as_the_text(text, limit):
    clipped = clip(text, limit)

    assert units(clipped) <= limit
    assert clipped == text or (clipped.endswith("…") and text.startswith(clipped[:-1]))


@given(TEXT, st.integers(min_value=2, max_value=60))
def test_chunks_fit_and_lose_nothing(text, limit):
    parts = chunks(text, limit)

    assert all(units(part) <= limit for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_chunks_split_on_line_breaks_when_they_can():
    assert chunks("😊😊\n😊😊\n😊", 9) == ["😊😊\n😊😊", "😊"]
