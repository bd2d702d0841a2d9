"""Where a session happens: the link reaches the two people of a paid session, and nobody before.

Olena (New York, English) books Iryna (Kyiv, Ukrainian); Petro (Kyiv, Ukrainian) books too but has
not paid. By default each paid session gets a fresh room on https://meet.jit.si.
"""
from __future__ import annotations

import pytest

from core.bookings import BookingStatus
from core.usecases.booking import accept_request, booking_paid
from core.usecases.meetings import set_meeting_place
from tests.bot import booking_support
from tests.bot.booking_support import IRYNA, MAKSYM, OLENA, PETRO, booked, deliver, scene, sent_to, stored, utc
from tests.bot.cabinet_support import profile_of
from tests.conftest import ADMIN_ID, make_settings
from tests.support.bot_client import BotClient

app = booking_support.app
sleeper = booking_support.sleeper

THURSDAY_NOON_KYIV = utc(2026, 11, 26, 10)
FRIDAY_NOON_KYIV = utc(2026, 11, 27, 10)
ZOOM = "https://us02web.zoom.us/j/81234567890?pwd=abc"


@pytest.fixture
def meeting_env() -> dict[str, object]:
    return {}


@pytest.fixture
def settings(database_url: str, meeting_env: dict[str, object]):
    return make_settings(database_url, **meeting_env)


def links_in(texts: list[str]) -> list[str]:
    return [text for text in texts if "https://" in text]


async def test_the_card_in_my_sessions_shows_the_room_only_once_paid_and_the_same_to_both(app, make_client, clock):
    await scene(app)
    waiting = await booked(app, OLENA, THURSDAY_NOON_KYIV)
    olena, iryna = make_client(OLENA, "Olena", language_code="en"), make_client(IRYNA, "Iryna")

    unpaid = await olena.press(f"so:{waiting.id}")
    assert "video room" not in BotClient.texts_of(unpaid)[0]
    assert links_in(BotClient.texts_of(await iryna.press(f"so:{waiting.id}"))) == []

    async with app.unit_of_work() as uow:
        await booking_paid(uow, clock, waiting.id, policy=app.settings.booking_policy())
        await uow.commit()
    room = (await stored(app, waiting.id)).meeting_room
    assert room and len(room) >= 24  # unguessable: 128 random bits

    assert BotClient.texts_of(await olena.press(f"so:{waiting.id}"))[0].endswith(
        f"\n🎥 The session's video room: https://meet.jit.si/{room}"
    )
    assert BotClient.texts_of(await iryna.press(f"so:{waiting.id}"))[0].endswith(
        f"\n🎥 Відеокімната сесії: https://meet.jit.si/{room}"
    )


async def test_every_paid_session_gets_a_room_of_its_own(app):
    await scene(app)
    first = await booked(app, OLENA, THURSDAY_NOON_KYIV, paid=True)
    second = await booked(app, PETRO, FRIDAY_NOON_KYIV, paid=True)
    rooms = {(await stored(app, first.id)).meeting_room, (await stored(app, second.id)).meeting_room}
    assert len(rooms) == 2 and None not in rooms


async def test_a_therapist_sets_a_room_of_her_own_and_clients_of_paid_sessions_ahead_get_it(app, make_client, session):
    await scene(app)
    paid = await booked(app, OLENA, THURSDAY_NOON_KYIV, paid=True)
    await booked(app, PETRO, FRIDAY_NOON_KYIV)  # confirmed, not paid
    await deliver(app)
    iryna = make_client(IRYNA, "Iryna")

    await iryna.send("/cabinet")
    place = await iryna.click("🎥 Місце зустрічі")
    assert BotClient.texts_of(place)[0].startswith("🎥 Місце зустрічі: нова приватна кімната для кожної сесії на https://meet.jit.si.")
    asked = await iryna.click("✏️ Власне посилання")
    assert BotClient.texts_of(asked)[0].startswith("Надішліть посилання на свою відеокімнату")

    # not https, two addresses, a sticker: explained, the step waits, nothing is saved
    for wrong in ("http://zoom.us/j/1", "zoom.us/j/1", f"{ZOOM} {ZOOM}"):
        answer = await iryna.send(wrong)
        assert BotClient.texts_of(answer)[0].startswith("Таке посилання я не можу дати клієнтам: потрібна одна адреса, що починається з https://.")
    sticker = await iryna.send_sticker()
    assert BotClient.texts_of(sticker)[0].startswith("Будь ласка, надішліть посилання текстом.")
    assert (await profile_of(app)).meeting_url is None

    mark = len(session.calls)
    saved = await iryna.send(ZOOM)
    assert BotClient.texts_of(saved)[0] == (
        f"Збережено. Усі наступні оплачені сесії тепер мають це посилання.\n\n🎥 Місце зустрічі: ваша власна кімната — {ZOOM}"
    )
    assert (await profile_of(app)).meeting_url == ZOOM
    await deliver(app)
    assert sent_to(session, OLENA, mark) == [
        f"🎥 The session on Thu 26 November, 05:00 (New York, UTC-5) has a new video room: {ZOOM}"
    ]
    assert sent_to(session, PETRO, mark) == []  # not paid: no link at all
    card = await make_client(OLENA, "Olena", language_code="en").press(f"so:{paid.id}")
    assert BotClient.texts_of(card)[0].endswith(f"\n🎥 The session's video room: {ZOOM}")

    # back to a fresh room per session: the client hears of the session's own room
    mark = len(session.calls)
    await iryna.send("/cabinet")
    await iryna.click("🎥 Місце зустрічі")
    fresh = await iryna.click("🔄 Нова кімната для кожної сесії")
    assert BotClient.texts_of(fresh)[0].startswith("🎥 Місце зустрічі: нова приватна кімната")
    assert (await profile_of(app)).meeting_url is None
    await deliver(app)
    room = (await stored(app, paid.id)).meeting_room
    assert sent_to(session, OLENA, mark) == [
        f"🎥 The session on Thu 26 November, 05:00 (New York, UTC-5) has a new video room: https://meet.jit.si/{room}"
    ]


