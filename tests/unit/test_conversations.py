"""The shared chat's routing rules and the client's chosen name.

Routing runs against in-memory fakes; what only the database can promise
(one conversation per pair under concurrency, a delivered message remembered
once) runs against the real storage.
"""
from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.clock import ManualClock
from core.conversations import Conversation, RelayedMessage, Side
from core.rules.display_names import MAX_LENGTH, NameProblem, UnacceptableName, acceptable_name
from core.therapists import TherapistProfile
from core.usecases.conversations import (
    AskWhichConversation,
    ChatNotice,
    Deliver,
    NoRoute,
    NotYourConversation,
    choose_conversation,
    choose_display_name,
    conversations_of,
    open_conversation,
    partner_in,
    relay,
    route_message,
    stop_writing,
)
from core.users import Role, User
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
IRYNA, MAKSYM = 7001, 7002  # therapists
OLENA, PETRO = 1001, 1002  # clients


def platform() -> FakeUnitOfWork:
    return FakeUnitOfWork(
        User(IRYNA, "Iryna", "uk", "Europe/Kyiv", NOW, roles={Role.CLIENT, Role.THERAPIST}),
        User(MAKSYM, "Maksym", "en", "Europe/Kyiv", NOW, roles={Role.CLIENT, Role.THERAPIST}),
        User(OLENA, "Olena", "uk", "Europe/Kyiv", NOW, display_name="Оля", roles={Role.CLIENT}),
        User(PETRO, "Petro", "uk", "Europe/Kyiv", NOW, roles={Role.CLIENT}),
        therapists=(_profile(IRYNA, "Ірина Коваль"), _profile(MAKSYM, "Maksym Shevchuk")),
    )


async def known(uow: FakeUnitOfWork, telegram_id: int) -> User:
    found = await uow.users.get(telegram_id)
    assert found is not None
    return found


def _profile(telegram_id: int, full_name: str) -> TherapistProfile:
    return TherapistProfile(
        telegram_id=telegram_id,
        full_name=full_name,
        about="",
        education="",
        experience_years=5,
        price_minor=120_000,
        timezone="Europe/Kyiv",
        share_code=f"t{telegram_id}",
        verified=True,
    )


def delivered(conversation: Conversation, to: int, message_id: int, *, origin: int, header: bool = False) -> RelayedMessage:
    """What the relay kind remembers after delivery put a copy in `to`'s chat."""
    return RelayedMessage(conversation.id, to, message_id, conversation.other_party(to), origin, header)


# -- opening ------------------------------------------------------------------


async def test_a_pair_has_one_conversation_however_often_it_is_opened():
    uow = platform()
    first = await open_conversation(uow, OLENA, IRYNA)
    again = await open_conversation(uow, OLENA, IRYNA)
    other = await open_conversation(uow, PETRO, IRYNA)

    assert first == again
    assert other.id != first.id
    assert (first.client_id, first.therapist_id) == (OLENA, IRYNA)
    assert uow.commits == 0  # it joins the booking's transaction


async def test_a_conversation_needs_a_therapist_on_the_other_side():
    uow = platform()
    with pytest.raises(LookupError):
        await open_conversation(uow, OLENA, PETRO)
    with pytest.raises(ValueError):
        await open_conversation(uow, IRYNA, IRYNA)


# -- routing ------------------------------------------------------------------


async def test_a_reply_to_a_relayed_message_goes_back_to_its_sender_quoting_the_original():
    uow = platform()
    chat = await open_conversation(uow, OLENA, IRYNA)
    await uow.conversations.remember_relayed(delivered(chat, IRYNA, 500, origin=11, header=True))
    await uow.conversations.remember_relayed(delivered(chat, IRYNA, 501, origin=11))

    to_copy = await route_message(uow, await known(uow, IRYNA), 501)
    to_header = await route_message(uow, await known(uow, IRYNA), 500)

    assert to_copy == Deliver(chat, Side.THERAPIST, reply_to=11)
    assert to_header == Deliver(chat, Side.THERAPIST, reply_to=11)


async def test_a_therapist_with_two_clients_reaches_the_one_replied_to():
    uow = platform()
    with_olena = await open_conversation(uow, OLENA, IRYNA)
    with_petro = await open_conversation(uow, PETRO, IRYNA)
    await uow.conversations.remember_relayed(delivered(with_olena, IRYNA, 600, origin=21))
    await uow.conversations.remember_relayed(delivered(with_petro, IRYNA, 601, origin=22))
    await uow.conversations.set_focus(IRYNA, with_olena.id)  # a chosen client does not override a reply

    route = await route_message(uow, await known(uow, IRYNA), 601)

    assert isinstance(route, Deliver)
    assert route.conversation.other_party(IRYNA) == PETRO and route.reply_to == 22


