"""Forged button data with numbers no id can hold is answered as a button that no longer works
(it once reached the database as an OverflowError and ended in the apology)."""
from __future__ import annotations

import pytest

from bot.keyboards.booking import SessionList
from bot.keyboards.data import LARGEST
from bot.keyboards.payments import PayNow
from tests.support.bot_client import BotClient

NO_LONGER_WORKS = "Ця кнопка більше не діє. Актуальне меню — /start."
HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "data", [f"pay:{HUGE}", f"rfa:{HUGE}", f"bd:{HUGE}:0:0:0", f"kvo:-{HUGE}", f"lpg:pay:{HUGE}:0", f"pay:{LARGEST + 1}"]
)
async def test_a_forged_number_beyond_any_id_is_a_button_that_no_longer_works(client, data):
    await client.send("/start")
    replies = await client.press(data)
    assert BotClient.alerts(replies) == [NO_LONGER_WORKS]


@pytest.mark.parametrize("data", ["kvo:2147483648", "pco:2147483648", "tmo:-2147483649", "supclose:2147483648"])
async def test_ids_of_four_byte_keys_are_checked_against_four_bytes(client, data):
    """Vacations, profile changes, testimonials and support tickets are keyed by INTEGER: int4 on PostgreSQL."""
    await client.send("/start")
    assert BotClient.alerts(await client.press(data)) == [NO_LONGER_WORKS]


async def test_the_largest_id_still_reads(client):
    assert PayNow.unpack(f"pay:{LARGEST}").booking_id == LARGEST
    await client.send("/start")
    replies = await client.press(f"pay:{LARGEST}")
    assert BotClient.alerts(replies) != [NO_LONGER_WORKS]
    assert "Вибачте" not in " ".join(BotClient.alerts(replies))


async def test_a_button_on_a_message_telegram_no_longer_hands_over_is_one_that_no_longer_works(client):
    """An inaccessible message (deleted, or too old: date 0) reaches no button's handler, and no apology."""
    await client.send("/start")
    gone = {"message_id": 1, "date": 0, "chat": {"id": client.user_id, "type": "private"}}
    query = {"id": "1", "from": client._from(), "chat_instance": "ci", "data": SessionList().pack(), "message": gone}
    replies = await client.feed({"callback_query": query})
    assert BotClient.alerts(replies) == [NO_LONGER_WORKS]
    assert BotClient.texts_of(replies) == []