@pytest.mark.parametrize("meeting_env", [{"meeting_base_url": ""}])
async def test_without_a_default_service_the_therapist_is_asked_for_a_link_and_the_client_is_told_it_comes(
    app, make_client, session
):
    await scene(app)
    mark = len(session.calls)
    booking = await booked(app, OLENA, THURSDAY_NOON_KYIV, paid=True)
    assert (await stored(app, booking.id)).status is BookingStatus.PAID
    await deliver(app)
    card = await make_client(OLENA, "Olena", language_code="en").press(f"so:{booking.id}")
    assert BotClient.texts_of(card)[0].endswith(
        "\n🎥 The therapist will send the link to the video room here before the session."
    )
    iryna = make_client(IRYNA, "Iryna")
    overview = await iryna.send("/cabinet")
    assert "🎥 Місце зустрічі: не задано. Клієнти не отримають посилання на сесію, доки ви його не додасте." in overview[0].text
    own = await iryna.press(f"so:{booking.id}")
    assert BotClient.texts_of(own)[0].endswith("\n🎥 Клієнт ще не має посилання на відеокімнату: додайте своє в /cabinet → 🎥 Місце зустрічі, і його отримає кожна оплачена сесія.")
    place = await iryna.click("🎥 Місце зустрічі", in_reply=overview[0])
    assert place[-2].buttons == ["✏️ Власне посилання", "« Кабінет"]  # no service to fall back to
    assert links_in(sent_to(session, OLENA, mark)) == []


async def test_staff_see_in_a_therapists_card_whether_they_keep_a_room_of_their_own(app, make_client, clock):
    await scene(app)
    admin = make_client(ADMIN_ID, "Admin", language_code="en")
    await admin.send("/therapists")
    opened = await admin.click("Iryna Kovalenko")
    assert "🎥 Own video room: none (sessions use the platform's video service, if it has one)" in opened[-2].text

    async with app.unit_of_work() as uow:
        await set_meeting_place(uow, clock, IRYNA, ZOOM)
    await admin.send("/therapists")
    opened = await admin.click("Iryna Kovalenko")
    assert f"🎥 Own video room: {ZOOM}" in opened[-2].text


@pytest.mark.parametrize("meeting_env", [{"meeting_base_url": ""}])
async def test_without_a_default_service_a_therapist_with_no_room_is_asked_for_one_when_a_session_is_confirmed(
    app, make_client, session, clock
):
    await scene(app)
    mark = len(session.calls)
    request = await booked(app, OLENA, THURSDAY_NOON_KYIV, accepted=False)
    await deliver(app)
    assert [text for text in sent_to(session, IRYNA, mark) if "відеокімнат" in text] == []  # a request is not a session yet

    async with app.unit_of_work() as uow:
        await accept_request(uow, clock, therapist_id=IRYNA, booking_id=request.id, version=request.version,
                             policy=app.settings.booking_policy())
    await deliver(app)
    asked = [text for text in sent_to(session, IRYNA, mark) if "відеокімнат" in text]
    assert asked == [
        "🎥 Сесію чт, 26 листопада, 12:00 (Київ, UTC+2) підтверджено, але у вас не задано відеокімнату, а власної "
        "платформа не має: клієнт не отримає посилання на сесію. Додайте посилання на свою кімнату зараз — і його "
        "отримає кожна оплачена сесія:"
    ]
    iryna = make_client(IRYNA, "Iryna")
    place = await iryna.click("🎥 Місце зустрічі")
    assert BotClient.texts_of(place)[0].startswith("🎥 Місце зустрічі: не задано.")

    # asked once; the card of each paid session says it too
    mark = len(session.calls)
    await booked(app, OLENA, FRIDAY_NOON_KYIV)
    await deliver(app)
    assert [text for text in sent_to(session, IRYNA, mark) if "не задано відеокімнату" in text] == []

    await iryna.click("✏️ Власне посилання")
    await iryna.send(ZOOM)
    await booked(app, PETRO, utc(2026, 11, 27, 12))
    await deliver(app)
    assert [text for text in sent_to(session, IRYNA, mark) if "не задано відеокімнату" in text] == []


async def test_with_the_platforms_video_service_nobody_is_asked_for_a_room(app, session):
    await scene(app)
    await booked(app, OLENA, THURSDAY_NOON_KYIV, paid=True)
    await deliver(app)
    assert [text for text in sent_to(session, IRYNA) if "не задано відеокімнату" in text] == []


@pytest.mark.parametrize("meeting_env", [{"meeting_base_url": ""}])
async def test_without_a_default_service_staff_see_who_keeps_no_room(app, make_client, clock):
    await scene(app)
    await booking_support.add_therapist(app, MAKSYM, "Maksym Shevchuk", meeting_url=ZOOM)
    admin = make_client(ADMIN_ID, "Admin", language_code="en")
    roster = await admin.send("/therapists")
    assert roster[0].text.splitlines()[:5] == [
        "All therapists: 2. Page 1 of 1.",
        "🎥 No video room, so their clients get no link: 1",
        "",
        "• Iryna Kovalenko — verified, 🎥 no video room",
        "• Maksym Shevchuk — verified",
    ]
    opened = await admin.click("Iryna Kovalenko")
    assert (
        "🎥 Own video room: none, and the platform has no video service: their clients get no link to sessions"
        in opened[-2].text
    )