async def test_a_reply_to_ones_own_message_continues_that_conversation_quoting_the_copy():
    uow = platform()
    chat = await open_conversation(uow, OLENA, IRYNA)
    await uow.conversations.remember_relayed(delivered(chat, IRYNA, 700, origin=31, header=True))
    await uow.conversations.remember_relayed(delivered(chat, IRYNA, 701, origin=31))

    route = await route_message(uow, await known(uow, OLENA), 31)

    assert route == Deliver(chat, Side.CLIENT, reply_to=701)


async def test_a_therapist_message_that_cannot_be_routed_goes_nowhere():
    uow = platform()
    chat = await open_conversation(uow, OLENA, IRYNA)
    iryna = await known(uow, IRYNA)

    assert await route_message(uow, iryna, None) is NoRoute.NO_CLIENT_CHOSEN
    await choose_conversation(uow, iryna, chat.id)
    # A reply to the bot's own menu is a reply to no one, even with a client chosen.
    assert await route_message(uow, iryna, 999) is NoRoute.NOT_RELAYED


async def test_a_chosen_client_gets_plain_messages_until_the_therapist_stops():
    uow = platform()
    await open_conversation(uow, OLENA, IRYNA)
    with_petro = await open_conversation(uow, PETRO, IRYNA)
    iryna = await known(uow, IRYNA)

    chosen = await choose_conversation(uow, iryna, with_petro.id)
    routed = await route_message(uow, iryna, None)
    await stop_writing(uow, iryna)

    assert chosen.partner_name == "—"  # no name chosen yet: never the Telegram one
    assert routed == Deliver(with_petro, Side.THERAPIST)
    assert await route_message(uow, iryna, None) is NoRoute.NO_CLIENT_CHOSEN


async def test_a_client_with_one_therapist_just_writes_and_with_two_is_asked():
    uow = platform()
    olena = await known(uow, OLENA)
    assert await route_message(uow, olena, None) is NoRoute.NO_CONVERSATION

    with_iryna = await open_conversation(uow, OLENA, IRYNA)
    assert await route_message(uow, olena, None) == Deliver(with_iryna, Side.CLIENT)

    with_maksym = await open_conversation(uow, OLENA, MAKSYM)
    await uow.conversations.touch(with_maksym.id, NOW)
    asked = await route_message(uow, olena, None)
    assert isinstance(asked, AskWhichConversation)
    assert [s.partner_name for s in asked.conversations] == ["Maksym Shevchuk", "Ірина Коваль"]

    await choose_conversation(uow, olena, with_iryna.id)
    assert await route_message(uow, olena, None) == Deliver(with_iryna, Side.CLIENT)


async def test_someone_elses_conversation_cannot_be_chosen():
    uow = platform()
    petros = await open_conversation(uow, PETRO, IRYNA)
    with pytest.raises(NotYourConversation):
        await choose_conversation(uow, await known(uow, OLENA), petros.id)
    with pytest.raises(NotYourConversation):
        await choose_conversation(uow, await known(uow, OLENA), 12345)
    assert uow.conversations.focus == {}


# -- relaying -----------------------------------------------------------------


async def test_a_relay_is_one_timed_message_due_now_per_original():
    uow = platform()
    clock = ManualClock(NOW)
    chat = await open_conversation(uow, OLENA, IRYNA)
    route = Deliver(chat, Side.CLIENT)

    await relay(uow, clock, route, sender_id=OLENA, message_id=41)
    clock.advance(timedelta(minutes=1))
    await relay(uow, clock, route, sender_id=OLENA, message_id=41)  # Telegram sent the update again

    assert list(uow.timed_messages.rows) == ["relay:1001:41"]
    message = uow.timed_messages.rows["relay:1001:41"]
    assert (message.kind, message.recipient_id) == (ChatNotice.RELAY, IRYNA)
    assert dict(message.params) == {
        "from_chat_id": OLENA,
        "message_id": 41,
        "conversation_id": chat.id,
        "sender_role": "client",
        "reply_to": None,
    }
    assert uow.conversations.rows[chat.id].last_message_at == clock.now()


async def test_each_side_sees_the_other_by_the_name_meant_for_them():
    uow = platform()
    await open_conversation(uow, OLENA, IRYNA)
    await open_conversation(uow, PETRO, IRYNA)

    therapist_sees = await conversations_of(uow, await known(uow, IRYNA))
    client_sees = await conversations_of(uow, await known(uow, OLENA))

    assert sorted(s.partner_name for s in therapist_sees) == ["Оля", "—"]  # Petro has chosen no name yet
    assert [(s.partner_name, s.my_side) for s in client_sees] == [("Ірина Коваль", Side.CLIENT)]



async def test_a_client_sees_the_therapists_name_in_the_language_they_read():
    english = User(PETRO, "Petro", "en", "Europe/Kyiv", NOW, display_name="Petro", roles={Role.CLIENT})
    uow = FakeUnitOfWork(
        User(IRYNA, "Iryna", "uk", "Europe/Kyiv", NOW, roles={Role.CLIENT, Role.THERAPIST}),
        User(OLENA, "Olena", "uk", "Europe/Kyiv", NOW, display_name="Оля", roles={Role.CLIENT}),
        english,
        therapists=(replace(_profile(IRYNA, "Ірина Коваль"), name_en="Iryna Koval"),),
    )
    await open_conversation(uow, OLENA, IRYNA)
    with_petro = await open_conversation(uow, PETRO, IRYNA)

    assert [s.partner_name for s in await conversations_of(uow, await known(uow, OLENA))] == ["Ірина Коваль"]
    assert [s.partner_name for s in await conversations_of(uow, english)] == ["Iryna Koval"]
    relayed_to_petro = await partner_in(uow, with_petro.id, english)  # the header of a relayed message
    assert relayed_to_petro is not None and relayed_to_petro.partner_name == "Iryna Koval"

# -- the client's name --------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("  Оля  ", "Оля"),
        ("Anna-Maria  K.", "Anna-Maria K."),
        ("Dr. Smith", "Dr. Smith"),
        ("👩\u200d💻 Kate", "👩\u200d💻 Kate"),
        ("Ol\u202eena", "Olena"),  # a right-to-left override would disguise the name
        ("Ol\nena", "Ol ena"),
        ("x" * MAX_LENGTH, "x" * MAX_LENGTH),
    ],
)
def test_an_acceptable_name_is_shown_tidied(typed, shown):
    assert acceptable_name(typed) == shown


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("   ", NameProblem.EMPTY),
        ("\u202e", NameProblem.EMPTY),
        ("x" * (MAX_LENGTH + 1), NameProblem.TOO_LONG),
        ("https://example.org", NameProblem.LINK),
        ("t.me/olena_k", NameProblem.LINK),
        ("Olena @olena_k", NameProblem.LINK),
        ("www.olena", NameProblem.LINK),
        ("olena.com", NameProblem.LINK),
        ("Olena CHEAP-PILLS.SHOP", NameProblem.LINK),
    ],
)
def test_an_unacceptable_name_says_what_is_wrong(typed, problem):
    with pytest.raises(UnacceptableName) as refused:
        acceptable_name(typed)
    assert refused.value.problem is problem


@given(st.text(max_size=80))
def test_whatever_is_typed_a_shown_name_is_one_short_line(typed):
    try:
        name = acceptable_name(typed)
    except UnacceptableName:
        return
    assert 1 <= len(name) <= MAX_LENGTH
    assert name == name.strip() and "\n" not in name and "  " not in name


async def test_a_refused_name_changes_nothing():
    uow = platform()
    petro = await known(uow, PETRO)
    with pytest.raises(UnacceptableName):
        await choose_display_name(uow, petro, "see t.me/petro")
    named = await choose_display_name(uow, petro, " Петро ")

    assert (named.display_name, uow.users.saved, uow.commits) == ("Петро", [named], 1)


# -- what only the database promises ------------------------------------------


async def test_concurrent_opens_of_one_pair_make_one_conversation(app):
    async with app.unit_of_work() as uow:
        for user in (User(OLENA, "Olena", "uk", "Europe/Kyiv", NOW), User(IRYNA, "Iryna", "uk", "Europe/Kyiv", NOW)):
            await uow.users.add(user)
        await uow.therapists.add(_profile(IRYNA, "Ірина Коваль"))
        await uow.commit()

    async def booking_request() -> int:
        async with app.unit_of_work() as uow:
            conversation = await open_conversation(uow, OLENA, IRYNA)
            await uow.commit()
            return conversation.id

    ids = await asyncio.gather(*(booking_request() for _ in range(5)))

    assert len(set(ids)) == 1
    async with app.unit_of_work() as uow:
        assert [c.id for c in await uow.conversations.of_therapist(IRYNA)] == [ids[0]]


async def test_a_delivered_message_is_remembered_once_and_found_both_ways(app):
    async with app.unit_of_work() as uow:
        for user in (User(OLENA, "Olena", "uk", "Europe/Kyiv", NOW), User(IRYNA, "Iryna", "uk", "Europe/Kyiv", NOW)):
            await uow.users.add(user)
        await uow.therapists.add(_profile(IRYNA, "Ірина Коваль"))
        chat = await open_conversation(uow, OLENA, IRYNA)
        copy = delivered(chat, IRYNA, 801, origin=51)
        await uow.conversations.remember_relayed(delivered(chat, IRYNA, 800, origin=51, header=True))
        await uow.conversations.remember_relayed(copy)
        await uow.conversations.remember_relayed(copy)  # delivery retried the bookkeeping
        await uow.commit()

    async with app.unit_of_work() as uow:
        assert await uow.conversations.delivered_as(IRYNA, 801) == copy
        assert await uow.conversations.delivered_as(OLENA, 801) is None
        assert [m.delivered_message_id for m in await uow.conversations.originals_of(OLENA, 51)] == [800, 801]
